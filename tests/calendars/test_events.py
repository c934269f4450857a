"""From the history of published states to a feed's events, sequences and modification times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendars.events import Person, Snapshot, Staffed, feed_duties, revisions
from calendars.feed import FeedDuty, FeedKind
from tests.calendars.conftest import local

FIRST = datetime(2026, 1, 10, 9, tzinfo=UTC)
SECOND = FIRST + timedelta(days=1)
THIRD = SECOND + timedelta(days=1)
PEOPLE = {
    "hh-01": Person("Jan Peeters", "+32 470 11 22 33"),
    "rt-01": Person("An Claes"),
    "hh-02": Person("Els Maes"),
}


def week(day: int, *people: tuple[str, str], role: str = "OVW") -> Staffed:
    start = local(2026, 3, day)
    return Staffed(
        shift=f"{role}@2026-03-{day:02d}T08:00",
        role=role,
        start=start,
        end=start + timedelta(days=7),
        people=tuple(sorted(people)),
    )


def snapshot(at: datetime, *shifts: Staffed) -> Snapshot:
    return Snapshot(published_at=at, shifts={staffed.shift: staffed for staffed in shifts})


def duties(
    history: list[Snapshot],
    kind: FeedKind,
    subject: str | None,
    since: datetime | None = None,
) -> dict[str, FeedDuty]:
    found = feed_duties(
        history,
        kind=kind,
        subject=subject,
        domain="coop.example",
        people=PEOPLE,
        role_names={"OVW": "Officier van wacht"},
        since=since,
    )
    return {duty.uid.split("@")[0]: duty for duty in found}


HH = ("hh-01", "HH")
RT = ("rt-01", "RT")
HH2 = ("hh-02", "HH")


class TestRevisions:
    def test_a_new_key_starts_at_sequence_zero_when_it_appears(self) -> None:
        found = revisions([(FIRST, {}), (SECOND, {"a": ("x", "x")})])
        assert found["a"].sequence == 0 and found["a"].last_modified == SECOND

    def test_unchanged_keeps_sequence_and_time(self) -> None:
        found = revisions([(FIRST, {"a": ("x", "x")}), (SECOND, {"a": ("x", "x")})])
        assert (found["a"].sequence, found["a"].last_modified) == (0, FIRST)

    def test_a_core_change_bumps_sequence_and_time(self) -> None:
        found = revisions([(FIRST, {"a": ("x", "x")}), (SECOND, {"a": ("y", "y")})])
        assert (found["a"].sequence, found["a"].last_modified) == (1, SECOND)

    def test_a_change_outside_the_core_moves_only_the_time(self) -> None:
        found = revisions([(FIRST, {"a": ("x", "x")}), (SECOND, {"a": ("x", "z")})])
        assert (found["a"].sequence, found["a"].last_modified) == (0, SECOND)

    def test_gone_and_back_counts_twice_and_gone_keys_are_not_returned(self) -> None:
        history = [
            (FIRST, {"a": ("x", "x"), "b": ("x", "x")}),
            (SECOND, {"b": ("x", "x")}),
            (THIRD, {"a": ("x", "x")}),
        ]
        found = revisions(history)
        assert set(found) == {"a"}
        assert (found["a"].sequence, found["a"].last_modified) == (2, THIRD)


class TestPersonFeed:
    def test_only_my_duties_with_handover_neighbours(self) -> None:
        history = [snapshot(FIRST, week(2, RT), week(9, HH), week(16, RT))]
        mine = duties(history, "person", "hh-01")
        assert list(mine) == ["person-OVW-2026-03-09T08-00-hh-01"]
        duty = mine["person-OVW-2026-03-09T08-00-hh-01"]
        assert [person.name for person in duty.people] == ["Jan Peeters"]
        assert duty.people[0].phone == "+32 470 11 22 33"
        assert [person.label() for person in duty.previous] == ["An Claes (RT)"]
        assert [person.label() for person in duty.following] == ["An Claes (RT)"]

    def test_a_duty_swapped_away_disappears(self) -> None:
        history = [
            snapshot(FIRST, week(2, HH), week(9, RT)),
            snapshot(SECOND, week(2, RT), week(9, HH)),
        ]
        mine = duties(history, "person", "hh-01")
        assert list(mine) == ["person-OVW-2026-03-09T08-00-hh-01"]
        assert mine["person-OVW-2026-03-09T08-00-hh-01"].sequence == 0
        assert mine["person-OVW-2026-03-09T08-00-hh-01"].last_modified == SECOND

    def test_a_neighbour_swap_moves_last_modified_not_the_sequence(self) -> None:
        history = [
            snapshot(FIRST, week(2, RT), week(9, HH)),
            snapshot(SECOND, week(2, HH2), week(9, HH)),
        ]
        duty = duties(history, "person", "hh-01")["person-OVW-2026-03-09T08-00-hh-01"]
        assert (duty.sequence, duty.last_modified) == (0, SECOND)
        assert [person.name for person in duty.previous] == ["Els Maes"]

    def test_a_republish_of_the_same_rota_changes_nothing(self) -> None:
        same = (week(2, RT), week(9, HH))
        duty = duties([snapshot(FIRST, *same), snapshot(SECOND, *same)], "person", "hh-01")[
            "person-OVW-2026-03-09T08-00-hh-01"
        ]
        assert (duty.sequence, duty.last_modified) == (0, FIRST)

    def test_a_moved_shift_time_bumps_the_sequence(self) -> None:
        moved = week(9, HH)
        later = Staffed(
            moved.shift, "OVW", moved.start + timedelta(hours=2), moved.end, moved.people
        )
        duty = duties([snapshot(FIRST, moved), snapshot(SECOND, later)], "person", "hh-01")[
            "person-OVW-2026-03-09T08-00-hh-01"
        ]
        assert (duty.sequence, duty.last_modified) == (1, SECOND)
        assert duty.start == moved.start + timedelta(hours=2)

    def test_since_keeps_duties_ending_after_it(self) -> None:
        shift = week(9, HH)
        history = [snapshot(FIRST, shift)]
        assert duties(history, "person", "hh-01", since=shift.end - timedelta(seconds=1))
        assert not duties(history, "person", "hh-01", since=shift.end)


class TestSharedFeeds:
    def test_a_duty_moved_to_someone_else_shows_the_new_person_in_the_role_feed(self) -> None:
        history = [
            snapshot(FIRST, week(2, HH), week(9, RT)),
            snapshot(SECOND, week(2, HH2), week(9, RT)),
        ]
        role = duties(history, "role", "OVW")
        moved = role["role-OVW-2026-03-02T08-00"]
        assert [person.name for person in moved.people] == ["Els Maes"]
        assert (moved.sequence, moved.last_modified) == (1, SECOND)
        untouched = role["role-OVW-2026-03-09T08-00"]
        assert untouched.sequence == 0
        # Its handover text changed, so it is modified, but not re-sequenced.
        assert untouched.last_modified == SECOND

    def test_role_feed_holds_only_its_role(self) -> None:
        history = [snapshot(FIRST, week(2, HH), week(2, RT, role="SB"))]
        assert list(duties(history, "role", "SB")) == ["role-SB-2026-03-02T08-00"]

    def test_zone_feed_shows_the_zone_s_people_of_a_shared_shift(self) -> None:
        history = [snapshot(FIRST, week(2, HH, RT), week(9, RT))]
        zone = duties(history, "zone", "HH")
        assert list(zone) == ["zone-OVW-2026-03-02T08-00-HH"]
        assert [person.zone for person in zone["zone-OVW-2026-03-02T08-00-HH"].people] == ["HH"]

    def test_cooperation_feed_shows_everyone_on_every_shift(self) -> None:
        history = [snapshot(FIRST, week(2, HH, RT), week(2, HH2, role="SB"))]
        everyone = duties(history, "cooperation", None)
        assert set(everyone) == {
            "cooperation-OVW-2026-03-02T08-00",
            "cooperation-SB-2026-03-02T08-00",
        }
        assert len(everyone["cooperation-OVW-2026-03-02T08-00"].people) == 2

    def test_unknown_people_are_shown_by_code(self) -> None:
        history = [snapshot(FIRST, week(2, ("xx-9", "HH")))]
        (duty,) = duties(history, "role", "OVW").values()
        assert duty.people[0].name == "xx-9"

    def test_no_history_gives_no_events(self) -> None:
        assert duties([], "cooperation", None) == {}

"""Feed tokens, rendering from published versions, and the feed cache, on a real database."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import update
from sqlmodel import select

from scheduler.auth import Actor
from scheduler.errors import Invalid, NotFound, NotPermitted
from scheduler.models import AuditEvent, FeedCache, FeedToken
from scheduler.services import feeds, rotas
from solver.rota import Assignment, Rota
from solver.shifts import expand
from tests.calendars.test_interop import ical_js
from tests.scheduler.conftest import PLANNING_HORIZON, Planning, planning_scenario

START, END = PLANNING_HORIZON
BRUSSELS = ZoneInfo("Europe/Brussels")
# A day before the horizon: the feed window (30 days back) holds all five weeks.
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
WEEKS = ("hh-01", "rt-01", "hh-02", "rt-02", "hh-03")  # who is OVW in each of the five weeks


def publish(planning: Planning, people: Sequence[str] = WEEKS, parent: int | None = None) -> int:
    """Store and publish a rota giving week ``i`` to ``people[i]``; returns the version id."""
    scenario = planning_scenario()
    rota = Rota(
        scenario=scenario.name,
        status="FEASIBLE",
        assignments=[
            Assignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=code,
                zone=code[:2].upper(),
                load=shift.load,
            )
            for shift, code in zip(expand(scenario).shifts, people, strict=True)
        ],
    )
    with planning.session() as session:
        version = rotas.store_version(
            session,
            cooperation_id=planning.cooperation_id,
            horizon_start=START,
            horizon_end=END,
            rota=rota,
            source="swap" if parent else "import",
            parent_id=parent,
        )
        session.commit()
        assert version.id is not None
        rotas.publish_version(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            version_id=version.id,
        )
        return version.id


def create(
    planning: Planning, actor: Actor, kind: str, subject: str | None = None, **extra: object
) -> feeds.FeedLinks:
    with planning.session() as session:
        return feeds.create_feed(
            session=session,
            actor=actor,
            cooperation_id=planning.cooperation_id,
            feed_in=feeds.FeedCreate.model_validate({"kind": kind, "subject": subject, **extra}),
        )


def token_of(links: feeds.FeedLinks) -> str:
    return links.url.rsplit("/", 1)[1].removesuffix(".ics")


def serve(planning: Planning, links: feeds.FeedLinks, now: datetime = NOW) -> feeds.RenderedFeed:
    with planning.session() as session:
        return feeds.serve_feed(session=session, token=token_of(links), now=now)


def events(rendered: feeds.RenderedFeed) -> dict[str, icalendar.Component]:
    calendar = icalendar.Calendar.from_ical(rendered.body)
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def cache_row(planning: Planning, links: feeds.FeedLinks) -> FeedCache:
    with planning.session() as session:
        row = session.get(FeedCache, links.id)
        assert row is not None
        return row


class TestTokens:
    def test_an_officer_gets_their_own_feed_with_https_and_webcal_links(
        self, planning: Planning
    ) -> None:
        links = create(planning, planning.officer, "person")
        assert links.subject == "hh-01"
        assert links.url.startswith("http://127.0.0.1:8000/api/v1/feeds/pmf_")
        assert links.webcal_url == "webcal://" + links.url.removeprefix("http://")
        # 32 random bytes: far more than the 128 bits a capability URL needs.
        assert len(token_of(links).removeprefix("pmf_")) == 43
        with planning.session() as session:
            row = session.get(FeedToken, links.id)
            assert row is not None
            assert token_of(links) not in row.token_hash
            event = session.exec(select(AuditEvent).where(AuditEvent.entity == "feed")).one()
        assert event.action == "create" and "token_hash" not in (event.after or {})

    def test_an_officer_cannot_make_feeds_of_others_or_shared_feeds(
        self, planning: Planning
    ) -> None:
        with pytest.raises(NotFound):
            create(planning, planning.officer, "person", "rt-01")
        with pytest.raises(NotPermitted):
            create(planning, planning.officer, "role", "OVW")

    def test_planners_make_shared_feeds_of_known_subjects_only(self, planning: Planning) -> None:
        assert create(planning, planning.planner_rt, "zone", "HH").subject == "HH"
        assert create(planning, planning.planner_hh, "cooperation").subject is None
        with pytest.raises(Invalid, match="no role 'XYZ'"):
            create(planning, planning.planner_hh, "role", "XYZ")
        with pytest.raises(Invalid, match="no subject"):
            create(planning, planning.planner_hh, "cooperation", "HH")

    def test_unknown_revoked_and_rotated_tokens_are_not_found(self, planning: Planning) -> None:
        publish(planning)
        links = create(planning, planning.officer, "person")
        serve(planning, links)
        with planning.session() as session:
            with pytest.raises(NotFound, match="no such feed"):
                feeds.serve_feed(session=session, token="pmf_" + "A" * 43, now=NOW)
            rotated = feeds.rotate_feed(
                session=session,
                actor=planning.officer,
                cooperation_id=planning.cooperation_id,
                feed_id=links.id,
            )
        with pytest.raises(NotFound, match="no such feed"):
            serve(planning, links)
        assert rotated.url != links.url and rotated.subject == "hh-01"
        assert events(serve(planning, rotated))
        with planning.session() as session:
            feeds.revoke_feed(
                session=session,
                actor=planning.officer,
                cooperation_id=planning.cooperation_id,
                feed_id=rotated.id,
            )
            with pytest.raises(NotFound, match="no such feed"):
                feeds.serve_feed(session=session, token=token_of(rotated), now=NOW)
            with pytest.raises(NotFound):
                feeds.revoke_feed(
                    session=session,
                    actor=planning.officer,
                    cooperation_id=planning.cooperation_id,
                    feed_id=rotated.id,
                )

    def test_only_owners_rotate_and_list(self, planning: Planning) -> None:
        mine = create(planning, planning.officer, "person")
        shared = create(planning, planning.planner_hh, "role", "OVW")
        with planning.session() as session:
            with pytest.raises(NotFound):
                feeds.rotate_feed(
                    session=session,
                    actor=planning.planner_rt,
                    cooperation_id=planning.cooperation_id,
                    feed_id=mine.id,
                )
            with pytest.raises(NotPermitted):
                feeds.rotate_feed(
                    session=session,
                    actor=planning.officer,
                    cooperation_id=planning.cooperation_id,
                    feed_id=shared.id,
                )

            def listed(actor: Actor) -> list[int]:
                rows = feeds.list_feeds(
                    session=session, actor=actor, cooperation_id=planning.cooperation_id
                )
                return [row.id or 0 for row in rows]

            assert listed(planning.officer) == [mine.id]
            assert listed(planning.planner_rt) == [shared.id]
            assert listed(planning.admin) == [mine.id, shared.id]


class TestContent:
    def test_person_feed_holds_my_duties_at_local_times_across_dst(
        self, planning: Planning
    ) -> None:
        publish(planning)
        mine = events(serve(planning, create(planning, planning.officer, "person")))
        assert list(mine) == ["person-OVW-2026-03-02T08-00-hh-01"]
        publish(planning, ("rt-01", "hh-02", "rt-02", "hh-01", "hh-03"))
        mine = events(serve(planning, create(planning, planning.officer, "person")))
        (spanning,) = mine.values()
        start = spanning.decoded("dtstart").astimezone(BRUSSELS)
        end = spanning.decoded("dtend").astimezone(BRUSSELS)
        assert (start.day, start.hour, start.utcoffset()) == (23, 8, timedelta(hours=1))
        assert (end.day, end.hour, end.utcoffset()) == (30, 8, timedelta(hours=2))

    def test_thunderbird_s_parser_reads_the_served_role_feed_at_eight_local(
        self, planning: Planning
    ) -> None:
        publish(planning)
        rendered = serve(planning, create(planning, planning.planner_hh, "role", "OVW"))
        parsed = ical_js(rendered.body)
        mondays = ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
        assert [event["local_start"] for event in parsed["events"]] == [
            f"{day}T08:00" for day in mondays
        ]
        assert [event["local_end"] for event in parsed["events"]][3:] == [
            "2026-03-30T08:00",
            "2026-04-06T08:00",
        ]
        assert parsed["name"] == "Permanentie Role OVW"

    def test_uids_are_scoped_to_the_cooperation_and_never_clash_between_feeds(
        self, planning: Planning
    ) -> None:
        publish(planning)
        mine = serve(planning, create(planning, planning.officer, "person"))
        role = serve(planning, create(planning, planning.planner_hh, "role", "OVW"))
        mine_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(mine.body).walk("VEVENT")}
        role_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(role.body).walk("VEVENT")}
        assert len(role_uids) == 5 and len(mine_uids) == 1
        assert not mine_uids & role_uids
        assert all(uid.endswith("@planning-test.127.0.0.1") for uid in mine_uids | role_uids)

    def test_a_swap_keeps_uids_bumps_sequence_and_moves_the_duty(self, planning: Planning) -> None:
        first = publish(planning)
        mine = create(planning, planning.officer, "person")
        role = create(planning, planning.planner_hh, "role", "OVW")
        other = create(planning, planning.admin, "person", "rt-02")
        before_role, before_mine = events(serve(planning, role)), events(serve(planning, mine))
        assert list(before_mine) == ["person-OVW-2026-03-02T08-00-hh-01"]
        # hh-01 gives week 1 to rt-02 (a swap publishes a new version on top of the old one).
        publish(planning, ("rt-02", "rt-01", "hh-02", "hh-01", "hh-03"), parent=first)
        after_role = events(serve(planning, role))
        assert after_role.keys() == before_role.keys()
        changed = "role-OVW-2026-03-02T08-00"
        assert after_role[changed]["SEQUENCE"] == 1
        assert "Person rt-02 (RT)" in str(after_role[changed]["SUMMARY"])
        # iCalendar times have whole seconds; both publishes may fall in the same one here.
        assert after_role[changed].decoded("last-modified") >= before_role[changed].decoded(
            "last-modified"
        )
        assert after_role[changed].decoded("dtstamp") == after_role[changed].decoded(
            "last-modified"
        )
        sequences = {uid[-16:-6]: event["SEQUENCE"] for uid, event in after_role.items()}
        # Weeks 1 and 4 changed hands; the others keep their people (only handover text moves).
        assert sequences == {
            "2026-03-02": 1,
            "2026-03-09": 0,
            "2026-03-16": 0,
            "2026-03-23": 1,
            "2026-03-30": 0,
        }
        assert list(events(serve(planning, mine))) == ["person-OVW-2026-03-23T08-00-hh-01"]
        assert "person-OVW-2026-03-02T08-00-rt-02" in events(serve(planning, other))

    def test_an_edit_through_the_rota_service_reaches_the_feed(self, planning: Planning) -> None:
        version = publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        serve(planning, role)
        with planning.session() as session:
            rotas.edit_version(
                session=session,
                actor=planning.planner_hh,
                cooperation_id=planning.cooperation_id,
                version_id=version,
                edit=rotas.DutyEdit(
                    action="reassign", shift="OVW@2026-03-16T08:00", person="rt-03"
                ),
            )
        event = events(serve(planning, role))["role-OVW-2026-03-16T08-00"]
        assert event["SEQUENCE"] == 1 and "Person rt-03 (RT)" in str(event["SUMMARY"])

    def test_duties_ended_before_the_window_are_left_out(self, planning: Planning) -> None:
        publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        last_end = datetime(2026, 4, 6, 6, tzinfo=UTC)
        assert len(events(serve(planning, role, now=last_end + feeds.WINDOW))) == 1
        assert events(serve(planning, role, now=last_end + feeds.WINDOW + timedelta(days=1))) == {}

    def test_a_feed_with_nothing_published_is_an_empty_calendar(self, planning: Planning) -> None:
        rendered = serve(planning, create(planning, planning.planner_hh, "cooperation"))
        calendar = icalendar.Calendar.from_ical(rendered.body)
        assert str(calendar["X-WR-CALNAME"]) == "Permanenties Planning test"
        assert list(calendar.walk("VEVENT")) == []

    def test_the_chosen_reminder_is_in_every_event(self, planning: Planning) -> None:
        publish(planning)
        rendered = serve(planning, create(planning, planning.officer, "person", alarm_minutes=45))
        (event,) = events(rendered).values()
        assert [alarm.decoded("trigger") for alarm in event.walk("VALARM")] == [
            timedelta(minutes=-45)
        ]


class TestCache:
    def test_served_from_the_cache_until_a_publish_marks_it_stale(self, planning: Planning) -> None:
        first_version = publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        first = serve(planning, role)
        rendered_at = cache_row(planning, role).rendered_at
        for _ in range(20):  # a subscriber storm reads, never renders
            assert serve(planning, role, now=NOW + timedelta(minutes=5)) == first
        assert cache_row(planning, role).rendered_at == rendered_at
        publish(planning, ("rt-02", "rt-01", "hh-02", "hh-01", "hh-03"), parent=first_version)
        assert cache_row(planning, role).stale
        second = serve(planning, role, now=NOW + timedelta(minutes=10))
        assert second.etag != first.etag
        assert second.last_modified > first.last_modified
        assert not cache_row(planning, role).stale

    def test_same_data_same_bytes_and_last_modified_never_moves_back(
        self, planning: Planning
    ) -> None:
        publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        first = serve(planning, role)
        assert first.last_modified.microsecond == 0
        rendered_at = cache_row(planning, role).rendered_at
        with planning.session() as session:
            feeds.mark_stale(session, planning.cooperation_id)
            session.commit()
        again = serve(planning, role, now=NOW + timedelta(hours=1))
        assert cache_row(planning, role).rendered_at != rendered_at  # really rendered again
        assert again == first  # byte-identical, same ETag, same Last-Modified
        # A new day moves the window; when that drops a duty, Last-Modified still advances.
        later = datetime(2026, 4, 9, tzinfo=UTC)
        moved = serve(planning, role, now=later)
        assert moved.body != first.body
        assert moved.last_modified >= later.replace(microsecond=0)

    def test_refresh_stale_feeds_renders_each_stale_feed_once(self, planning: Planning) -> None:
        version = publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        serve(planning, role)
        publish(planning, ("rt-02", "rt-01", "hh-02", "hh-01", "hh-03"), parent=version)
        with planning.session() as session:
            assert feeds.refresh_stale_feeds(session, now=NOW) == 1
            assert feeds.refresh_stale_feeds(session, now=NOW) == 0
        assert not cache_row(planning, role).stale

    def test_a_publish_during_a_render_is_not_lost(self, planning: Planning) -> None:
        publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        with planning.session() as rendering:
            feed = rendering.get(FeedToken, role.id)
            started = rendering.get(FeedCache, role.id)
            assert feed is not None and started is not None
            # A publish commits after the render has read the cache row ...
            with planning.session() as publishing:
                feeds.mark_stale(publishing, planning.cooperation_id)
                publishing.commit()
            # ... so the render's bytes are served once but not stored as fresh.
            assert feeds.refresh_feed(rendering, feed, started, now=NOW).body
        assert cache_row(planning, role).stale
        serve(planning, role)
        assert not cache_row(planning, role).stale

    def test_rotating_and_revoking_drop_the_cached_bytes(self, planning: Planning) -> None:
        publish(planning)
        links = create(planning, planning.officer, "person")
        serve(planning, links)
        with planning.session() as session:
            rotated = feeds.rotate_feed(
                session=session,
                actor=planning.officer,
                cooperation_id=planning.cooperation_id,
                feed_id=links.id,
            )
            assert session.get(FeedCache, links.id) is None
            assert session.get(FeedCache, rotated.id) is not None
            feeds.revoke_feed(
                session=session,
                actor=planning.officer,
                cooperation_id=planning.cooperation_id,
                feed_id=rotated.id,
            )
            assert session.get(FeedCache, rotated.id) is None

    @pytest.mark.slow
    def test_other_processes_changes_are_seen_within_a_second(self, planning: Planning) -> None:
        publish(planning)
        role = create(planning, planning.planner_hh, "role", "OVW")
        first = serve(planning, role)
        # Another web process's publish marks the row stale; this process does not hear of it.
        with planning.engine.begin() as connection:
            connection.execute(update(FeedCache).values(stale=True, generation=7))
        assert serve(planning, role) == first
        assert cache_row(planning, role).stale
        time.sleep(feeds.RECENT_SECONDS)
        assert serve(planning, role) == first
        assert not cache_row(planning, role).stale

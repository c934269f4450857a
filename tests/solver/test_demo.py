"""The demo data generator: deterministic, the structure of DESIGN.md, staffable, and
the committed example files are exactly what it generates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from solver.demo import demo_scenario, main, planning_year
from solver.eligibility import unavailability
from solver.scenario import Scenario, load_scenario, parse_scenario, read_data_file
from solver.scenario import scenario_to_data as to_data
from solver.shifts import expand

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def demo_quarter() -> Scenario:
    return demo_scenario(horizon_start=date(2026, 1, 5), horizon_end=date(2026, 4, 6))


# Distinct people the rules force around one shift of each role (see solver.demo):
# OVW weekly with a 21-day gap → 4 consecutive weeks need 4 people; SB with
# 14 days → 3; ICT nights with 11 h rest after the 08:00 handover → 2.
PEOPLE_NEEDED = {"OVW": 4, "SB": 3, "ICT": 2}


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return demo_scenario()


def holders(scenario: Scenario, zone: str, qualification: str) -> int:
    return sum(
        1
        for person in scenario.people
        if person.zone == zone and qualification in person.qualifications
    )


def days_by_month(scenario: Scenario, reason: str) -> Counter[int]:
    days: Counter[int] = Counter()
    for absence in scenario.absences:
        if absence.reason == reason:
            assert isinstance(absence.start, date) and isinstance(absence.end, date)
            day = absence.start
            while day < absence.end:
                days[day.month] += 1
                day += timedelta(days=1)
    return days


class TestDeterminism:
    def test_same_arguments_same_scenario(self, demo: Scenario) -> None:
        assert to_data(demo_scenario()) == to_data(demo)
        assert to_data(demo_scenario(zones=4)) == to_data(demo_scenario(zones=4))

    def test_another_seed_another_scenario(self, demo: Scenario) -> None:
        other = demo_scenario(seed=7)
        assert [person.name for person in other.people] != [person.name for person in demo.people]
        assert len(other.people) == len(demo.people)

    def test_round_trips_through_plain_data(self, demo: Scenario) -> None:
        assert parse_scenario(to_data(demo)) == demo


class TestTwoZoneDemo:
    def test_horizon_is_the_planning_year_of_whole_weeks(self, demo: Scenario) -> None:
        assert demo.horizon.start == date(2026, 1, 5)
        assert demo.horizon.end == date(2027, 1, 4)
        assert planning_year(2026) == demo.horizon
        assert demo.horizon.start.weekday() == demo.horizon.end.weekday() == 0
        shifts = expand(demo).shifts
        assert Counter(shift.role for shift in shifts) == {"OVW": 52, "SB": 52, "ICT": 52 * 5}

    def test_zones_and_timezone(self, demo: Scenario) -> None:
        assert demo.name == "PZ Het Houtsche + PZ Regio Tielt 2026"
        assert demo.timezone == "Europe/Brussels"
        assert [(zone.id, zone.name) for zone in demo.zones] == [
            ("HH", "PZ Het Houtsche"),
            ("RT", "PZ Regio Tielt"),
        ]

    @pytest.mark.parametrize(
        ("zone", "qualification", "count"),
        [
            ("HH", "OBP", 5),
            ("RT", "OBP", 6),
            ("HH", "ICT", 3),
            ("RT", "ICT", 2),
            ("HH", "SB", 7),
            ("RT", "SB", 7),
        ],
    )
    def test_qualified_people_per_zone_as_design(
        self, demo: Scenario, zone: str, qualification: str, count: int
    ) -> None:
        assert holders(demo, zone, qualification) == count

    def test_one_officer_per_zone_is_also_sb_trained(self, demo: Scenario) -> None:
        both = [p.zone for p in demo.people if {"OBP", "SB"} <= set(p.qualifications)]
        assert sorted(both) == ["HH", "RT"]

    def test_roles_shifts_and_gaps(self, demo: Scenario) -> None:
        ovw, ict, sb = (demo.role(role_id) for role_id in ("OVW", "ICT", "SB"))
        assert (ovw.requires, str(ovw.min_gap), ovw.zone_shares) == (
            ["OBP"],
            "P21D",
            {"HH": 1, "RT": 1},
        )
        assert (sb.requires, str(sb.min_gap)) == (["SB"], "P14D")
        assert ict.min_gap is None
        assert [(t.start.hour, str(t.duration)) for t in ict.shifts] == [
            (17, "PT15H"),
            (17, "P2DT15H"),
        ]

    def test_ict_weekend_hands_over_monday_0800_across_dst(self, demo: Scenario) -> None:
        shifts = expand(demo).by_id
        for friday in ("2026-03-27", "2026-10-23"):  # the weekends clocks change
            weekend = shifts[f"ICT@{friday}T17:00"]
            assert weekend.end.astimezone(demo.tz).strftime("%a %H:%M") == "Mon 08:00"
        assert shifts["ICT@2026-03-27T17:00"].hours == 62
        assert shifts["ICT@2026-10-23T17:00"].hours == 64

    def test_calendar_holidays_and_weights(self, demo: Scenario) -> None:
        calendar = expand(demo).calendar
        assert demo.calendar.country == "BE"
        assert demo.calendar.extra_holidays == [
            date(2026, 11, 2),
            date(2026, 11, 15),
            date(2026, 12, 26),
        ]
        assert calendar.weight(date(2026, 3, 4)) == 1  # a Wednesday
        assert calendar.weight(date(2026, 3, 7)) == calendar.weight(date(2026, 3, 8)) == 2
        assert calendar.weight(date(2026, 11, 2)) == 3  # All Souls, a Monday
        assert calendar.weight(date(2026, 4, 6)) == 3  # Easter Monday (package)
        for special in (
            date(2026, 12, 24),
            date(2026, 12, 25),
            date(2026, 12, 31),
            date(2027, 1, 1),
        ):
            assert calendar.weight(special) == 4
        assert calendar.weight(date(2026, 12, 23)) == 1

    def test_people_have_ids_contacts_and_some_part_time(self, demo: Scenario) -> None:
        ids = [person.id for person in demo.people]
        assert ids[:2] == ["hh-01", "hh-02"] and "rt-07" in ids
        assert len({person.name for person in demo.people}) == len(demo.people)
        for person in demo.people:
            assert person.contact is not None and person.contact.phone is not None
            assert person.contact.phone.startswith("+32 ")
            assert person.contact.email is not None
            assert person.contact.email.endswith("@example.org")
        ftes = Counter(person.fte for person in demo.people)
        assert ftes[1.0] >= 20 and sum(ftes.values()) - ftes[1.0] >= 2

    def test_someone_joins_in_spring_and_someone_leaves_in_autumn(self, demo: Scenario) -> None:
        windows = [person.active for person in demo.people if person.active is not None]
        assert any(w.start is not None and 3 <= w.start.month <= 5 for w in windows)
        assert any(w.end is not None and 9 <= w.end.month <= 11 for w in windows)

    def test_rules_objective_and_solver_options(self, demo: Scenario) -> None:
        assert str(demo.rules.min_rest) == "PT11H"
        assert demo.rules.max_concurrent == 1
        assert demo.rules.weekends is not None
        assert (demo.rules.weekends.max, demo.rules.weekends.window) == (2, 3)
        assert demo.objective.priorities == [
            "coverage",
            "stability",
            "zone_fairness",
            "person_fairness",
            "preferences",
        ]
        assert (demo.solver.time_limit, demo.solver.workers, demo.solver.seed) == (60, 8, 1)

    def test_history_ends_just_before_the_horizon(self, demo: Scenario) -> None:
        duties = demo.history.duties
        assert {duty.role for duty in duties} == {"OVW", "SB", "ICT"}
        start = demo.instant(demo.horizon.start)
        ends = [demo.instant(duty.end) for duty in duties]
        assert max(ends) == demo.instant(demo.horizon.start) + timedelta(hours=8)
        assert all(demo.instant(duty.start) < start for duty in duties)
        for zone in ("HH", "RT"):
            assert set(demo.history.load.zones[zone]) == {"OVW", "ICT", "SB"}
        # People's carried loads add up to their zone's.
        for zone in ("HH", "RT"):
            for role in ("OVW", "ICT", "SB"):
                carried = sum(
                    loads.get(role, 0)
                    for person_id, loads in demo.history.load.people.items()
                    if demo.person(person_id).zone == zone
                )
                assert carried == demo.history.load.zones[zone][role]

    def test_preferences_include_avoiding_christmas(self, demo: Scenario) -> None:
        christmas = [
            p
            for p in demo.preferences
            if p.kind == "avoid" and p.start == date(2026, 12, 21) and p.weight == 3
        ]
        assert len(christmas) == 2
        assert any(p.kind == "prefer" for p in demo.preferences)


class TestLeave:
    def test_everyone_has_two_or_three_weeks_of_summer_leave(self, demo: Scenario) -> None:
        summer = Counter[str]()
        for absence in demo.absences:
            assert isinstance(absence.start, date) and isinstance(absence.end, date)
            if absence.reason == "leave" and date(2026, 6, 29) <= absence.start < date(2026, 9, 1):
                summer[absence.person] += (absence.end - absence.start).days
        assert set(summer) == {person.id for person in demo.people}
        assert set(summer.values()) <= {14, 21}

    def test_leave_is_concentrated_in_july_and_august(self, demo: Scenario) -> None:
        days = days_by_month(demo, "leave")
        assert days[7] + days[8] > 0.6 * sum(days.values())
        assert sum(days.values()) - days[7] - days[8] > 0  # and some at other times

    def test_training_days_are_short(self, demo: Scenario) -> None:
        trainings = [a for a in demo.absences if a.reason == "training"]
        assert trainings
        for absence in trainings:
            assert isinstance(absence.start, date) and isinstance(absence.end, date)
            assert 1 <= (absence.end - absence.start).days <= 2
            assert absence.start.weekday() < 5

    @pytest.mark.slow
    @pytest.mark.parametrize("zones", [2, 4])
    def test_every_shift_has_enough_available_qualified_people(self, zones: int) -> None:
        scenario = demo_scenario(zones=zones)
        expanded = expand(scenario)
        short = []
        for shift in expanded.shifts:
            available = sum(
                1 for person in scenario.people if unavailability(expanded, person, shift) is None
            )
            if available < PEOPLE_NEEDED[shift.role]:
                short.append((shift.id, available))
        assert short == []

    def test_summer_actually_thins_the_pools(self, demo: Scenario) -> None:
        expanded = expand(demo)
        shift = expanded.by_id["OVW@2026-07-20T08:00"]
        available = [p for p in demo.people if unavailability(expanded, p, shift) is None]
        assert len(available) < holders(demo, "HH", "OBP") + holders(demo, "RT", "OBP")


class TestHorizonAndScale:
    def test_quarter_keeps_only_what_overlaps_it(self, demo: Scenario) -> None:
        quarter = demo_quarter()
        assert (quarter.horizon.start, quarter.horizon.end) == (date(2026, 1, 5), date(2026, 4, 6))
        last_end = max(shift.end for shift in expand(quarter).shifts)
        assert last_end == quarter.instant(date(2026, 4, 6)) + timedelta(hours=8)
        assert quarter.absences  # the spring half-term, trainings
        assert all(quarter.instant(a.start) < last_end for a in quarter.absences)
        assert set(quarter.absences) < set(demo.absences)
        assert all(a.start.month not in (7, 8) for a in quarter.absences)
        assert quarter.people == demo.people and quarter.history == demo.history
        assert quarter.calendar.extra_holidays == [] and quarter.calendar.special_days == {}

    def test_horizon_before_the_planning_year_is_refused(self) -> None:
        with pytest.raises(ValueError, match="planning year"):
            demo_scenario(horizon_start=date(2025, 12, 29))

    @pytest.mark.slow
    @pytest.mark.parametrize("zones", [1, 4, 8, 16])
    def test_scaled_versions(self, zones: int) -> None:
        scenario = demo_scenario(zones=zones)
        assert len(scenario.zones) == zones
        assert len({zone.id for zone in scenario.zones}) == zones
        assert [zone.id for zone in scenario.zones][:2] == ["HH", "RT"][:zones]
        for role in scenario.roles:
            assert role.zone_shares == {zone.id: 1 for zone in scenario.zones}
        for zone in scenario.zones:
            members = [p for p in scenario.people if p.zone == zone.id]
            assert 12 <= len(members) <= 16
            assert {"OBP", "ICT", "SB"} <= {q for p in members for q in p.qualifications}
        assert parse_scenario(to_data(scenario)) == scenario


class TestExampleFiles:
    @pytest.mark.parametrize(
        ("file_name", "generate"),
        [("demo-2026.yaml", demo_scenario), ("demo-2026-q1.yaml", demo_quarter)],
    )
    def test_committed_example_equals_a_fresh_generation(
        self, file_name: str, generate: Callable[[], Scenario]
    ) -> None:
        path = EXAMPLES / file_name
        fresh = generate()
        assert read_data_file(path) == to_data(fresh), (
            f"{file_name} drifted from solver.demo; regenerate it (see examples/README.md)"
        )
        assert load_scenario(path) == fresh

    def test_command_line_writes_a_loadable_file(self, tmp_path: Path) -> None:
        out = tmp_path / "quarter.json"
        main(["--zones", "2", "--start", "2026-01-05", "--end", "2026-04-06", "--out", str(out)])
        assert load_scenario(out) == demo_quarter()

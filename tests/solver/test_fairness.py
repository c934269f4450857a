"""Fair-share targets and the fairness report (SCENARIO.md, "Fair share")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.fairness import fairness_report, fairness_targets
from solver.shifts import ExpandedScenario
from tests.solver.conftest import assign_all, make_expanded, make_person, make_role

EIGHT_WEEKS = ("2026-01-05", "2026-03-02")  # eight Monday weeks, no DST change
FIRST_MONDAY = date(2026, 1, 5)
WEEK_LOAD = 168.0
EQUAL_PEOPLE = ("hh-01", "hh-02", "rt-01", "rt-02")


def eight_weeks(**fields: Any) -> ExpandedScenario:
    fields.setdefault("horizon", EIGHT_WEEKS)
    return make_expanded(**fields)


def mondays(expanded: ExpandedScenario) -> list[str]:
    return [shift.id for shift in expanded.shifts]


class TestEqualPeople:
    def test_every_target_is_equal(self) -> None:
        targets = fairness_targets(eight_weeks(roles=[make_role(zone_shares={"HH": 1, "RT": 1})]))
        ovw = targets["OVW"]
        assert ovw.total_load == 8 * WEEK_LOAD
        assert ovw.history_total == 0
        assert ovw.person_capacity == dict.fromkeys(EQUAL_PEOPLE, 1.0)
        assert ovw.person_target == dict.fromkeys(EQUAL_PEOPLE, 2 * WEEK_LOAD)
        assert ovw.zone_share == {"HH": 1, "RT": 1}
        assert ovw.zone_target == {"HH": 4 * WEEK_LOAD, "RT": 4 * WEEK_LOAD}

    def test_perfectly_even_assignment_has_zero_deviation(self) -> None:
        expanded = eight_weeks(roles=[make_role(zone_shares={"HH": 1, "RT": 1})])
        people = [*EQUAL_PEOPLE, *EQUAL_PEOPLE]
        assignments = assign_all(expanded, zip(mondays(expanded), people, strict=True))
        report = fairness_report(expanded, assignments)["OVW"]
        assert {person.deviation for person in report.people.values()} == {0.0}
        assert {zone.deviation for zone in report.zones.values()} == {0.0}
        assert report.people["hh-01"].load == 2 * WEEK_LOAD
        assert report.zones["HH"].load == 4 * WEEK_LOAD

    def test_uneven_assignment_shows_the_deviation(self) -> None:
        expanded = eight_weeks()
        people = ["hh-01", "hh-01", "hh-01", "hh-02", "rt-01", "rt-01", "rt-02", "rt-02"]
        assignments = assign_all(expanded, zip(mondays(expanded), people, strict=True))
        report = fairness_report(expanded, assignments)["OVW"]
        assert report.people["hh-01"].deviation == WEEK_LOAD
        assert report.people["hh-02"].deviation == -WEEK_LOAD
        assert report.zones["HH"].deviation == 0

    def test_weighted_days_raise_the_load(self) -> None:
        expanded = eight_weeks(calendar={"day_weights": {"weekday": 1, "saturday": 2, "sunday": 2}})
        # Mon 08:00 → Mon 08:00: 120 weekday hours + 48 weekend hours × 2.
        assert fairness_targets(expanded)["OVW"].person_target["hh-01"] == 2 * 216


class TestCapacity:
    def test_part_timer_gets_half_the_target_of_full_timers(self) -> None:
        people = [make_person(person) for person in EQUAL_PEOPLE[:3]]
        people.append(make_person("rt-02", fte=0.5))
        ovw = fairness_targets(eight_weeks(people=people))["OVW"]
        assert ovw.person_capacity["rt-02"] == 0.5
        full = ovw.person_target["hh-01"]
        assert full == pytest.approx(8 * WEEK_LOAD / 3.5)
        assert ovw.person_target["rt-02"] == pytest.approx(full / 2)

    def test_absence_lowers_capacity_per_shift(self) -> None:
        # Away for two of the eight weeks: a = 6/8.
        expanded = eight_weeks(
            absences=[{"person": "hh-01", "start": "2026-01-12T08:00", "end": "2026-01-26T08:00"}]
        )
        ovw = fairness_targets(expanded)["OVW"]
        assert ovw.person_capacity["hh-01"] == pytest.approx(0.75)
        assert ovw.person_target["hh-01"] == pytest.approx(8 * WEEK_LOAD * 0.75 / 3.75)

    def test_active_window_lowers_capacity(self) -> None:
        people = [make_person(person) for person in EQUAL_PEOPLE[:3]]
        people.append(make_person("rt-02", active={"start": "2026-02-02"}))
        ovw = fairness_targets(eight_weeks(people=people))["OVW"]
        assert ovw.person_capacity["rt-02"] == pytest.approx(4 / 8)

    def test_only_qualified_people_have_a_target(self) -> None:
        people = [make_person("hh-01"), make_person("hh-02", qualifications=["SB"])]
        ovw = fairness_targets(eight_weeks(people=people))["OVW"]
        assert list(ovw.person_target) == ["hh-01"]
        assert ovw.person_target["hh-01"] == 8 * WEEK_LOAD

    def test_staff_two_counts_twice(self) -> None:
        expanded = eight_weeks(shift_overrides=[{"shift": "OVW@2026-01-05T08:00", "staff": 2}])
        assert fairness_targets(expanded)["OVW"].total_load == 9 * WEEK_LOAD

    def test_week_across_the_march_change_loads_167(self) -> None:
        expanded = make_expanded(horizon=("2026-03-23", "2026-03-30"))
        assert fairness_targets(expanded)["OVW"].total_load == 167


class TestHistory:
    def test_history_load_reduces_the_persons_target(self) -> None:
        history = {"load": {"people": {"hh-01": {"OVW": 336}}}}
        ovw = fairness_targets(eight_weeks(history=history))["OVW"]
        assert ovw.history_total == 336
        share = (8 * WEEK_LOAD + 336) / 4
        assert ovw.person_target["hh-01"] == pytest.approx(share - 336)
        assert ovw.person_target["hh-02"] == pytest.approx(share)
        assert sum(ovw.person_target.values()) == pytest.approx(8 * WEEK_LOAD)

    def test_target_may_be_negative(self) -> None:
        history = {"load": {"people": {"hh-01": {"OVW": 10_000}}}}
        ovw = fairness_targets(eight_weeks(history=history))["OVW"]
        assert ovw.person_target["hh-01"] < 0

    def test_history_of_a_person_not_eligible_is_left_out(self) -> None:
        people = [make_person(person) for person in EQUAL_PEOPLE[:3]]
        people.append(make_person("rt-02", qualifications=[]))
        history = {"load": {"people": {"rt-02": {"OVW": 500}}}}
        ovw = fairness_targets(eight_weeks(people=people, history=history))["OVW"]
        assert ovw.history_total == 0
        assert "rt-02" not in ovw.person_target
        assert ovw.person_target["hh-01"] == pytest.approx(8 * WEEK_LOAD / 3)

    def test_zone_target_uses_zone_history(self) -> None:
        history = {"load": {"zones": {"HH": {"OVW": 1000}, "RT": {"OVW": 500}}}}
        roles = [make_role(zone_shares={"HH": 1, "RT": 1})]
        ovw = fairness_targets(eight_weeks(roles=roles, history=history))["OVW"]
        total = 8 * WEEK_LOAD + 1500
        assert ovw.zone_target["HH"] == pytest.approx(total / 2 - 1000)
        assert ovw.zone_target["RT"] == pytest.approx(total / 2 - 500)


class TestZoneShares:
    def test_omitted_shares_follow_zone_capacity(self) -> None:
        people = [make_person("hh-01"), make_person("hh-02"), make_person("hh-03")]
        people.append(make_person("rt-01", fte=0.5))
        ovw = fairness_targets(eight_weeks(people=people))["OVW"]
        assert ovw.zone_share == {"HH": 3.0, "RT": 0.5}
        assert ovw.zone_target["HH"] == pytest.approx(8 * WEEK_LOAD * 3 / 3.5)

    def test_zone_not_listed_in_explicit_shares_gets_nothing(self) -> None:
        ovw = fairness_targets(
            eight_weeks(zones=("HH", "RT", "ZW"), roles=[make_role(zone_shares={"HH": 2, "RT": 1})])
        )["OVW"]
        assert ovw.zone_share == {"HH": 2, "RT": 1, "ZW": 0}
        assert ovw.zone_target["ZW"] == 0
        assert ovw.zone_target["HH"] == pytest.approx(8 * WEEK_LOAD * 2 / 3)


class TestEdges:
    def test_role_without_eligible_people(self) -> None:
        expanded = eight_weeks(roles=[make_role(), make_role("SB", requires=["SB"])])
        sb = fairness_targets(expanded)["SB"]
        assert sb.person_target == {}
        assert sb.zone_target == {"HH": 0.0, "RT": 0.0}

    def test_nobody_available_for_any_shift_means_zero_targets(self) -> None:
        absences = [
            {"person": person, "start": "2026-01-01", "end": "2026-03-10"}
            for person in EQUAL_PEOPLE
        ]
        history = {"load": {"people": {"hh-01": {"OVW": 100}}}}
        ovw = fairness_targets(eight_weeks(absences=absences, history=history))["OVW"]
        assert ovw.person_capacity == dict.fromkeys(EQUAL_PEOPLE, 0.0)
        assert ovw.person_target == dict.fromkeys(EQUAL_PEOPLE, 0.0)
        assert ovw.zone_target == {"HH": 0.0, "RT": 0.0}

    def test_role_without_shifts_spreads_history_by_fte(self) -> None:
        people = [make_person("hh-01"), make_person("rt-01", fte=0.5)]
        roles = [make_role("MONTHLY", rrule="FREQ=MONTHLY;BYMONTHDAY=28")]
        history = {"load": {"people": {"hh-01": {"MONTHLY": 90}}}}
        expanded = make_expanded(
            people=people, roles=roles, history=history, horizon=("2026-03-02", "2026-03-09")
        )
        targets = fairness_targets(expanded)["MONTHLY"]
        assert targets.total_load == 0
        assert targets.person_capacity == {"hh-01": 1.0, "rt-01": 0.5}
        assert targets.person_target["hh-01"] == pytest.approx(90 / 1.5 - 90)
        assert targets.person_target["rt-01"] == pytest.approx(90 * 0.5 / 1.5)


class TestReport:
    def test_values_are_rounded_to_two_decimals(self) -> None:
        people = [make_person(person) for person in EQUAL_PEOPLE[:3]]
        expanded = eight_weeks(people=people)
        report = fairness_report(expanded, [])["OVW"]
        assert report.people["hh-01"].target == round(8 * WEEK_LOAD / 3, 2)
        assert report.people["hh-01"].capacity == 1.0

    def test_load_of_a_person_without_target_stays_visible(self) -> None:
        people = [make_person("hh-01"), make_person("rt-01", qualifications=[])]
        expanded = eight_weeks(people=people)
        assignments = assign_all(expanded, [(mondays(expanded)[0], "rt-01")])
        person = fairness_report(expanded, assignments)["OVW"].people["rt-01"]
        assert (person.load, person.capacity, person.target) == (WEEK_LOAD, 0.0, 0.0)
        assert person.deviation == WEEK_LOAD

    def test_zone_load_follows_the_persons_zone(self) -> None:
        expanded = eight_weeks()
        assignments = assign_all(expanded, [(mondays(expanded)[0], "rt-02")])
        wrong_zone = [assignments[0].model_copy(update={"zone": "HH"})]
        zones = fairness_report(expanded, wrong_zone)["OVW"].zones
        assert zones["RT"].load == WEEK_LOAD
        assert zones["HH"].load == 0


@settings(max_examples=40, deadline=None)
@given(
    ftes=st.lists(st.sampled_from([0.2, 0.5, 0.8, 1.0]), min_size=1, max_size=5),
    history=st.lists(st.integers(0, 1000), min_size=5, max_size=5),
    zone_history=st.tuples(st.integers(0, 3000), st.integers(0, 3000)),
    absent_weeks=st.lists(st.integers(0, 7), max_size=4),
)
def test_targets_share_out_exactly_the_horizon_load(
    ftes: list[float], history: list[int], zone_history: tuple[int, int], absent_weeks: list[int]
) -> None:
    """Σ T_p = L and Σ T_z = L whenever anyone has capacity: history only moves load around."""
    people = [
        make_person(f"{'hh' if index % 2 else 'rt'}-{index:02d}", fte=fte)
        for index, fte in enumerate(ftes)
    ]
    absences = [
        {
            "person": people[week % len(people)]["id"],
            "start": (FIRST_MONDAY + timedelta(weeks=week)).isoformat(),
            "end": (FIRST_MONDAY + timedelta(weeks=week, days=1)).isoformat(),
        }
        for week in absent_weeks
    ]
    expanded = eight_weeks(
        people=people,
        absences=absences,
        history={
            "load": {
                "people": {
                    person["id"]: {"OVW": load}
                    for person, load in zip(people, history, strict=False)
                },
                "zones": {"HH": {"OVW": zone_history[0]}, "RT": {"OVW": zone_history[1]}},
            }
        },
    )
    ovw = fairness_targets(expanded)["OVW"]
    if sum(ovw.person_capacity.values()) > 0:
        assert sum(ovw.person_target.values()) == pytest.approx(ovw.total_load)
        assert sum(ovw.zone_target.values()) == pytest.approx(ovw.total_load)
    for person in people:
        capacity = ovw.person_capacity[person["id"]]
        assert 0 <= capacity <= person["fte"]

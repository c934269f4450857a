"""Eligibility: qualifications, active window and absences, with planner-readable reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from solver.eligibility import Eligibility, eligible_people, unavailability
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_person, make_role

FIRST = "OVW@2026-03-02T08:00"  # Mon 2 March 08:00 → Mon 9 March 08:00


def reason(expanded: ExpandedScenario, person_id: str, shift_id: str = FIRST) -> str | None:
    return unavailability(expanded, expanded.scenario.person(person_id), expanded.by_id[shift_id])


class TestQualification:
    def test_qualified_and_available_person_may_take_the_shift(self) -> None:
        assert reason(make_expanded(), "hh-01") is None

    def test_missing_qualifications_are_named(self) -> None:
        expanded = make_expanded(
            roles=[make_role(requires=["OBP", "ICT", "SB"])],
            people=[make_person("hh-01", qualifications=["SB"])],
        )
        assert reason(expanded, "hh-01") == "not qualified: lacks ICT, OBP"

    def test_a_role_without_requirements_takes_anyone(self) -> None:
        expanded = make_expanded(
            roles=[make_role(requires=[])], people=[make_person("hh-01", qualifications=[])]
        )
        assert reason(expanded, "hh-01") is None

    def test_qualification_is_reported_before_absence(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01", qualifications=[])],
            absences=[{"person": "hh-01", "start": "2026-03-01", "end": "2026-03-20"}],
        )
        assert reason(expanded, "hh-01") == "not qualified: lacks OBP"


class TestActiveWindow:
    def test_not_active_before_the_start(self) -> None:
        expanded = make_expanded(people=[make_person("hh-01", active={"start": "2026-03-03"})])
        assert reason(expanded, "hh-01") == "not active before 2026-03-03"
        assert reason(expanded, "hh-01", "OVW@2026-03-09T08:00") is None

    def test_active_end_is_the_first_inactive_day(self) -> None:
        expanded = make_expanded(people=[make_person("hh-01", active={"end": "2026-03-09"})])
        # The duty ends 9 March 08:00, after 9 March 00:00.
        assert reason(expanded, "hh-01") == "not active from 2026-03-09"
        expanded = make_expanded(people=[make_person("hh-01", active={"end": "2026-03-10"})])
        assert reason(expanded, "hh-01") is None


class TestAbsence:
    def absent(self, *absences: tuple[str, str, str | None]) -> ExpandedScenario:
        return make_expanded(
            absences=[
                {"person": "hh-01", "start": start, "end": end, "reason": why}
                for start, end, why in absences
            ]
        )

    def test_reason_and_dates_are_named(self) -> None:
        expanded = self.absent(("2026-03-05", "2026-03-20", "leave"))
        assert reason(expanded, "hh-01") == "on leave 2026-03-05 → 2026-03-20"

    def test_absence_without_reason(self) -> None:
        expanded = self.absent(("2026-03-05T13:00", "2026-03-05T17:00", None))
        assert reason(expanded, "hh-01") == "absent 2026-03-05 13:00 → 2026-03-05 17:00"

    def test_half_open_on_both_sides(self) -> None:
        before = self.absent(("2026-02-20", "2026-03-02T08:00", None))
        after = self.absent(("2026-03-09T08:00", "2026-03-12", None))
        assert reason(before, "hh-01") is None
        assert reason(after, "hh-01") is None
        touching = self.absent(("2026-03-09T07:59", "2026-03-12", None))
        assert reason(touching, "hh-01") is not None

    def test_long_earlier_absence_is_found_behind_later_short_ones(self) -> None:
        expanded = self.absent(
            ("2026-02-01", "2026-03-04", "sick leave"),
            ("2026-02-10", "2026-02-11", "training"),
            ("2026-02-20", "2026-02-21", "training"),
        )
        assert reason(expanded, "hh-01") == "on sick leave 2026-02-01 → 2026-03-04"

    def test_an_offset_midnight_keeps_its_offset(self) -> None:
        # 3 March 00:00 UTC is 01:00 local, so the absence overlaps the 00:30 duty.
        # (Read as the bare date 3 March it would end at local midnight, before the duty.)
        expanded = make_expanded(
            roles=[make_role("X", rrule="FREQ=DAILY", start="00:30", duration="PT1H")],
            absences=[
                {"person": "hh-01", "start": "2026-03-02T12:00:00Z", "end": "2026-03-03T00:00:00Z"}
            ],
        )
        assert reason(expanded, "hh-01", "X@2026-03-03T00:30") == (
            "absent 2026-03-02 13:00 → 2026-03-03 01:00"
        )
        assert reason(expanded, "hh-01", "X@2026-03-04T00:30") is None

    def test_other_peoples_absences_do_not_count(self) -> None:
        expanded = self.absent(("2026-03-01", "2026-03-30", None))
        assert reason(expanded, "hh-02") is None


class TestEligibleLists:
    def test_eligible_people_in_scenario_order(self) -> None:
        expanded = make_expanded(
            people=[
                make_person("rt-02"),
                make_person("hh-01", qualifications=[]),
                make_person("hh-02"),
                make_person("rt-01"),
            ],
            absences=[{"person": "rt-01", "start": "2026-03-01", "end": "2026-03-03"}],
        )
        shift = expanded.by_id[FIRST]
        assert eligible_people(expanded, shift) == ["rt-02", "hh-02"]
        eligibility = Eligibility(expanded)
        assert eligibility.people_for(FIRST) == ["rt-02", "hh-02"]
        assert eligibility.holders("OVW") == ["rt-02", "hh-02", "rt-01"]
        blocker = eligibility.blocker("rt-01", FIRST)
        assert blocker is not None
        assert blocker.rule == "absence"
        assert eligibility.reason("hh-01", FIRST) == "not qualified: lacks OBP"
        assert eligibility.is_eligible("rt-01", "OVW@2026-03-09T08:00")


@settings(max_examples=80, deadline=None)
@given(
    absences=st.lists(
        st.tuples(st.integers(0, 40 * 24), st.integers(1, 10 * 24)), min_size=0, max_size=6
    )
)
def test_cached_eligibility_matches_a_plain_overlap_check(
    absences: list[tuple[int, int]],
) -> None:
    """``Eligibility`` (sorted absences, early stop) agrees with checking every absence."""
    origin = datetime(2026, 2, 20, tzinfo=UTC)
    spans = [
        (
            (origin + timedelta(hours=start_hours)).isoformat(),
            (origin + timedelta(hours=start_hours + length)).isoformat(),
        )
        for start_hours, length in absences
    ]
    expanded = make_expanded(
        absences=[{"person": "hh-01", "start": start, "end": end} for start, end in spans]
    )
    scenario = expanded.scenario
    eligibility = Eligibility(expanded)
    for shift in expanded.shifts:
        overlapping = any(
            scenario.instant(absence.start) < shift.end
            and shift.start < scenario.instant(absence.end)
            for absence in scenario.absences
        )
        assert eligibility.is_eligible("hh-01", shift.id) is not overlapping

"""Consecutive working days and days off (``rules`` / ``people[].limits``):
``max_consecutive_days``, ``min_consecutive_days``, ``min_days_off``."""

from __future__ import annotations

from typing import Any, ClassVar

from solver.model import working_days
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_person, make_role
from tests.solver.rules.conftest import rule_allows

assert working_days.NAME == "Consecutive working days and days off"

DAILY = make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT8H")


def day(number: int) -> str:
    """The DAY shift on March ``number`` 2026 (the horizon is 2 → 29 March)."""
    return f"DAY@2026-03-{number:02d}T08:00"


def on(*days: int, person: str = "hh-01") -> list[tuple[str, str]]:
    return [(day(number), person) for number in days]


def expanded_with(rules: dict[str, Any], **fields: Any) -> ExpandedScenario:
    return make_expanded(roles=[DAILY], rules=rules, priorities=["coverage"], **fields)


class TestMaximum:
    RULE = "max_consecutive_days"
    FOUR: ClassVar[dict[str, Any]] = {"max_consecutive_days": 4}

    def test_four_days_in_a_row_pass(self) -> None:
        assert rule_allows(expanded_with(self.FOUR), on(10, 11, 12, 13), self.RULE)

    def test_five_days_in_a_row_fail(self) -> None:
        assert not rule_allows(expanded_with(self.FOUR), on(10, 11, 12, 13, 14), self.RULE)

    def test_a_day_off_splits_the_run(self) -> None:
        assert rule_allows(expanded_with(self.FOUR), on(10, 11, 12, 13, 15, 16), self.RULE)

    def test_days_worked_in_history_count(self) -> None:
        history = {
            "duties": [
                {"role": "DAY", "person": "hh-01", "start": f"{d}T08:00", "end": f"{d}T16:00"}
                for d in ("2026-02-28", "2026-03-01")
            ]
        }
        expanded = expanded_with(self.FOUR, history=history)
        assert rule_allows(expanded, on(2, 3), self.RULE)
        assert not rule_allows(expanded, on(2, 3, 4), self.RULE)

    def test_a_person_limit_overrides_the_rule(self) -> None:
        people = [
            make_person("hh-01") | {"limits": {"max_consecutive_days": 2}},
            make_person("rt-01"),
        ]
        expanded = expanded_with(self.FOUR, people=people)
        assert not rule_allows(expanded, on(10, 11, 12), self.RULE)
        assert rule_allows(expanded, on(10, 11, 12, person="rt-01"), self.RULE)


class TestMinimumBlock:
    RULE = "min_consecutive_days"
    TWO: ClassVar[dict[str, Any]] = {"min_consecutive_days": 2}

    def test_a_single_interior_day_fails(self) -> None:
        assert not rule_allows(expanded_with(self.TWO), on(10), self.RULE)

    def test_two_interior_days_pass(self) -> None:
        assert rule_allows(expanded_with(self.TWO), on(10, 11), self.RULE)

    def test_runs_touching_the_horizon_ends_are_not_checked(self) -> None:
        assert rule_allows(expanded_with(self.TWO), on(2, 29), self.RULE)
        assert not rule_allows(expanded_with(self.TWO), on(3), self.RULE)


class TestMinimumDaysOff:
    RULE = "min_days_off"
    TWO: ClassVar[dict[str, Any]] = {"min_days_off": 2}

    def test_one_day_off_between_work_fails(self) -> None:
        assert not rule_allows(expanded_with(self.TWO), on(10, 12), self.RULE)

    def test_two_days_off_pass(self) -> None:
        assert rule_allows(expanded_with(self.TWO), on(10, 13), self.RULE)

    def test_days_off_at_the_horizon_ends_are_not_checked(self) -> None:
        assert rule_allows(expanded_with(self.TWO), on(3, 28), self.RULE)

    def test_a_day_nobody_may_work_still_counts_as_off(self) -> None:
        absences = [{"person": "hh-01", "start": "2026-03-11", "end": "2026-03-12"}]
        expanded = expanded_with(self.TWO, absences=absences)
        assert not rule_allows(expanded, on(10, 12), self.RULE)
        assert rule_allows(expanded, on(9, 12), self.RULE)

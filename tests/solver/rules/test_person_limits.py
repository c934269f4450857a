"""A person's own totals over the horizon (``people[].limits``): duty minutes
(``min_minutes``/``max_minutes``) and duties per role (``max_duties``)."""

from __future__ import annotations

from typing import Any

from solver.model import duty_minutes, person_duties
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_person, make_role
from tests.solver.rules.conftest import rule_allows

assert duty_minutes.NAME == "Total duty minutes of a person"
assert person_duties.NAME == "Maximum duties of a role per person"

DAILY = make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT8H")  # 480 minutes


def on(*days: int, person: str = "hh-01") -> list[tuple[str, str]]:
    return [(f"DAY@2026-03-{number:02d}T08:00", person) for number in days]


def expanded_with(limits: dict[str, Any]) -> ExpandedScenario:
    people = [make_person("hh-01") | {"limits": limits}, make_person("rt-01")]
    return make_expanded(roles=[DAILY], people=people, priorities=["coverage"])


class TestDutyMinutes:
    RULE = "duty_minutes"

    def test_exactly_the_maximum_passes(self) -> None:
        assert rule_allows(expanded_with({"max_minutes": 3 * 480}), on(2, 4, 6), self.RULE)

    def test_one_more_duty_fails(self) -> None:
        expanded = expanded_with({"max_minutes": 3 * 480})
        assert not rule_allows(expanded, on(2, 4, 6, 8), self.RULE)

    def test_exactly_the_minimum_passes(self) -> None:
        assert rule_allows(expanded_with({"min_minutes": 2 * 480}), on(2, 4), self.RULE)

    def test_below_the_minimum_fails_even_with_no_duty(self) -> None:
        expanded = expanded_with({"min_minutes": 2 * 480})
        assert not rule_allows(expanded, on(2), self.RULE)
        assert not rule_allows(expanded, [], self.RULE)


class TestDutiesPerRole:
    RULE = "person_max_duties"

    def test_at_the_limit_passes(self) -> None:
        assert rule_allows(expanded_with({"max_duties": {"DAY": 2}}), on(2, 9), self.RULE)

    def test_beyond_the_limit_fails(self) -> None:
        expanded = expanded_with({"max_duties": {"DAY": 2}})
        assert not rule_allows(expanded, on(2, 9, 16), self.RULE)

    def test_others_are_not_limited(self) -> None:
        expanded = expanded_with({"max_duties": {"DAY": 2}})
        assert rule_allows(expanded, on(2, 9, 16, person="rt-01"), self.RULE)

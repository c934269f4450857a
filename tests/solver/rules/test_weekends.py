"""At most ``max`` worked weekends in any ``window`` consecutive weekends (``rules.weekends``)."""

from __future__ import annotations

from typing import Any

from solver.model import weekends
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import model_allows, rule_allows

RULE = "weekends"
assert weekends.NAME == "Worked weekends"

# Weekly OVW Monday 08:00 → Monday 08:00: every duty works the weekend inside it.
ONE_IN_TWO = {"weekends": {"max": 1, "window": 2}}


def expanded_with(**fields: Any) -> ExpandedScenario:
    return make_expanded(rules=ONE_IN_TWO, priorities=["coverage"], **fields)


def test_every_other_weekend_is_allowed() -> None:
    duties = [("OVW@2026-03-02T08:00", "hh-01"), ("OVW@2026-03-16T08:00", "hh-01")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_two_weekends_in_a_row_are_not() -> None:
    duties = [("OVW@2026-03-02T08:00", "hh-01"), ("OVW@2026-03-09T08:00", "hh-01")]
    assert not rule_allows(expanded_with(), duties, RULE)


def test_duty_ending_at_saturday_midnight_does_not_work_the_weekend() -> None:
    role = make_role("WEEK", rrule="FREQ=WEEKLY;BYDAY=MO", start="00:00", duration="P5D")
    expanded = make_expanded(roles=[role], rules=ONE_IN_TWO, priorities=["coverage"])
    duties = [("WEEK@2026-03-02T00:00", "hh-01"), ("WEEK@2026-03-09T00:00", "hh-01")]
    assert rule_allows(expanded, duties, RULE)


def test_several_duties_in_one_weekend_count_once() -> None:
    role = make_role("DAY", rrule="FREQ=WEEKLY;BYDAY=SA,SU", start="08:00", duration="PT8H")
    expanded = make_expanded(roles=[role], rules=ONE_IN_TWO, priorities=["coverage"])
    duties = [("DAY@2026-03-07T08:00", "hh-01"), ("DAY@2026-03-08T08:00", "hh-01")]
    assert rule_allows(expanded, duties, RULE)
    assert not rule_allows(expanded, [*duties, ("DAY@2026-03-14T08:00", "hh-01")], RULE)


def test_a_weekend_worked_in_history_counts() -> None:
    history = {
        "duties": [
            {
                "role": "OVW",
                "person": "hh-01",
                "start": "2026-02-23T08:00",
                "end": "2026-03-02T08:00",
            }
        ]
    }
    expanded = expanded_with(history=history)
    assert not rule_allows(expanded, [("OVW@2026-03-02T08:00", "hh-01")], RULE)
    assert rule_allows(expanded, [("OVW@2026-03-09T08:00", "hh-01")], RULE)


def test_four_people_can_cover_four_weeks() -> None:
    assert model_allows(expanded_with(), [], only=False)

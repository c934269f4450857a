"""Forbidden successions (``rules.forbidden_successions``): a NIGHT duty starting on one
day forbids an EARLY duty starting the next day."""

from __future__ import annotations

from typing import Any

from solver.model import successions
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import rule_allows

RULE = "forbidden_succession"
assert successions.NAME == "Forbidden successions of roles on consecutive days"

NIGHT = make_role("NIGHT", rrule="FREQ=DAILY", start="22:00", duration="PT8H")
EARLY = make_role("EARLY", rrule="FREQ=DAILY", start="06:00", duration="PT8H")
NIGHT_THEN_EARLY = {"forbidden_successions": [{"first": "NIGHT", "then": "EARLY"}]}


def expanded_with(**fields: Any) -> ExpandedScenario:
    return make_expanded(
        roles=[NIGHT, EARLY], rules=NIGHT_THEN_EARLY, priorities=["coverage"], **fields
    )


def test_early_the_day_after_a_night_fails() -> None:
    duties = [("NIGHT@2026-03-10T22:00", "hh-01"), ("EARLY@2026-03-11T06:00", "hh-01")]
    assert not rule_allows(expanded_with(), duties, RULE)


def test_early_two_days_after_a_night_passes() -> None:
    duties = [("NIGHT@2026-03-10T22:00", "hh-01"), ("EARLY@2026-03-12T06:00", "hh-01")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_the_other_order_is_allowed() -> None:
    duties = [("EARLY@2026-03-10T06:00", "hh-01"), ("NIGHT@2026-03-11T22:00", "hh-01")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_two_people_do_not_interfere() -> None:
    duties = [("NIGHT@2026-03-10T22:00", "hh-01"), ("EARLY@2026-03-11T06:00", "hh-02")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_a_history_night_forbids_the_first_early() -> None:
    history = {
        "duties": [
            {"role": "NIGHT", "person": "hh-01", "start": "2026-03-01T22:00",
             "end": "2026-03-02T06:00"}
        ]
    }  # fmt: skip
    expanded = expanded_with(history=history)
    assert not rule_allows(expanded, [("EARLY@2026-03-02T06:00", "hh-01")], RULE)
    assert rule_allows(expanded, [("EARLY@2026-03-03T06:00", "hh-01")], RULE)

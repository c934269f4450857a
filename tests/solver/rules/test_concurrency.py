"""At most ``rules.max_concurrent`` duties of a person at the same moment, across roles."""

from __future__ import annotations

from typing import Any

from solver.model import concurrency
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import rule_allows

RULE = "max_concurrent"
assert concurrency.NAME == "Concurrent duties"

ROLES = [
    make_role("A", rrule="FREQ=DAILY", start="08:00", duration="PT10H"),  # 08:00–18:00
    make_role("B", rrule="FREQ=DAILY", start="18:00", duration="PT4H"),  # 18:00–22:00
    make_role("C", rrule="FREQ=DAILY", start="17:00", duration="PT2H"),  # 17:00–19:00
]


def expanded_with(**rules: Any) -> ExpandedScenario:
    return make_expanded(
        roles=ROLES, rules=rules, priorities=["coverage"], horizon=("2026-03-02", "2026-03-04")
    )


def test_back_to_back_duties_do_not_overlap() -> None:
    duties = [("A@2026-03-02T08:00", "hh-01"), ("B@2026-03-02T18:00", "hh-01")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_overlapping_duties_break_one_at_a_time() -> None:
    duties = [("A@2026-03-02T08:00", "hh-01"), ("C@2026-03-02T17:00", "hh-01")]
    assert not rule_allows(expanded_with(), duties, RULE)


def test_two_at_once_allowed_three_not() -> None:
    expanded = expanded_with(max_concurrent=2)
    pair = [("A@2026-03-02T08:00", "hh-01"), ("C@2026-03-02T17:00", "hh-01")]
    assert rule_allows(expanded, pair, RULE)
    long_role = make_role("D", rrule="FREQ=DAILY", start="12:00", duration="PT12H")
    expanded = make_expanded(
        roles=[*ROLES, long_role],
        rules={"max_concurrent": 2},
        priorities=["coverage"],
        horizon=("2026-03-02", "2026-03-04"),
    )
    assert not rule_allows(expanded, [*pair, ("D@2026-03-02T12:00", "hh-01")], RULE)


def test_history_duty_counts_where_it_overlaps() -> None:
    history = {
        "duties": [
            {"role": "A", "person": "hh-01", "start": "2026-03-01T20:00", "end": "2026-03-02T09:00"}
        ]
    }
    expanded = make_expanded(
        roles=ROLES, priorities=["coverage"], horizon=("2026-03-02", "2026-03-04"), history=history
    )
    assert not rule_allows(expanded, [("A@2026-03-02T08:00", "hh-01")], RULE)
    assert rule_allows(expanded, [("A@2026-03-02T08:00", "hh-02")], RULE)

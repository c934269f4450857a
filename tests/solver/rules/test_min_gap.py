"""Minimum gap between a person's duties of one role (``role.min_gap``), history included."""

from __future__ import annotations

from typing import Any

from solver.model import min_gap
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import model_allows, rule_allows

RULE = "min_gap"
assert min_gap.NAME == "Minimum gap between duties of a role"


def expanded_with(**fields: Any) -> ExpandedScenario:
    # Weekly OVW, Monday 08:00 → Monday 08:00; two weeks between duties.
    return make_expanded(roles=[make_role(min_gap="P14D")], priorities=["coverage"], **fields)


def test_exactly_the_gap_is_enough() -> None:
    # 03-02 duty ends 03-09 08:00; 03-23 starts 14 days later.
    duties = [("OVW@2026-03-02T08:00", "hh-01"), ("OVW@2026-03-23T08:00", "hh-01")]
    assert rule_allows(expanded_with(), duties, RULE)


def test_one_week_is_not() -> None:
    duties = [("OVW@2026-03-02T08:00", "hh-01"), ("OVW@2026-03-16T08:00", "hh-01")]
    assert not rule_allows(expanded_with(), duties, RULE)


def test_other_roles_do_not_count() -> None:
    roles = [make_role(min_gap="P14D"), make_role("SB")]
    expanded = make_expanded(roles=roles, priorities=["coverage"])
    duties = [("OVW@2026-03-02T08:00", "hh-01"), ("SB@2026-03-09T08:00", "hh-01")]
    assert rule_allows(expanded, duties, RULE)


def test_history_duty_before_the_horizon_blocks_an_early_duty() -> None:
    def history(end: str) -> dict[str, Any]:
        start = "2026-02-09T08:00"
        return {"duties": [{"role": "OVW", "person": "hh-01", "start": start, "end": end}]}

    first = [("OVW@2026-03-02T08:00", "hh-01")]
    # Ends 02-23 08:00 → 14 days later is 03-09 08:00, after the 03-02 start.
    assert not rule_allows(expanded_with(history=history("2026-02-23T08:00")), first, RULE)
    # Ends 02-16 08:01 → 03-02 08:01: still one minute short.
    assert not rule_allows(expanded_with(history=history("2026-02-16T08:01")), first, RULE)
    assert rule_allows(expanded_with(history=history("2026-02-16T08:00")), first, RULE)


def test_four_people_can_cover_four_weeks() -> None:
    assert model_allows(expanded_with(), [], only=False)

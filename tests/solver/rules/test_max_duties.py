"""At most ``count`` duty starts of a role per person in any window ``[t, t + window)``."""

from __future__ import annotations

from typing import Any

from solver.model import max_duties
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import rule_allows

RULE = "max_duties"
assert max_duties.NAME == "Maximum duties of a role in a window"


def expanded_with(**fields: Any) -> ExpandedScenario:
    role = make_role(
        "D",
        rrule="FREQ=DAILY",
        start="08:00",
        duration="PT8H",
        max_duties=[{"count": 2, "window": "P7D"}],
    )
    return make_expanded(roles=[role], priorities=["coverage"], **fields)


def days(*numbers: int) -> list[tuple[str, str]]:
    return [(f"D@2026-03-{number:02d}T08:00", "hh-01") for number in numbers]


def test_count_duties_in_a_window_are_allowed() -> None:
    assert rule_allows(expanded_with(), days(2, 3), RULE)


def test_one_more_is_not() -> None:
    assert not rule_allows(expanded_with(), days(2, 3, 8), RULE)


def test_a_start_exactly_one_window_later_is_outside() -> None:
    assert rule_allows(expanded_with(), days(2, 3, 9), RULE)


def test_history_starts_count_in_windows_reaching_into_the_horizon() -> None:
    history = {
        "duties": [
            {
                "role": "D",
                "person": "hh-01",
                "start": "2026-02-24T08:00",
                "end": "2026-02-24T16:00",
            },
            {
                "role": "D",
                "person": "hh-01",
                "start": "2026-02-25T08:00",
                "end": "2026-02-25T16:00",
            },
        ]
    }
    expanded = expanded_with(history=history)
    # Window from 02-24 08:00 runs to 03-03 08:00 (exclusive).
    assert not rule_allows(expanded, days(2), RULE)
    # Window from 02-25 08:00 ends 03-04 08:00: 03-04 is outside.
    assert rule_allows(expanded, days(4), RULE)

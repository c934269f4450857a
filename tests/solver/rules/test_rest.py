"""Minimum rest between any two duties of a person, across roles (``rules.min_rest``)."""

from __future__ import annotations

from typing import Any

from solver.model import rest
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_role
from tests.solver.rules.conftest import model_allows, rule_allows

RULE = "min_rest"
assert rest.NAME == "Minimum rest between duties"

DAY = make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT13H")  # ends 21:00
LATE = make_role("LATE", rrule="FREQ=DAILY", start="08:00", duration="PT13H1M")  # ends 21:01


def expanded_with(role: dict[str, Any], **fields: Any) -> ExpandedScenario:
    return make_expanded(
        roles=[role], rules={"min_rest": "PT11H"}, priorities=["coverage"], **fields
    )


def test_eleven_hours_between_duties_is_enough() -> None:
    expanded = expanded_with(DAY)
    duties = [("DAY@2026-03-02T08:00", "hh-01"), ("DAY@2026-03-03T08:00", "hh-01")]
    assert rule_allows(expanded, duties, RULE)


def test_ten_hours_fifty_nine_is_not() -> None:
    expanded = expanded_with(LATE)
    duties = [("LATE@2026-03-02T08:00", "hh-01"), ("LATE@2026-03-03T08:00", "hh-01")]
    assert not rule_allows(expanded, duties, RULE)


def test_applies_across_roles() -> None:
    night = make_role("NIGHT", rrule="FREQ=DAILY", start="22:00", duration="PT8H")
    expanded = make_expanded(
        roles=[DAY, night], rules={"min_rest": "PT11H"}, priorities=["coverage"]
    )
    # DAY ends 21:00; NIGHT starts 22:00 the same day: one hour of rest.
    duties = [("DAY@2026-03-02T08:00", "hh-01"), ("NIGHT@2026-03-02T22:00", "hh-01")]
    assert not rule_allows(expanded, duties, RULE)
    assert rule_allows(expanded, [duties[0], ("NIGHT@2026-03-02T22:00", "hh-02")], RULE)


def test_history_duty_blocks_an_early_first_duty() -> None:
    too_late = {
        "duties": [
            {
                "role": "DAY",
                "person": "hh-01",
                "start": "2026-03-01T08:00",
                "end": "2026-03-01T21:01",
            }
        ]
    }
    just_in_time = {
        "duties": [
            {
                "role": "DAY",
                "person": "hh-01",
                "start": "2026-03-01T08:00",
                "end": "2026-03-01T21:00",
            }
        ]
    }
    duties = [("DAY@2026-03-02T08:00", "hh-01")]
    assert not rule_allows(expanded_with(DAY, history=too_late), duties, RULE)
    assert rule_allows(expanded_with(DAY, history=just_in_time), duties, RULE)


def test_overlaps_allowed_when_max_concurrent_is_two() -> None:
    long_day = make_role("LONG", rrule="FREQ=DAILY", start="08:00", duration="PT40H")
    expanded = make_expanded(
        roles=[long_day],
        rules={"min_rest": "PT11H", "max_concurrent": 2},
        priorities=["coverage"],
    )
    # Overlapping duties are left to max_concurrent; rest still holds between the
    # end of one and a later start: LONG@03-02 ends 03-04 00:00, LONG@03-04 starts 08:00.
    overlapping = [("LONG@2026-03-02T08:00", "hh-01"), ("LONG@2026-03-03T08:00", "hh-01")]
    assert rule_allows(expanded, overlapping, RULE)
    too_close = [("LONG@2026-03-02T08:00", "hh-01"), ("LONG@2026-03-04T08:00", "hh-01")]
    assert not rule_allows(expanded, too_close, RULE)


def test_trivially_feasible_with_many_people() -> None:
    assert model_allows(expanded_with(DAY), [], only=False)

"""Each person's own limits: the scenario's ``rules`` overridden by ``people[].limits``.

Shared by the CP-SAT model and the validator so both read a person's working
day rules, weekends and totals the same way. A *working day* is a local
calendar day on which one of the person's duties starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.scenario import Scenario, WeekendRule


@dataclass(frozen=True)
class Limits:
    """What applies to one person (``None``: no such rule)."""

    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_days_off: int | None = None
    weekends: WeekendRule | None = None
    min_minutes: int | None = None
    max_minutes: int | None = None
    max_duties: dict[str, int] = field(default_factory=dict)


def person_limits(scenario: Scenario) -> dict[str, Limits]:
    """The limits of every person, by id."""
    rules = scenario.rules
    limits: dict[str, Limits] = {}
    for person in scenario.people:
        own = person.limits
        if own is None:
            limits[person.id] = Limits(
                max_consecutive_days=rules.max_consecutive_days,
                min_consecutive_days=rules.min_consecutive_days,
                min_days_off=rules.min_days_off,
                weekends=rules.weekends,
            )
            continue
        limits[person.id] = Limits(
            max_consecutive_days=_first(own.max_consecutive_days, rules.max_consecutive_days),
            min_consecutive_days=_first(own.min_consecutive_days, rules.min_consecutive_days),
            min_days_off=_first(own.min_days_off, rules.min_days_off),
            weekends=own.weekends if own.weekends is not None else rules.weekends,
            min_minutes=own.min_minutes,
            max_minutes=own.max_minutes,
            max_duties=dict(own.max_duties),
        )
    return limits


def _first(own: int | None, general: int | None) -> int | None:
    return own if own is not None else general

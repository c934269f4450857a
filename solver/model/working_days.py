"""Consecutive working days: at most ``max_consecutive_days`` in a row, blocks of at
least ``min_consecutive_days``, and at least ``min_days_off`` days off between blocks.

A person works a local day when one of their duties starts on it
(``ctx.worked_days``). Readings, shared with ``solver.validate``:

- maximum: every run of worked days is at most the limit long; days worked by
  ``history.duties`` before the horizon count (days outside are otherwise off);
- minimum block and minimum days off apply only to runs with a day of the
  other kind on both sides *inside* the horizon: a run touching the first or
  last day may continue outside it.

Maximum: a sliding window of ``max + 1`` days holds at most ``max`` worked
days. Minimum: for each shorter length ``s``, the pattern "off, ``s`` on,
off" (or "on, ``s`` off, on") is forbidden by one clause.
"""

from __future__ import annotations

from datetime import date, timedelta

from ortools.sat.python import cp_model

from solver.limits import person_limits
from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Consecutive working days and days off"


def build(ctx: ModelContext) -> list[Term]:
    limits = person_limits(ctx.scenario)
    days = ctx.horizon_days()
    if not days:
        return []
    for person in ctx.duties.by_person:
        rules = limits[person]
        if (
            rules.max_consecutive_days is None
            and rules.min_consecutive_days is None
            and rules.min_days_off is None
        ):
            continue
        worked = ctx.worked_days(person)
        group = RuleGroup(NAME, person=person)
        if rules.max_consecutive_days is not None:
            _at_most_in_a_row(ctx, person, worked, days, rules.max_consecutive_days, group)
        if rules.min_consecutive_days is not None:
            _no_short_runs(ctx, worked, days, rules.min_consecutive_days, True, group)
        if rules.min_days_off is not None:
            _no_short_runs(ctx, worked, days, rules.min_days_off, False, group)
    return []


def history_days(ctx: ModelContext, person: str) -> set[date]:
    scenario = ctx.scenario
    return {
        scenario.instant(duty.start).astimezone(scenario.tz).date()
        for duty in scenario.history.duties
        if duty.person == person
    }


def _at_most_in_a_row(
    ctx: ModelContext,
    person: str,
    worked: dict[date, cp_model.IntVar],
    days: list[date],
    limit: int,
    group: RuleGroup,
) -> None:
    past = history_days(ctx, person)
    first = days[0] - timedelta(days=limit)
    for offset in range((days[-1] - first).days - limit + 1):
        window = [first + timedelta(days=offset + step) for step in range(limit + 1)]
        literals = [worked[day] for day in window if day in worked]
        constant = sum(1 for day in window if day in past and day not in worked)
        ctx.at_most(literals, limit - constant, group)


def _no_short_runs(
    ctx: ModelContext,
    worked: dict[date, cp_model.IntVar],
    days: list[date],
    least: int,
    working: bool,
    group: RuleGroup,
) -> None:
    """Forbid interior runs shorter than ``least`` of worked (or, if not ``working``, off) days."""
    for length in range(1, least):
        for start in range(1, len(days) - length):
            end = start + length  # the day after the run; must lie inside the horizon
            if end >= len(days):
                break
            inside = days[start:end]
            # The clause "not (edge, run, edge)": a run day outside its kind, or an edge inside it.
            edges = (days[start - 1], days[end])
            clause: list[cp_model.LiteralT] = []
            satisfied = False
            for day in edges:
                # The edges must be of the other kind: the clause holds if one is of the run's kind.
                literal = worked.get(day)
                if literal is None:
                    if not working:
                        satisfied = True  # an edge that cannot be worked is never "on"
                    continue
                clause.append(literal if working else ~literal)
            for day in inside:
                literal = worked.get(day)
                if literal is None:
                    if working:
                        satisfied = True  # a run day that cannot be worked breaks the run
                    continue
                clause.append(~literal if working else literal)
            if satisfied:
                continue
            ctx.clause(clause, group)

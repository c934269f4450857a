"""Worked weekends: at most ``max`` worked weekends in any ``window`` consecutive weekends.

A weekend is Saturday 00:00 to Monday 00:00 local time; it is worked when any
duty of the person (any role) overlaps it. A BoolVar per person and weekend
marks it worked (only when several duties could touch it; a single duty is its
own indicator). Weekends worked in ``history.duties`` count as constants.
A person's own ``limits.weekends`` replaces ``rules.weekends`` for them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model

from solver.limits import person_limits
from solver.model.context import ModelContext, RuleGroup, Term
from solver.scenario import Scenario

NAME = "Worked weekends"


def weekend_index(saturday: date) -> int:
    """Consecutive weekends get consecutive numbers."""
    return saturday.toordinal() // 7


def weekends_overlapping(scenario: Scenario, start: datetime, end: datetime) -> list[date]:
    """The Saturdays whose weekend ``[Sat 00:00, Mon 00:00)`` local overlaps ``[start, end)``."""
    tz = scenario.tz
    first = start.astimezone(tz).date()
    saturday = first - timedelta(days=(first.weekday() - 5) % 7)
    found: list[date] = []
    while True:
        weekend_start = scenario.instant(saturday)
        if weekend_start >= end:
            return found
        if start < scenario.instant(saturday + timedelta(days=2)):
            found.append(saturday)
        saturday += timedelta(days=7)


def build(ctx: ModelContext) -> list[Term]:
    scenario = ctx.scenario
    limits = person_limits(scenario)
    if all(limit.weekends is None for limit in limits.values()):
        return []
    by_id = ctx.expanded.by_id
    touching: dict[str, list[date]] = ctx.expanded.facts.setdefault(NAME, {})
    for shift_id in ctx.duties.by_shift:
        if shift_id not in touching:
            shift = by_id[shift_id]
            touching[shift_id] = weekends_overlapping(scenario, shift.start, shift.end)
    for person, vars_of in ctx.duties.by_person.items():
        rule = limits[person].weekends
        if rule is None:
            continue
        duties_on: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for shift_id, var in vars_of.items():
            for saturday in touching[shift_id]:
                duties_on[weekend_index(saturday)].append(var)
        worked: dict[int, cp_model.IntVar] = {}
        for index, duties in duties_on.items():
            if len(duties) == 1:
                worked[index] = duties[0]
                continue
            indicator = ctx.model.new_bool_var(f"weekend_worked[{person},{index}]")
            for duty in duties:
                ctx.model.add_implication(duty, indicator)
            worked[index] = indicator
        history_worked: set[int] = set()
        for past in scenario.history.duties:
            if past.person == person:
                start, end = scenario.instant(past.start), scenario.instant(past.end)
                history_worked.update(
                    weekend_index(day) for day in weekends_overlapping(scenario, start, end)
                )
        if not worked:
            continue
        group = RuleGroup(NAME, person=person)
        for first in range(min(worked) - rule.window + 1, max(worked) + 1):
            window = range(first, first + rule.window)
            literals = [
                worked[index] for index in window if index in worked and index not in history_worked
            ]
            constant = sum(1 for index in window if index in history_worked)
            ctx.at_most(literals, rule.max - constant, group)
    return []

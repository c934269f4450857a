"""Total duty minutes: ``people[].limits.min_minutes ≤ Σ minutes ≤ max_minutes`` over the horizon.

A duty counts its real elapsed minutes (``end − start``), whatever the day weights.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.limits import person_limits
from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Total duty minutes of a person"


def build(ctx: ModelContext) -> list[Term]:
    minutes_of: dict[str, int] | None = None
    for person, limits in person_limits(ctx.scenario).items():
        if (limits.min_minutes is None and limits.max_minutes is None) or not ctx.decides(person):
            continue
        if minutes_of is None:
            minutes_of = {
                shift.id: int((shift.end - shift.start).total_seconds()) // 60
                for shift in ctx.shifts
            }
        vars_of = ctx.duties.by_person.get(person, {})
        minutes = [minutes_of[shift_id] for shift_id in vars_of]
        total = cp_model.LinearExpr.weighted_sum(list(vars_of.values()), minutes)
        group = RuleGroup(NAME, person=person)
        if limits.min_minutes is not None:
            ctx.add(total >= limits.min_minutes, group)
        if limits.max_minutes is not None and sum(minutes) > limits.max_minutes:
            ctx.add(total <= limits.max_minutes, group)
    return []

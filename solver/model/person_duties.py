"""Duties per person and role: at most ``people[].limits.max_duties[role]`` in the horizon."""

from __future__ import annotations

from solver.limits import person_limits
from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Maximum duties of a role per person"


def build(ctx: ModelContext) -> list[Term]:
    for person, limits in person_limits(ctx.scenario).items():
        vars_of = ctx.duties.by_person.get(person, {})
        for role_id, count in sorted(limits.max_duties.items()):
            literals = [
                var
                for shift_id, var in vars_of.items()
                if ctx.expanded.by_id[shift_id].role == role_id
            ]
            ctx.at_most(literals, count, RuleGroup(NAME, role=role_id, person=person))
    return []

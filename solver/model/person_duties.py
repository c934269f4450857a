"""Duties per person and role: at most ``people[].limits.max_duties[role]`` in the horizon."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver.limits import person_limits
from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Maximum duties of a role per person"


def build(ctx: ModelContext) -> list[Term]:
    by_id = ctx.expanded.by_id
    for person, limits in person_limits(ctx.scenario).items():
        if not limits.max_duties:
            continue
        by_role: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for shift_id, var in ctx.duties.by_person.get(person, {}).items():
            by_role[by_id[shift_id].role].append(var)
        for role_id, count in sorted(limits.max_duties.items()):
            ctx.at_most(
                by_role.get(role_id, []), count, RuleGroup(NAME, role=role_id, person=person)
            )
    return []

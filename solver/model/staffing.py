"""Staffing: every shift gets exactly its ``staff`` people.

With ``coverage`` among the objective priorities the rule is soft: a
per-shift shortfall variable absorbs missing people and the coverage tier
minimises the total number of missing duties. Otherwise staffing is hard.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Penalty, RuleGroup, Term

NAME = "Staffing of every shift"


def coverage_is_soft(ctx: ModelContext) -> bool:
    return "coverage" in ctx.scenario.objective.priorities


def build(ctx: ModelContext) -> list[Term]:
    soft = coverage_is_soft(ctx)
    penalties: list[Penalty] = []
    for shift in ctx.shifts:
        assigned = list(ctx.duties.by_shift.get(shift.id, {}).values())
        group = RuleGroup(NAME, role=shift.role, shift=shift.id)
        if not soft:
            ctx.add(cp_model.LinearExpr.sum(assigned) == shift.staff, group)
            continue
        shortfall = ctx.model.new_int_var(0, shift.staff, f"shortfall[{shift.id}]")
        ctx.add(cp_model.LinearExpr.sum([*assigned, shortfall]) == shift.staff, group)
        penalties.append(
            Penalty(rule="coverage", expr=shortfall, shift=shift.id, detail="missing duties")
        )
    if not soft:
        return []
    return [Term("coverage", sum(p.expr for p in penalties), penalties)]

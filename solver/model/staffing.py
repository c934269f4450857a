"""Staffing: every shift gets its ``staff`` people, or up to ``max_staff`` when allowed.

With ``coverage`` among the objective priorities the rule is soft: a
per-shift shortfall variable absorbs missing people (each costing the
shift's ``under_weight``) and a surplus variable the people beyond ``staff``
(each costing ``over_weight``), never beyond ``max_staff``. Otherwise
staffing is hard: ``staff ≤ people ≤ max_staff`` (``solver.coverage``).

In a model of some people only, duties held by the others count as constants
and shifts none of its people can take are left out (their cost is fixed).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Penalty, RuleGroup, Term

NAME = "Staffing of every shift"


def coverage_is_soft(ctx: ModelContext) -> bool:
    return "coverage" in ctx.scenario.objective.priorities


def build(ctx: ModelContext) -> list[Term]:
    soft = coverage_is_soft(ctx)
    covers = ctx.expanded.covers
    penalties: list[Penalty] = []
    subset = ctx.people is not None
    for shift in ctx.shifts:
        if subset and shift.id not in ctx.duties.by_shift:
            continue  # decided outside this model: its cost is a constant here
        cover = covers[shift.id]
        assigned = list(ctx.duties.by_shift.get(shift.id, {}).values())
        group = RuleGroup(NAME, role=shift.role, shift=shift.id)
        held = ctx.outside.get(shift.id, 0)
        extra = min(cover.most, len(assigned) + held) - cover.staff
        if not soft:
            total = cp_model.LinearExpr.sum(assigned) + held
            if extra > 0:
                ctx.add(total >= cover.staff, group)
                ctx.add(total <= cover.most, group)
            else:
                ctx.add(total == cover.staff, group)
            continue
        parts: list[cp_model.LinearExprT] = [*assigned, held]
        if cover.staff > 0:
            shortfall = ctx.model.new_int_var(0, cover.staff, f"shortfall[{shift.id}]")
            parts.append(shortfall)
            penalties.append(
                Penalty(
                    rule="coverage",
                    expr=shortfall,
                    weight=cover.under_weight,
                    shift=shift.id,
                    detail="missing duties",
                )
            )
        if extra > 0:
            surplus = ctx.model.new_int_var(0, extra, f"surplus[{shift.id}]")
            parts.append(-surplus)
            penalties.append(
                Penalty(
                    rule="coverage",
                    expr=surplus,
                    weight=cover.over_weight,
                    shift=shift.id,
                    detail="people beyond staff",
                )
            )
        ctx.add(cp_model.LinearExpr.sum(parts) == cover.staff, group)
        if cover.staff > 0 and extra > 0:
            # Never both: the costs are then exactly each missing and each extra person.
            short = ctx.model.new_bool_var(f"short[{shift.id}]")
            ctx.model.add(shortfall <= cover.staff * short)
            ctx.model.add(surplus <= extra * (1 - short))
    if not soft:
        return []
    cost = cp_model.LinearExpr.weighted_sum(
        [penalty.expr for penalty in penalties], [penalty.weight for penalty in penalties]
    )
    return [Term("coverage", cost, penalties)]

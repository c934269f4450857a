"""Preferences for one specific shift (soft, weighted; ``shift_preferences``).

- ``prefer``: costs ``weight`` unless the person takes that shift (always,
  when they cannot take it at all);
- ``avoid``: costs ``weight`` if they take it.

They count in the ``preferences`` tier, next to the window preferences.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Penalty, Term

NAME = "Preferences for a shift"
TIER = "preferences"


def build(ctx: ModelContext) -> list[Term]:
    penalties: list[Penalty] = []
    for preference in ctx.scenario.shift_preferences:
        if not ctx.decides(preference.person):
            continue
        if preference.shift not in ctx.expanded.by_id:
            continue  # removed by an override: nothing to grant or avoid
        var = ctx.duties.get(preference.person, preference.shift)
        if preference.kind == "avoid":
            if var is None:
                continue
            expr: cp_model.LinearExprT = var
            detail = "avoided shift taken"
        else:
            expr = 1 if var is None else 1 - var
            detail = "preferred shift not granted"
        penalties.append(
            Penalty(
                rule="preference",
                expr=expr,
                weight=preference.weight,
                person=preference.person,
                shift=preference.shift,
                detail=detail,
            )
        )
    if not penalties:
        return []
    cost = cp_model.LinearExpr.weighted_sum(
        [penalty.expr for penalty in penalties], [penalty.weight for penalty in penalties]
    )
    return [Term(TIER, cost, penalties)]

"""Stability: when re-planning, keep the duties of the ``previous`` rota.

Each previous duty (shift, person) that the new rota drops costs 1; the
replacement duty is not counted again. Previous duties on shifts that no
longer exist are ignored.
"""

from __future__ import annotations

from solver.model.context import ModelContext, Penalty, Term

NAME = "Stability against the previous rota"
TIER = "stability"


def build(ctx: ModelContext) -> list[Term]:
    penalties = []
    for pin in ctx.scenario.previous:
        if pin.shift not in ctx.expanded.by_id:
            continue
        var = ctx.duties.get(pin.person, pin.shift)
        penalties.append(
            Penalty(
                rule="stability",
                expr=1 if var is None else 1 - var,
                person=pin.person,
                shift=pin.shift,
                detail="previous duty changed",
            )
        )
    if not penalties:
        return []
    return [Term("stability", sum(p.expr for p in penalties), penalties)]

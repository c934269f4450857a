"""Preferences (soft, weighted).

- ``avoid``: every duty of the person that overlaps the window costs ``weight``.
- ``prefer``: the window costs ``weight`` once when no duty of the person
  overlaps it (any role).
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Penalty, Term

NAME = "Personal preferences"
TIER = "preferences"


def build(ctx: ModelContext) -> list[Term]:
    scenario = ctx.scenario
    penalties: list[Penalty] = []
    for index, preference in enumerate(scenario.preferences):
        if not ctx.decides(preference.person):
            continue
        start, end = scenario.instant(preference.start), scenario.instant(preference.end)
        window = f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
        overlapping: list[tuple[str, cp_model.IntVar]] = [
            (shift_id, var)
            for shift_id, var in ctx.duties.by_person.get(preference.person, {}).items()
            if ctx.expanded.by_id[shift_id].overlaps(start, end)
        ]
        if preference.kind == "avoid":
            penalties.extend(
                Penalty(
                    rule="preference",
                    expr=var,
                    weight=preference.weight,
                    person=preference.person,
                    shift=shift_id,
                    detail=f"duty in avoided window {window}",
                )
                for shift_id, var in overlapping
            )
            continue
        if overlapping:
            granted = ctx.model.new_bool_var(f"preference_granted[{index}]")
            ctx.model.add(granted <= sum(var for _, var in overlapping))
            missed: cp_model.LinearExprT = 1 - granted
        else:
            missed = 1
        penalties.append(
            Penalty(
                rule="preference",
                expr=missed,
                weight=preference.weight,
                person=preference.person,
                detail=f"no duty in preferred window {window}",
            )
        )
    if not penalties:
        return []
    return [Term("preferences", sum(p.weight * p.expr for p in penalties), penalties)]

"""Zone fairness: per role, each zone's load close to its target share.

Cost: Σ over roles and zones of |load_z − T_z|, loads in scaled weighted hours
(``LOAD_SCALE``), targets from ``solver.fairness`` rounded to the same unit.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Term, scaled_load

NAME = "Zone share of each role's load"
TIER = "zone_fairness"


def build(ctx: ModelContext) -> list[Term]:
    zone_of = {person.id: person.zone for person in ctx.scenario.people}
    deviations: list[cp_model.IntVar] = []
    for role_id, targets in ctx.targets.items():
        loads: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(lambda: ([], []))
        most = 0
        for shift in ctx.shifts:
            if shift.role != role_id:
                continue
            most += scaled_load(shift.load) * shift.staff
            for person, var in ctx.duties.by_shift.get(shift.id, {}).items():
                variables, weights = loads[zone_of[person]]
                variables.append(var)
                weights.append(scaled_load(shift.load))
        for zone_id, target in sorted(targets.zone_target.items()):
            goal = scaled_load(target)
            deviation = ctx.model.new_int_var(
                0, most + abs(goal), f"zone_deviation[{role_id},{zone_id}]"
            )
            load = cp_model.LinearExpr.weighted_sum(*loads.get(zone_id, ([], [])))
            ctx.model.add(deviation >= load - goal)
            ctx.model.add(deviation >= goal - load)
            deviations.append(deviation)
    if not deviations:
        return []
    return [Term("zone_fairness", cp_model.LinearExpr.sum(deviations))]

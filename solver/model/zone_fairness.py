"""Zone fairness: per role, each zone's load close to its target share.

Cost: Σ over roles and zones of |load_z − T_z|, loads in scaled weighted hours
(``LOAD_SCALE``), targets from ``solver.fairness`` rounded to the same unit.

Each deviation variable's domain holds only the deviations a zone can reach
(``solver.model.reachable``): e.g. when every load of a role is even and the
target is odd, the deviation is at least 1, and CP-SAT knows it at once.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Term, scaled_load
from solver.model.reachable import deviation_domain, reachable_sums

NAME = "Zone share of each role's load"
TIER = "zone_fairness"


def build(ctx: ModelContext) -> list[Term]:
    zone_of = {person.id: person.zone for person in ctx.scenario.people}
    deviations: list[cp_model.IntVar] = []
    for role_id, targets in ctx.targets.items():
        loads: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(lambda: ([], []))
        # (load, copies) per zone: a shift adds its load at most once per person it
        # can take from that zone, up to its staff.
        items: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for shift in ctx.shifts:
            if shift.role != role_id:
                continue
            load = scaled_load(shift.load)
            per_zone: dict[str, int] = defaultdict(int)
            for person, var in ctx.duties.by_shift.get(shift.id, {}).items():
                variables, weights = loads[zone_of[person]]
                variables.append(var)
                weights.append(load)
                per_zone[zone_of[person]] += 1
            for zone_id, eligible in per_zone.items():
                items[zone_id].append((load, min(eligible, shift.staff)))
        for zone_id, target in sorted(targets.zone_target.items()):
            goal = scaled_load(target)
            domain = deviation_domain(reachable_sums(items.get(zone_id, [])), goal)
            deviation = ctx.model.new_int_var_from_domain(
                domain, f"zone_deviation[{role_id},{zone_id}]"
            )
            load_expr = cp_model.LinearExpr.weighted_sum(*loads.get(zone_id, ([], [])))
            ctx.model.add(deviation >= load_expr - goal)
            ctx.model.add(deviation >= goal - load_expr)
            deviations.append(deviation)
    if not deviations:
        return []
    return [Term("zone_fairness", cp_model.LinearExpr.sum(deviations))]

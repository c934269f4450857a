"""Person fairness: per role, each person's load close to their target.

Two tiers, in this order:

- ``person_fairness.max``: Σ over roles of the largest *prorated* deviation
  ``|load_p − T_p| / c_p`` (capacity ``c_p``), so a half-timer 50 h off counts
  like a full-timer 100 h off. People with capacity 0 are left out: they can
  take no duty and their deviation is a constant.
- ``person_fairness.sum``: Σ over roles and people of ``|load_p − T_p|``.

Loads are scaled weighted hours (``LOAD_SCALE``), targets rounded likewise.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, Term, scaled_load
from solver.model.reachable import deviation_domain, reachable_sums

NAME = "Fair share of each person"
TIER = "person_fairness"

# Capacities enter the max tier as whole percent.
CAPACITY_STEPS = 100


def build(ctx: ModelContext) -> list[Term]:
    maxima: list[cp_model.IntVar] = []
    deviations: list[cp_model.IntVar] = []
    for role_id, targets in ctx.targets.items():
        loads: dict[str, tuple[list[cp_model.IntVar], list[int]]] = defaultdict(lambda: ([], []))
        most: dict[str, int] = defaultdict(int)
        items: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for shift in ctx.shifts:
            if shift.role != role_id:
                continue
            for person, var in ctx.duties.by_shift.get(shift.id, {}).items():
                variables, weights = loads[person]
                variables.append(var)
                weights.append(scaled_load(shift.load))
                most[person] += scaled_load(shift.load)
                items[person].append((scaled_load(shift.load), 1))
        role_deviations: list[tuple[cp_model.IntVar, int, int]] = []
        for person, target in sorted(targets.person_target.items()):
            goal = scaled_load(target)
            worst = most[person] + abs(goal)
            domain = deviation_domain(reachable_sums(items.get(person, [])), goal)
            deviation = ctx.model.new_int_var_from_domain(
                domain, f"person_deviation[{role_id},{person}]"
            )
            load = cp_model.LinearExpr.weighted_sum(*loads.get(person, ([], [])))
            ctx.model.add(deviation >= load - goal)
            ctx.model.add(deviation >= goal - load)
            deviations.append(deviation)
            steps = round(targets.person_capacity.get(person, 0) * CAPACITY_STEPS)
            if steps > 0:
                role_deviations.append((deviation, worst, steps))
        if not role_deviations:
            continue
        upper = max(
            math.ceil(worst * CAPACITY_STEPS / steps) for _, worst, steps in role_deviations
        )
        largest = ctx.model.new_int_var(0, upper, f"person_deviation_max[{role_id}]")
        for deviation, _, steps in role_deviations:
            # largest ≥ deviation / capacity, in whole units.
            ctx.model.add(steps * largest >= CAPACITY_STEPS * deviation)
        maxima.append(largest)
    if not deviations:
        return []
    terms = [Term("person_fairness.sum", cp_model.LinearExpr.sum(deviations))]
    if maxima:
        terms.insert(0, Term("person_fairness.max", cp_model.LinearExpr.sum(maxima)))
    return terms

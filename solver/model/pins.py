"""Fixed pins: planner decisions and accepted swaps are hard duties.

A pin on a pair without a variable (the person is not qualified, absent or
inactive then) cannot hold; ``solve`` reports that before building the model.
"""

from __future__ import annotations

from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Fixed pin"


def build(ctx: ModelContext) -> list[Term]:
    for index, pin in enumerate(ctx.scenario.fixed):
        if not ctx.decides(pin.person):
            continue
        if pin.shift not in ctx.expanded.by_id:
            continue  # removed by an override: solve() reports the scenario INVALID
        group = RuleGroup(NAME, person=pin.person, shift=pin.shift, index=index)
        var = ctx.duties.get(pin.person, pin.shift)
        if var is None:
            # Only reachable in explain mode; an impossible pin is its own core.
            ctx.add(ctx.model.new_constant(0) == 1, group)
        else:
            ctx.add(var == 1, group)
    return []

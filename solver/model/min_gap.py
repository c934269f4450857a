"""Minimum gap per role: a person's next duty of a role starts at least ``min_gap``
after the end of their previous duty of that role (``Duration.after(end, tz)``).

Same formulation as minimum rest, per role, history duties of the role included.
"""

from __future__ import annotations

from solver.model.context import (
    ModelContext,
    RuleGroup,
    Term,
    history_spans,
    limit_overlaps,
    shift_spans,
)

NAME = "Minimum gap between duties of a role"


def build(ctx: ModelContext) -> list[Term]:
    for role in ctx.scenario.roles:
        if role.min_gap is None:
            continue
        for person in ctx.duties.by_person:
            limit_overlaps(
                ctx,
                person,
                shift_spans(ctx, person, role=role.id, after=role.min_gap),
                history_spans(ctx, person, role=role.id, after=role.min_gap),
                1,
                RuleGroup(NAME, role=role.id, person=person),
            )
    return []

"""Concurrent duties: at most ``max_concurrent`` duties of a person at any moment, across roles.

History duties count where they overlap the horizon. When ``min_rest`` is set
it already forbids overlapping duties, so this rule adds nothing then.
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

NAME = "Concurrent duties"


def build(ctx: ModelContext) -> list[Term]:
    rules = ctx.scenario.rules
    if rules.min_rest is not None:
        return []
    for person in ctx.duties.by_person:
        limit_overlaps(
            ctx,
            person,
            shift_spans(ctx, person),
            history_spans(ctx, person),
            rules.max_concurrent,
            RuleGroup(NAME, person=person),
        )
    return []

"""Concurrent duties: at most ``max_concurrent`` duties of a person at any moment, across roles.

History duties count where they overlap the horizon. When a non-zero
``min_rest`` is set and ``max_concurrent`` is 1, minimum rest already forbids
overlapping duties, so this rule adds nothing then.
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
from solver.scenario import Duration

NAME = "Concurrent duties"


def build(ctx: ModelContext) -> list[Term]:
    rules = ctx.scenario.rules
    if rules.max_concurrent == 1 and rules.min_rest not in (None, Duration(0, 0)):
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

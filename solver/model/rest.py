"""Minimum rest: between any two different duties of a person, across roles.

The next duty may start no earlier than ``min_rest`` after the previous one
ends (``Duration.after(end, tz)``); overlapping duties violate it too. Each
duty's span is stretched by the rest period; two duties conflict exactly when
the stretched spans intersect, so one AtMostOne per instant suffices. History
duties stretch the same way, blocking in-horizon duties that start too soon.
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

NAME = "Minimum rest between duties"


def build(ctx: ModelContext) -> list[Term]:
    rest = ctx.scenario.rules.min_rest
    if rest is None:
        return []
    for person in ctx.duties.by_person:
        limit_overlaps(
            ctx,
            person,
            shift_spans(ctx, person, after=rest),
            history_spans(ctx, person, after=rest),
            1,
            RuleGroup(NAME, person=person),
        )
    return []

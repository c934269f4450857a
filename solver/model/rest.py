"""Minimum rest: between any two different duties of a person, across roles.

The later duty (by start) may start no earlier than ``min_rest`` after the
earlier one ends (``Duration.after(end, tz)``). Overlapping duties break it
too, unless ``max_concurrent`` > 1 allows overlaps (then only the concurrency
rule governs them), exactly as ``solver.validate`` reads it.

With overlaps forbidden, each duty's span is stretched by the rest period and
two duties conflict exactly when the stretched spans intersect: one AtMostOne
per instant replaces every pair. History duties stretch the same way and so
block in-horizon duties that start too soon after them. With overlaps
allowed, the (rare) non-overlapping close pairs are forbidden one by one.
"""

from __future__ import annotations

from solver.model.context import (
    ModelContext,
    RuleGroup,
    Span,
    Term,
    history_spans,
    limit_overlaps,
    shift_spans,
)
from solver.scenario import Duration

NAME = "Minimum rest between duties"


def build(ctx: ModelContext) -> list[Term]:
    rest = ctx.scenario.rules.min_rest
    if rest is None or rest == Duration(0, 0):
        return []
    overlaps_allowed = ctx.scenario.rules.max_concurrent > 1
    for person in ctx.duties.by_person:
        group = RuleGroup(NAME, person=person)
        if not overlaps_allowed:
            limit_overlaps(
                ctx,
                person,
                shift_spans(ctx, person, after=rest),
                history_spans(ctx, person, after=rest),
                1,
                group,
            )
            continue
        plain = {span.key: span for span in shift_spans(ctx, person)}
        stretched = shift_spans(ctx, person, after=rest)
        history = list(
            zip(history_spans(ctx, person), history_spans(ctx, person, after=rest), strict=True)
        )
        vars_of = ctx.duties.by_person[person]
        for earlier in stretched:
            for later in plain.values():
                if _too_close(plain[earlier.key], earlier, later) and earlier.key != later.key:
                    ctx.add(vars_of[earlier.key] + vars_of[later.key] <= 1, group)
            for past, past_stretched in history:
                if _too_close(past, past_stretched, plain[earlier.key]):
                    ctx.add(vars_of[earlier.key] == 0, group)
    return []


def _too_close(earlier: Span, stretched: Span, later: Span) -> bool:
    """``later`` starts after ``earlier`` ends, but within its rest period."""
    return earlier.end <= later.start < stretched.end and earlier.start <= later.start

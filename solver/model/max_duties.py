"""Maximum duties per role in a sliding window: at most ``count`` duty *starts* of a
role per person in any window ``[t, t + window)`` (``Duration.after(t, tz)``).

The tightest windows begin at a duty start, so one linear sum per possible
start (in-horizon shifts and history duties of the role) covers every window;
history starts inside a window count as constants.
"""

from __future__ import annotations

from datetime import UTC, datetime

from solver.model.context import (
    ModelContext,
    RuleGroup,
    Term,
    history_spans,
    seconds,
    shift_spans,
)

NAME = "Maximum duties of a role in a window"


def build(ctx: ModelContext) -> list[Term]:
    tz = ctx.scenario.tz
    for role in ctx.scenario.roles:
        for rule in role.max_duties:
            for person, vars_of in ctx.duties.by_person.items():
                starts = sorted(
                    (span.start, span.key) for span in shift_spans(ctx, person, role=role.id)
                )
                if len(starts) <= rule.count:
                    continue
                history = sorted(span.start for span in history_spans(ctx, person, role=role.id))
                group = RuleGroup(NAME, role=role.id, person=person, index=rule.count)
                previous: tuple[set[str], int] = (set(), 0)
                for window_start in sorted({start for start, _ in starts} | set(history)):
                    end = seconds(rule.window.after(datetime.fromtimestamp(window_start, UTC), tz))
                    keys = tuple(key for start, key in starts if window_start <= start < end)
                    constant = sum(1 for start in history if window_start <= start < end)
                    if not keys or (set(keys) <= previous[0] and constant <= previous[1]):
                        continue
                    previous = (set(keys), constant)
                    ctx.at_most([vars_of[key] for key in keys], rule.count - constant, group)
    return []

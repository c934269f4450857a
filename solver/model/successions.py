"""Forbidden successions: a duty of role ``first`` starting on one local day forbids a
duty of role ``then`` starting on the next (``rules.forbidden_successions``).

History duties count on the day before the horizon. When the duties a person
could start on each of the two days exclude each other anyway (they overlap
and ``max_concurrent`` is 1), one constraint covers all first roles that
forbid the same set of next roles: ``Σ first(d) + Σ then(d+1) ≤ 1``;
otherwise each pair is forbidden on its own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ortools.sat.python import cp_model

from solver.model.context import ModelContext, RuleGroup, Term

NAME = "Forbidden successions of roles on consecutive days"


def build(ctx: ModelContext) -> list[Term]:
    forbidden: dict[str, set[str]] = defaultdict(set)
    for succession in ctx.scenario.rules.forbidden_successions:
        forbidden[succession.first].add(succession.then)
    if not forbidden:
        return []
    # First roles grouped by the set of roles they forbid next.
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for first, nexts_of_first in sorted(forbidden.items()):
        groups[frozenset(nexts_of_first)].append(first)
    scenario = ctx.scenario
    role_of = {shift.id: shift.role for shift in ctx.shifts}
    for person, vars_of in ctx.duties.by_person.items():
        # day → role → the person's candidate shifts of that role starting that day
        on_day: dict[date, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for shift_id in vars_of:
            on_day[ctx.day_of(shift_id)][role_of[shift_id]].append(shift_id)
        history_roles: dict[date, set[str]] = defaultdict(set)
        for duty in scenario.history.duties:
            if duty.person == person:
                day = scenario.instant(duty.start).astimezone(scenario.tz).date()
                history_roles[day].add(duty.role)
        group = RuleGroup(NAME, person=person)
        for day in sorted(set(on_day) | {day + timedelta(days=1) for day in history_roles}):
            before = day - timedelta(days=1)
            today = on_day.get(day, {})
            yesterday = on_day.get(before, {})
            past = history_roles.get(before, set())
            for then, firsts in groups.items():
                nexts = [s for role, ids in today.items() if role in then for s in ids]
                if not nexts:
                    continue
                if any(role in past for role in firsts):
                    for shift_id in nexts:
                        ctx.add(vars_of[shift_id] == 0, group)
                    continue
                earlier = [s for role in firsts for s in yesterday.get(role, ())]
                if not earlier:
                    continue
                if ctx.exclusive(earlier) and ctx.exclusive(nexts) and not ctx.explain:
                    ctx.model.add_at_most_one([vars_of[s] for s in earlier + nexts])
                    continue
                for first_id in earlier:
                    first_role = role_of[first_id]
                    for next_id in nexts:
                        if role_of[next_id] in forbidden[first_role]:
                            ctx.add(
                                cp_model.LinearExpr.sum([vars_of[first_id], vars_of[next_id]]) <= 1,
                                group,
                            )
    return []

"""A greedy first rota, used only as a solution hint for the first search.

CP-SAT finds *a* rota quickly but, in large scenarios, an unbalanced one that
the fairness tiers then struggle to repair. This builds one shift by shift
(in time order, pins first) giving each shift to the eligible person whose
zone, then who themself, is furthest below target, among those that the
rest, gap and one-at-a-time rules still allow. Weekend and duty-count rules
are not checked: a hint need not be feasible, CP-SAT repairs it.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from solver.model.context import ModelContext, Span, history_spans, scaled_load
from solver.scenario import Duration


def greedy_duties(ctx: ModelContext) -> list[tuple[str, str]]:
    """``(person, shift)`` duties of a greedy, roughly fair rota."""
    scenario = ctx.scenario
    zone_of = {person.id: person.zone for person in scenario.people}
    rest = scenario.rules.min_rest
    if rest is None and scenario.rules.max_concurrent == 1:
        rest = Duration(0, 0)
    elif scenario.rules.max_concurrent > 1:
        rest = None
    gaps = {role.id: role.min_gap for role in scenario.roles}
    taken: dict[str, list[tuple[str, Span | None, Span | None]]] = defaultdict(list)
    zone_load: dict[tuple[str, str], float] = defaultdict(float)
    person_load: dict[tuple[str, str], float] = defaultdict(float)
    chosen: list[tuple[str, str]] = []

    def blocked(person: str, shift_id: str) -> bool:
        role = ctx.expanded.by_id[shift_id].role
        rest_span = ctx.span(shift_id, rest) if rest is not None else None
        gap = gaps[role]
        gap_span = ctx.span(shift_id, gap) if gap is not None else None
        for other_role, other_rest, other_gap in taken[person]:
            if rest_span is not None and other_rest is not None and _meet(rest_span, other_rest):
                return True
            if (
                other_role == role
                and gap_span is not None
                and other_gap is not None
                and _meet(gap_span, other_gap)
            ):
                return True
        return False

    def take(person: str, shift_id: str) -> None:
        shift = ctx.expanded.by_id[shift_id]
        gap = gaps[shift.role]
        taken[person].append(
            (
                shift.role,
                ctx.span(shift_id, rest) if rest is not None else None,
                ctx.span(shift_id, gap) if gap is not None else None,
            )
        )
        zone_load[shift.role, zone_of[person]] += scaled_load(shift.load)
        person_load[shift.role, person] += scaled_load(shift.load)
        chosen.append((person, shift_id))

    for person in ctx.duties.by_person:
        for role in scenario.roles:
            rest_spans = history_spans(ctx, person, role=role.id, after=rest) if rest else []
            gap_spans = (
                history_spans(ctx, person, role=role.id, after=role.min_gap)
                if role.min_gap is not None
                else []
            )
            for index in range(max(len(rest_spans), len(gap_spans))):
                taken[person].append(
                    (
                        role.id,
                        rest_spans[index] if rest_spans else None,
                        gap_spans[index] if gap_spans else None,
                    )
                )
    pinned: dict[str, list[str]] = defaultdict(list)
    for pin in scenario.fixed:
        if ctx.duties.get(pin.person, pin.shift) is not None:
            pinned[pin.shift].append(pin.person)
            take(pin.person, pin.shift)

    def shortfall(role: str, person: str) -> tuple[float, float]:
        """How far the person's zone, then the person (per capacity), is from target."""
        targets = ctx.targets.get(role)
        if targets is None:
            return (0.0, 0.0)
        zone = zone_of[person]
        capacity = max(targets.person_capacity.get(person, 1.0), 0.01)
        return (
            zone_load[role, zone] - targets.zone_target.get(zone, 0.0),
            (person_load[role, person] - targets.person_target.get(person, 0.0)) / capacity,
        )

    for shift in ctx.shifts:
        on_shift = set(pinned.get(shift.id, []))
        candidates = sorted(
            (person for person in ctx.duties.by_shift.get(shift.id, {}) if person not in on_shift),
            key=partial(shortfall, shift.role),
        )
        for person in candidates:
            if len(on_shift) >= shift.staff:
                break
            if not blocked(person, shift.id):
                take(person, shift.id)
                on_shift.add(person)
    return chosen


def _meet(first: Span, second: Span) -> bool:
    return first.start < second.end and second.start < first.end

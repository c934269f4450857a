"""What every rule module receives, and what soft rules give back.

``ModelContext`` carries the preprocessed scenario (shifts, eligibility,
fairness targets), the CP-SAT model and the duty variables. Rules add their
constraints through ``ctx.add``/``ctx.at_most`` so that the same code builds
the fast model and the *explain* model, where every hard-rule group is guarded
by an assumption literal (used to find a small infeasible core).

A soft rule returns ``Term``s: an integer expression to minimise in one
priority tier, plus readable ``Penalty`` parts so a rota can list which soft
rule cost what, per person and shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from ortools.sat.python import cp_model

from solver.fairness import RoleTargets
from solver.model.variables import DutyVars
from solver.scenario import Duration, Scenario
from solver.shifts import ExpandedScenario, Shift

# Loads enter the model as integers: weighted hours × LOAD_SCALE, rounded.
# Finer units only lengthen the fairness proofs: shift loads are whole hours in
# every realistic scenario (DST days included) and an hour is below notice.
LOAD_SCALE = 1

Expr = cp_model.LinearExprT


@dataclass(frozen=True, order=True)
class RuleGroup:
    """One relaxable group of hard constraints: a rule, narrowed to a role, person or shift."""

    rule: str
    role: str | None = None
    person: str | None = None
    shift: str | None = None
    index: int | None = None  # e.g. the position of a pin in ``fixed``


@dataclass
class Penalty:
    """A readable part of a soft term: ``weight × value(expr)`` when positive."""

    rule: str
    expr: Expr
    weight: int = 1
    person: str | None = None
    shift: str | None = None
    detail: str | None = None


@dataclass
class Term:
    """An integer expression minimised in tier ``tier`` (see ``tier_names``)."""

    tier: str
    expr: Expr
    penalties: list[Penalty] = field(default_factory=list)


@dataclass
class ModelContext:
    expanded: ExpandedScenario
    model: cp_model.CpModel
    duties: DutyVars
    targets: dict[str, RoleTargets]
    explain: bool = False
    # A model of some people only (``solver.reroster``): who it decides, and per
    # shift how many duties the others hold, which count as constants.
    people: frozenset[str] | None = None
    outside: Mapping[str, int] = field(default_factory=dict)
    groups: dict[RuleGroup, cp_model.IntVar] = field(default_factory=dict)
    _days: dict[str, dict[date, cp_model.IntVar]] = field(default_factory=dict)

    @cached_property
    def _day_of(self) -> dict[str, date]:
        tz = self.scenario.tz
        return {shift.id: shift.start.astimezone(tz).date() for shift in self.shifts}

    @cached_property
    def _exclusive_days(self) -> set[date]:
        """Days whose shifts all overlap each other: one person takes at most one of them."""
        if self.scenario.rules.max_concurrent != 1:
            return set()
        starts: dict[date, datetime] = {}
        ends: dict[date, datetime] = {}
        for shift in self.shifts:
            day = self._day_of[shift.id]
            starts[day] = max(starts.get(day, shift.start), shift.start)
            ends[day] = min(ends.get(day, shift.end), shift.end)
        return {day for day in starts if starts[day] < ends[day]}

    def decides(self, person: str) -> bool:
        """Whether this model decides the person's duties (everyone's, unless a subset)."""
        return self.people is None or person in self.people

    def day_of(self, shift_id: str) -> date:
        """The local date a shift starts on: the working day it counts for."""
        return self._day_of[shift_id]

    def worked_days(self, person: str) -> dict[date, cp_model.IntVar]:
        """A literal per local day on which the person could start a duty: true iff they do.

        When the day's candidate duties pairwise overlap and ``max_concurrent``
        is 1, at most one can be taken, so the literal is their plain sum.
        """
        if person not in self._days:
            by_day: dict[date, list[str]] = {}
            day_of = self._day_of
            for shift_id in self.duties.by_person.get(person, {}):
                by_day.setdefault(day_of[shift_id], []).append(shift_id)
            vars_of = self.duties.by_person[person]
            worked: dict[date, cp_model.IntVar] = {}
            for day, shift_ids in sorted(by_day.items()):
                literals = [vars_of[shift_id] for shift_id in shift_ids]
                if len(literals) == 1:
                    worked[day] = literals[0]
                    continue
                literal = self.model.new_bool_var(f"worked[{person},{day}]")
                if self.exclusive(shift_ids) and not self.explain:
                    self.model.add(cp_model.LinearExpr.sum(literals) == literal)
                else:
                    self.model.add_max_equality(literal, literals)
                worked[day] = literal
            self._days[person] = worked
        return self._days[person]

    def exclusive(self, shift_ids: Sequence[str]) -> bool:
        """Whether one person can hold at most one of these shifts (they all overlap)."""
        if len(shift_ids) < 2:
            return True
        if self.scenario.rules.max_concurrent != 1:
            return False
        day_of = self._day_of
        first_day = day_of[shift_ids[0]]
        if first_day in self._exclusive_days and all(
            day_of[shift_id] == first_day for shift_id in shift_ids
        ):
            return True
        shifts = [self.expanded.by_id[shift_id] for shift_id in shift_ids]
        return max(shift.start for shift in shifts) < min(shift.end for shift in shifts)

    def horizon_days(self) -> list[date]:
        horizon = self.scenario.horizon
        return [
            horizon.start + timedelta(days=offset)
            for offset in range((horizon.end - horizon.start).days)
        ]

    def span(self, shift_id: str, after: Duration | None = None) -> Span:
        """The shift as a span, stretched ``after`` past its end (cached: rules share them)."""
        key = (shift_id, after)
        # Shared by every model of the scenario (models of groups: solver.reroster).
        spans: dict[tuple[str, Duration | None], Span] = self.expanded.facts.setdefault("spans", {})
        if key not in spans:
            shift = self.expanded.by_id[shift_id]
            end = shift.end if after is None else after.after(shift.end, self.scenario.tz)
            spans[key] = Span(shift_id, seconds(shift.start), seconds(end))
        return spans[key]

    @property
    def scenario(self) -> Scenario:
        return self.expanded.scenario

    @property
    def shifts(self) -> list[Shift]:
        return self.expanded.shifts

    def guard(self, group: RuleGroup) -> list[cp_model.IntVar]:
        """The enforcement literals for ``group``: none normally, one in explain mode."""
        if not self.explain:
            return []
        if group not in self.groups:
            self.groups[group] = self.model.new_bool_var(f"assume[{group}]")
        return [self.groups[group]]

    def add(self, constraint: cp_model.BoundedLinearExpression | bool, group: RuleGroup) -> None:
        added = self.model.add(constraint)
        if self.explain:
            added.only_enforce_if(self.guard(group))

    def clause(self, literals: Sequence[cp_model.LiteralT], group: RuleGroup) -> None:
        """At least one of ``literals`` (BoolVars or their negations) holds."""
        added = self.model.add_bool_or(literals)
        if self.explain:
            added.only_enforce_if(self.guard(group))

    def at_most(self, literals: Sequence[cp_model.IntVar], limit: int, group: RuleGroup) -> None:
        """``sum(literals) <= limit``; an AtMostOne clique when possible (not in explain mode)."""
        if len(literals) <= max(limit, 0):
            return
        if limit <= 0:
            for literal in literals:
                self.add(literal == 0, group)
        elif limit == 1 and not self.explain:
            self.model.add_at_most_one(literals)
        else:
            self.add(cp_model.LinearExpr.sum(literals) <= limit, group)


def seconds(moment: datetime) -> int:
    """An instant as whole seconds since the epoch (comparable across offsets)."""
    return int(moment.timestamp())


def scaled_load(load: float) -> int:
    return round(load * LOAD_SCALE)


@dataclass(frozen=True)
class Span:
    """A half-open interval ``[start, end)`` in epoch seconds, labelled by ``key``."""

    key: str
    start: int
    end: int


def limit_overlaps(
    ctx: ModelContext,
    person: str,
    spans: Iterable[Span],
    fixed: Iterable[Span],
    limit: int,
    group: RuleGroup,
) -> None:
    """At every instant, at most ``limit`` of the person's spans (variable or fixed) cover it.

    Spans form an interval graph; its maximal cliques sit at span starts, so one
    linear constraint per start instant (deduplicated) replaces every pair.
    ``fixed`` spans (history duties) count as constants.
    """
    variable = sorted(spans, key=lambda span: (span.start, span.key))
    constants = list(fixed)
    instants = sorted({span.start for span in variable} | {span.start for span in constants})
    cliques: list[tuple[frozenset[str], int]] = []
    active: list[Span] = []
    next_span = 0
    for instant in instants:
        while next_span < len(variable) and variable[next_span].start <= instant:
            active.append(variable[next_span])
            next_span += 1
        active = [span for span in active if span.end > instant]
        if not active:
            continue
        constant = sum(1 for span in constants if span.start <= instant < span.end)
        cliques.append((frozenset(span.key for span in active), constant))
    kept: list[tuple[frozenset[str], int]] = []
    for position, (keys, constant) in enumerate(cliques):
        # A clique inside its successor, with no more history, adds nothing.
        if position + 1 < len(cliques):
            next_keys, next_constant = cliques[position + 1]
            if keys <= next_keys and constant <= next_constant:
                continue
        if kept and keys <= kept[-1][0] and constant <= kept[-1][1]:
            continue
        kept.append((keys, constant))
    vars_of = ctx.duties.by_person[person]
    for keys, constant in kept:
        room = max(limit - constant, 0)
        ctx.at_most([vars_of[key] for key in sorted(keys)], room, group)


def shift_spans(
    ctx: ModelContext, person: str, *, role: str | None = None, after: Duration | None = None
) -> list[Span]:
    """The person's eligible shifts (of ``role``, if given) as spans.

    With ``after``, each span runs on to ``after`` past the shift's end (a rest
    or gap window), measured as ``Duration.after(end, tz)``.
    """
    return [
        ctx.span(shift_id, after)
        for shift_id in ctx.duties.by_person.get(person, {})
        if role is None or ctx.expanded.by_id[shift_id].role == role
    ]


def history_spans(
    ctx: ModelContext, person: str, *, role: str | None = None, after: Duration | None = None
) -> list[Span]:
    """The person's history duties (of ``role``, if given) as constant spans."""
    scenario = ctx.scenario
    spans = []
    for index, duty in enumerate(scenario.history.duties):
        if duty.person != person or (role is not None and duty.role != role):
            continue
        start, end = scenario.instant(duty.start), scenario.instant(duty.end)
        if after is not None:
            end = after.after(end, scenario.tz)
        spans.append(Span(f"history[{index}]", seconds(start), seconds(end)))
    return spans

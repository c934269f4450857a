"""The CP-SAT model of a scenario, composed of one module per rule.

Each rule module has a stable human ``NAME`` and ``build(ctx) -> list[Term]``:
hard rules add constraints (and return no terms, except staffing, whose
shortfall is the coverage term when coverage is soft); soft rules return
integer terms for their priority tier. ``build_model`` preprocesses
(eligibility, fairness targets), creates ``duty[person, shift]`` only for
eligible pairs and runs every rule, hard rules first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType

from ortools.sat.python import cp_model

from solver.eligibility import Eligibility
from solver.fairness import RoleTargets, fairness_targets
from solver.model import (
    concurrency,
    duty_minutes,
    max_duties,
    min_gap,
    person_duties,
    person_fairness,
    pins,
    preferences,
    rest,
    shift_preferences,
    stability,
    staffing,
    successions,
    weekends,
    working_days,
    zone_fairness,
)
from solver.model.context import ModelContext, Penalty, RuleGroup, Term
from solver.model.variables import DutyVars
from solver.shifts import ExpandedScenario

HARD_RULES: tuple[ModuleType, ...] = (
    staffing,
    pins,
    concurrency,
    rest,
    min_gap,
    max_duties,
    weekends,
    person_duties,
    duty_minutes,
    working_days,
    successions,
)
SOFT_RULES: tuple[ModuleType, ...] = (
    stability,
    zone_fairness,
    person_fairness,
    preferences,
    shift_preferences,
)
RULES = HARD_RULES + SOFT_RULES

# Priorities that the model splits into several tiers, in solving order.
SUB_TIERS = {"person_fairness": ("person_fairness.max", "person_fairness.sum")}


def tier_names(priorities: Sequence[str], combine: Sequence[Sequence[str]] = ()) -> list[str]:
    """The lexicographic tiers of ``objective.priorities``, most important first.

    A ``combine`` group is one tier named by its members in priority order
    joined with ``+`` (e.g. ``coverage+preferences``), placed at its first member.
    """
    tiers: list[str] = []
    for priority in priorities:
        tier = tier_of(priority, priorities, combine)
        if tier not in tiers:
            tiers.extend(SUB_TIERS.get(priority, (priority,)) if tier == priority else (tier,))
    return tiers


def tier_of(name: str, priorities: Sequence[str], combine: Sequence[Sequence[str]]) -> str:
    """The tier a term of priority (or sub-tier) ``name`` is minimised in."""
    for group in combine:
        if name in group:
            return "+".join(priority for priority in priorities if priority in group)
    return name


def priority_of(tier: str) -> str:
    return tier.split(".", 1)[0]


@dataclass
class PlanModel:
    """A built model: CP-SAT model, duty variables, soft terms and (explain mode) groups."""

    context: ModelContext
    eligibility: Eligibility
    terms: list[Term]

    @property
    def model(self) -> cp_model.CpModel:
        return self.context.model

    @property
    def duties(self) -> DutyVars:
        return self.context.duties

    @property
    def groups(self) -> dict[RuleGroup, cp_model.IntVar]:
        return self.context.groups

    @property
    def tiers(self) -> list[str]:
        """Tiers in priority order; a priority left out of the objective is not a tier."""
        objective = self.context.scenario.objective
        return tier_names(objective.priorities, objective.combine)

    def term_tier(self, term: Term) -> str:
        objective = self.context.scenario.objective
        return tier_of(term.tier, objective.priorities, objective.combine)

    def tier_expr(self, tier: str) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.sum(
            [term.expr for term in self.terms if self.term_tier(term) == tier]
        )

    def has_terms(self, tier: str) -> bool:
        return any(self.term_tier(term) == tier for term in self.terms)

    def penalties(self) -> list[Penalty]:
        prioritised = set(self.tiers)
        return [
            penalty
            for term in self.terms
            if self.term_tier(term) in prioritised
            for penalty in term.penalties
        ]


def build_model(
    expanded: ExpandedScenario,
    *,
    explain: bool = False,
    eligibility: Eligibility | None = None,
    targets: dict[str, RoleTargets] | None = None,
    people: Collection[str] | None = None,
    outside: Mapping[str, int] | None = None,
) -> PlanModel:
    """Build the model; with ``explain`` every hard-rule group gets an assumption literal.

    ``people`` builds a model of those people only: the duties of everyone else
    are fixed, ``outside`` counting them per shift (``solver.reroster``).
    """
    eligibility = eligibility or Eligibility(expanded)
    if targets is None:
        targets = fairness_targets(expanded, eligibility)
    model = cp_model.CpModel()
    chosen = frozenset(people) if people is not None else None
    if chosen is None:
        pairs = [
            (person, shift.id)
            for shift in expanded.shifts
            for person in eligibility.people_for(shift.id)
        ]
    else:
        # In the scenario's order, not the set's (string hashes vary by process, and
        # CP-SAT's search follows the order of the variables).
        pairs = [
            (person.id, shift_id)
            for person in expanded.scenario.people
            if person.id in chosen
            for shift_id in eligibility.shifts_for(person.id)
        ]
    context = ModelContext(
        expanded=expanded,
        model=model,
        duties=DutyVars(model, pairs),
        targets=targets,
        explain=explain,
        people=chosen,
        outside=outside or {},
    )
    prioritised = set(expanded.scenario.objective.priorities)
    terms: list[Term] = []
    for rule in HARD_RULES:
        terms.extend(rule.build(context))
    for rule in SOFT_RULES:
        # A priority left out of the objective is not modelled at all; explaining
        # infeasibility needs no soft terms.
        if rule.TIER in prioritised and not explain:
            terms.extend(rule.build(context))
    return PlanModel(context=context, eligibility=eligibility, terms=terms)

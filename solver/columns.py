"""Columns: each person's rota as one piece, priced against the staffing of every shift.

When people are tied together only by each shift's staffing (``solver.reroster``
says when), a rota is one *pattern* per person — the set of shifts they take —
and its cost is the sum of each pattern's own preference cost plus each shift's
staffing cost. That is the set-partitioning view of rostering that the best
methods for the Curtois–Qu benchmarks are built on (branch and price), and its
linear relaxation is far tighter than the relaxation of the duty model:

- a **master** linear program (GLOP) chooses a mix of known patterns per person
  (their weights sum to one) and each shift's shortfall and surplus, at the
  least cost; its dual prices say what one more person is worth on each shift
  and what each person's current patterns cost;
- **pricing**: each person's own model (``build_model(people=[person])``, so every
  rule of theirs holds by construction) is solved by CP-SAT for the pattern of
  least *reduced* cost — its preference cost minus the prices of the shifts it
  takes; every pattern found below zero joins the master;
- when no person has a pattern below zero the relaxation is solved, and its value
  is a lower bound on every rota; before that, the value plus every person's
  (negative) least reduced cost is one (when every pricing was proved optimal);
- **dives** fix patterns (or require duties) the relaxation chose, pricing as
  they go, until everyone has one: each gives a rota;
- **branch and price** (when everyone is priced by days) searches a tree of
  duties required and forbidden from the relaxation, cutting off every node
  whose bound cannot beat the best rota: searched to the end, it proves it optimal;
- the **integer master** (CP-SAT) then picks exactly one known pattern per person,
  hinted with the best rota so far, so it can only return a rota at least as good.

Prices are real numbers and CP-SAT wants integers: they are scaled by ``SCALE``
and rounded, and the bound allows for the rounding (at most half a unit per
shift a person could take).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.cpsat import configured_solver, duties_fixed
from solver.day_pricing import DayPricer, Priced, day_rules
from solver.eligibility import Eligibility
from solver.fairness import RoleTargets
from solver.model import PlanModel, build_model
from solver.reroster import Clock, Duties
from solver.scenario import SolverOptions
from solver.shifts import ExpandedScenario

# Prices are scaled by this much (and rounded) in the pricing objective.
SCALE = 1000
# A reduced cost below minus this many cost units is worth a column.
NEGATIVE = 1e-6
# Each person's pricing model gets at most this long per round.
PRICING_SECONDS = 2.0
# Solving the relaxation gets at most this share of the columns' time; the dive the rest.
ROOT_SHARE = 0.6
# The relaxation counts as solved once its value is this close to the bound.
ROOT_GAP = 0.005
# Solving a relaxation takes about this many rounds of pricing (17-32 on
# Curtois-Qu 5, 8, 12 and 14); if the first round says it will not fit, stop.
EXPECTED_ROUNDS = 20
# The pace of pricing is judged after this many rounds.
PACE_ROUNDS = 3
# Without that, a dive is still worth it when the bound is this close to the value.
DIVE_GAP = 0.1
# Each step of the dive prices the people left for at most this many rounds.
DIVE_ROUNDS = 6
# Steps of a dive by duties, about (each step gets a share of the time left).
DIVE_STEPS = 10
# At most this many dives (each from more patterns than the last).
DIVES = 4
# Weights are compared with this much random noise (ties, and near-ties, vary).
DIVE_NOISE = 0.05
# Each step of the dive fixes this share of the people left (at least one).
DIVE_STEP = 0.1
# A node of the branch and price prices everyone for at most this many rounds.
NODE_ROUNDS = 30
# The integer master (one known pattern per person, by CP-SAT) gets this share of the time.
COMBINE_SHARE = 0.1
# An unsolved relaxation is dived from when below this share of the best rota's value.
DIVE_PROMISE = 0.9
# The weight of the best bound's prices in the prices pricing sees (see ``_generate``).
SMOOTHING = 0.5
# Day pricing's time per array cell it works through (the deterministic time in
# reproducible mode; measured 2 ns a cell on Curtois-Qu 12, 4-5 ns on 20 and 22).
DAY_WORK_SECONDS = 4e-9
# A person whose day pricing would take longer than this, or whose table of values
# would hold more cells than this (256 MB), is priced by CP-SAT.
DAY_PRICING_SECONDS = 0.5
DAY_TABLE_CELLS = 1 << 25
# A first rota by best responses is tried if this many passes fit in its time.
FIRST_PASSES = 3
# A step of the dive by duties requires at most this many fractional duties of a person.
DIVE_DUTIES_PER_PERSON = 1
# Dive by duties (True) or by whole patterns.
DIVE_BY_DUTIES = True
# A weight or share this close to 0 or 1 counts as whole.
WHOLE = 1e-3
# What a required duty is worth to pricing by days (far beyond any real cost).
REQUIRED = 1e6
# GLOP's parameters while pricing and while diving (see _Master).
ROOT_GLOP = "use_preprocessing: false"
DIVE_GLOP = "use_preprocessing: false use_dual_simplex: true"
DIVE_PRICED_GLOP = "use_preprocessing: false"
# A best response's cost of a shift already fully staffed: closed.
CLOSED = 1e9
# People are priced this many at a time, each by one CP-SAT worker.
PRICING_THREADS = 2
PRICING_WORKERS = 1
# Pricing stops within this share of the person's last least reduced cost of the
# optimum: early rounds need good patterns, not proofs, and the gap closes as the
# reduced costs go to zero (the bound stays valid: it uses CP-SAT's own bound).
PRICING_GAP = 0.4

# Duties a node of the branch and price requires (or forbids), by person.
Branches = dict[str, frozenset[str]]


@dataclass
class PersonModel:
    """One person's model: their duty variables and the cost of their own preferences.

    ``pricer`` prices the person by days (``solver.day_pricing``) when all their
    rules are day rules and their cost is ``constant`` plus a cost per duty
    (``coefficients``); otherwise CP-SAT prices them.
    """

    plan: PlanModel
    shifts: dict[str, cp_model.IntVar]
    cost: cp_model.LinearExprT
    pricer: DayPricer | None = None
    constant: float = 0.0
    coefficients: dict[str, float] = field(default_factory=dict)


@dataclass
class ColumnResult:
    """What the columns gave: a rota (if better than the one given) and a lower bound."""

    duties: Duties | None
    value: int | None
    bound: int | None
    rounds: int
    columns: int
    converged: bool


@dataclass
class Columns:
    """Generates patterns per person and combines them (price and branch)."""

    expanded: ExpandedScenario
    eligibility: Eligibility
    targets: dict[str, RoleTargets]
    options: SolverOptions
    tier: str
    stop: Callable[[], bool] | None = None
    patterns: dict[str, dict[frozenset[str], int]] = field(init=False)
    _models: dict[str, PersonModel] = field(init=False, default_factory=dict)
    # Each person's last least reduced cost, as a positive number (sets pricing's gap).
    _reduced: dict[str, float] = field(init=False, default_factory=dict)
    # Wall seconds spent pricing by days (for the benchmark's trace).
    day_seconds: float = field(init=False, default=0.0)
    # Shifts a dive by duties or a node of the tree requires of a person (their
    # patterns without them are out).
    _required: dict[str, set[str]] = field(init=False, default_factory=dict)
    # Shifts the branch and price forbids a person (pricing by days closes them).
    _forbidden: dict[str, set[str]] = field(init=False, default_factory=dict)
    # Patterns found by days and not yet checked on the person's model.
    _unchecked: set[tuple[str, frozenset[str]]] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.options.seed)
        self.people = [person.id for person in self.expanded.scenario.people]
        self.patterns = {person: {} for person in self.people}
        self.covers = self.expanded.covers
        self.shifts = [
            shift.id for shift in self.expanded.shifts if self.eligibility.people_for(shift.id)
        ]
        # Shifts nobody can take cost the same in every rota.
        takeable = set(self.shifts)
        self.constant = sum(
            self.covers[shift.id].under_weight * self.covers[shift.id].staff
            for shift in self.expanded.shifts
            if shift.id not in takeable
        )

    def stopped(self) -> bool:
        return self.stop is not None and self.stop()

    def person_model(self, person: str) -> PersonModel:
        """The person's own model, built once: every hard rule of theirs, no staffing cost."""
        known = self._models.get(person)
        if known is not None:
            return known
        plan = build_model(
            self.expanded,
            eligibility=self.eligibility,
            targets=self.targets,
            people=[person],
            outside={},
        )
        cost = cp_model.LinearExpr.sum(
            [
                term.expr
                for term in plan.terms
                if term.tier != "coverage" and plan.term_tier(term) == self.tier
            ]
        )
        built = PersonModel(plan, dict(plan.duties.by_person.get(person, {})), cost)
        self._models[person] = built
        linear = _linear_cost(built)
        if linear is not None:
            # A shift the person alone may not staff (most 0) is closed to them.
            shifts = [shift_id for shift_id in built.shifts if self.covers[shift_id].most >= 1]
            rules = day_rules(self.expanded, self.eligibility, person, shifts)
            if not isinstance(rules, str):
                pricer = DayPricer(rules)
                # Days times states times cells can grow past what pays (Curtois-Qu 22:
                # 364 days, 5 s a person): CP-SAT then, in its time limit. One pass is
                # judged: more passes (limits priced by multipliers) are taken only
                # while a limit that cannot be counted binds, and judging them all
                # sent a fifth of Curtois-Qu 19 to CP-SAT (and its first rota with them).
                fast = pricer.table() * DAY_WORK_SECONDS <= DAY_PRICING_SECONDS
                if fast and pricer.table() <= DAY_TABLE_CELLS:
                    built.pricer = pricer
                    built.constant, built.coefficients = linear
        return built

    def add_rota(self, duties: Duties, clock: Clock) -> bool:
        """Add every person's pattern in ``duties`` (with its cost); ``False`` if out of time."""
        for person in self.people:
            shifts = duties.get(person, frozenset())
            if shifts in self.patterns[person]:
                continue
            cost = self._pattern_cost(person, shifts, clock)
            if cost is None:
                return False
            self.patterns[person][shifts] = cost
        return True

    def _pattern_cost(self, person: str, shifts: frozenset[str], clock: Clock) -> int | None:
        """The preference cost of one pattern: the person's model with its duties fixed."""
        built = self.person_model(person)
        values = [(var, int(shift_id in shifts)) for shift_id, var in built.shifts.items()]
        built.plan.model.minimize(built.cost)
        solver = configured_solver(
            self.options, max(clock.left(), 1.0), workers=PRICING_WORKERS, seed=0
        )
        with duties_fixed(built.plan.model, values):
            status = solver.solve(built.plan.model)
        if self.options.deterministic:
            clock.charge(solver)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return round(solver.objective_value)

    def first_rota(self, clock: Clock) -> Duties | None:
        """A first rota by best responses from nobody working, if everyone is priced by days.

        ``None`` if someone's rules are not day rules (or a pattern fails its check).
        """
        pricers = [self.person_model(person).pricer for person in self.people]
        if any(pricer is None for pricer in pricers):
            return None
        work = sum(pricer.estimate() for pricer in pricers if pricer is not None)
        if work * DAY_WORK_SECONDS * FIRST_PASSES > clock.left():
            return None
        duties, value = self.respond({}, clock)
        if value is None or self.stopped() or not self._checked(duties, clock):
            return None
        return duties

    def respond(self, duties: Duties, clock: Clock) -> tuple[Duties, int | None]:
        """Best responses: each person in turn takes their cheapest pattern given everyone
        else's duties, until nobody can do better (or time is up); the rota and its value.

        Only people priced by days move (a best response is a day pricing at the
        person's marginal staffing costs: a shift short of staff gains its under
        weight, one staffed costs its over weight, a full one is closed). Every
        move lowers the value, so the rota only gets better.
        """
        duties = {person: duties.get(person, frozenset()) for person in self.people}
        counts: dict[str, int] = {}
        for shifts in duties.values():
            for shift_id in shifts:
                counts[shift_id] = counts.get(shift_id, 0) + 1
        order = [person for person in self.people if self.person_model(person).pricer]
        moved = True
        while moved and clock.left() > 0 and not self.stopped():
            moved = False
            self.rng.shuffle(order)
            for person in order:
                built = self._models[person]
                pricer = built.pricer
                if pricer is None:
                    continue
                own = duties[person]
                costs: dict[str, float] = {}
                for shift_id, coefficient in built.coefficients.items():
                    cover = self.covers[shift_id]
                    others = counts.get(shift_id, 0) - (shift_id in own)
                    if others < cover.staff:
                        costs[shift_id] = coefficient - cover.under_weight
                    elif others < cover.most:
                        costs[shift_id] = coefficient + cover.over_weight
                    else:
                        costs[shift_id] = coefficient + CLOSED
                started = time.perf_counter()
                before = pricer.work
                priced = pricer.price(costs)
                self.day_seconds += time.perf_counter() - started
                if self.options.deterministic:
                    clock.spent += (pricer.work - before) * DAY_WORK_SECONDS
                if priced.shifts is None or priced.value is None:
                    continue
                # A pattern not known is none yet (a first rota starts from nobody working).
                known = own in self.patterns[person]
                if known and priced.value >= sum(costs[s] for s in own) - NEGATIVE:
                    continue
                for shift_id in own:
                    counts[shift_id] -= 1
                for shift_id in priced.shifts:
                    counts[shift_id] = counts.get(shift_id, 0) + 1
                duties[person] = priced.shifts
                self._know(person, priced.shifts)
                moved = True
        if any(shifts not in self.patterns[person] for person, shifts in duties.items()):
            return duties, None  # someone has no pattern yet (out of time, or none at all)
        return duties, rota_cost(self, duties.items())

    def _know(self, person: str, shifts: frozenset[str]) -> None:
        """Add a pattern found by days (its cost from the person's cost per duty)."""
        if shifts in self.patterns[person]:
            return
        built = self._models[person]
        cost = built.constant + sum(built.coefficients[shift_id] for shift_id in shifts)
        self.patterns[person][shifts] = round(cost)
        self._unchecked.add((person, shifts))

    def _checked(self, duties: Duties, clock: Clock) -> bool:
        """Whether the person's model agrees with each pattern found by days (rules, cost).

        Day pricing is tested against the models; should one disagree all the
        same, that person is priced by CP-SAT from then on and the rota is not used.
        """
        agreed = True
        for person, shifts in duties.items():
            if (person, shifts) not in self._unchecked:
                continue
            if self._pattern_cost(person, shifts, clock) != self.patterns[person][shifts]:
                self._models[person].pricer = None
                agreed = False
                continue
            self._unchecked.discard((person, shifts))
        return agreed

    def search(self, best: Duties, best_value: int, clock: Clock) -> ColumnResult:
        """Solve the relaxation, dive to rotas, search the tree, then combine known patterns.

        The relaxation gets up to ``ROOT_SHARE`` of the time, the dives what it
        leaves but ``COMBINE_SHARE`` of the whole, which goes to the integer
        master; the branch and price gets what the dives leave of theirs.
        Returns a rota if one is better than ``best_value``, and the lower bound
        proved (by the relaxation, or by the tree's nodes left), if any.
        """
        given = best_value
        reserve = clock.left() * COMBINE_SHARE
        root = Clock(clock.left() * ROOT_SHARE, deterministic=clock.deterministic)
        if not self.add_rota(best, root):
            clock.spent += root.spent
            return ColumnResult(None, None, None, 0, self._count(), False)
        fallback = best
        responded, responded_value = self.respond(best, root)
        if responded_value is not None and responded_value < best_value:
            best, best_value = responded, responded_value
        master = _Master(self)
        try:
            bound, relaxed, rounds, converged = self._generate(master, self.people, root)
        except RelaxationUnsolved:
            clock.spent += root.spent
            return ColumnResult(None, None, None, 0, self._count(), False)
        clock.spent += root.spent
        whole = None if bound is None else math.ceil(bound - 1e-6)
        dived: Duties | None = None
        value: int | None = None
        solved = converged or (bound is not None and relaxed - bound <= DIVE_GAP * abs(relaxed))
        # Unsolved, a relaxation far below the best rota is still worth diving from
        # when everyone is priced by days (dives price as they go, in milliseconds):
        # Curtois-Qu 13 stopped at 1 373 (bound 1 049) against the search by groups'
        # 5 800 after the same time.
        promising = self._all_by_days() and relaxed < best_value * DIVE_PROMISE
        dive = solved or promising
        if dive:
            diving = Clock(clock.left() - reserve, deterministic=clock.deterministic)
            dived, value = self._dives(master, diving, whole)
            clock.spent += diving.spent
        # Otherwise pricing is too slow for this scenario (long horizons): a dive from
        # a relaxation this far from solved gave rotas far worse than the search by
        # groups finds in the same time (Curtois-Qu 18: 65 % against 37 %; without
        # pricing, Instance19: 12 663 against 3 847), and the integer master over
        # its patterns improved the first rota by 5 % in 20 s: the groups get the time.
        if dived is None or value is None or value >= best_value:
            dived, value = best, best_value
        if dive and bound is not None and self._all_by_days() and (whole is None or value > whole):
            searching = Clock(clock.left() - reserve, deterministic=clock.deterministic)
            dived, value, proved = self._branch_and_price(master, searching, dived, value, bound)
            clock.spent += searching.spent
            whole = max(math.ceil(bound - 1e-6), math.ceil(proved - 1e-6))
        if dive and (whole is None or value > whole):
            combining = Clock(min(reserve, clock.left()), deterministic=clock.deterministic)
            combined = self._combine(dived, value, combining)
            clock.spent += combining.spent
            if combined is not None:
                dived, value = combined
        if value < given and not self._checked(dived, clock):
            dived, value = fallback, given
        if value >= given:
            return ColumnResult(None, value, whole, rounds, self._count(), converged)
        return ColumnResult(dived, value, whole, rounds, self._count(), converged)

    def _dives(
        self, master: _Master, clock: Clock, whole: int | None
    ) -> tuple[Duties | None, int | None]:
        """Dive from the relaxation while the time left would fit another; the best rota.

        Each dive planned (by patterns, then by duties) gets its share of the
        time, and each of its steps a share of that (``_step_generate``): a dive
        whose time ran out half-way fixed the rest unpriced, and that rota was
        worse than the best before (Curtois-Qu 13: 8 575 against 7 775, at 5 s a
        round), while one round a step everywhere made poor rotas (19: 20 %).
        """
        dived: Duties | None = None
        value: int | None = None
        master.diving()
        # Dives differ (more patterns each time, ties broken at random) and their
        # rotas vary by several %: dive again while the time left would fit one.
        # By patterns, then by duties, then more of whichever did better: each wins
        # somewhere (Curtois-Qu 12: 4 040 by duties against 4 475 by patterns; 8:
        # 1 308 by patterns against 1 408; 5: 1 146 against 1 151).
        kinds = [False, True] if DIVE_BY_DUTIES and self._all_by_days() else [False]
        best_of: dict[bool, int] = {}
        for index in range(DIVES):
            if self.stopped() or (index > 0 and clock.left() <= 0):
                break
            left = clock.left()
            if index < len(kinds):
                by_duties = kinds[index]
            else:
                by_duties = min(best_of, key=lambda kind: best_of[kind])
            planned = max(len(kinds) - index, 1)
            share = Clock(left / planned, deterministic=clock.deterministic)
            try:
                duties = (
                    self._dive_duties(master, share) if by_duties else self._dive(master, share)
                )
            except RelaxationUnsolved:
                break
            finally:
                clock.spent += share.spent
            if duties is None:
                break
            responded, cost = self.respond(duties, clock)
            if cost is None:
                duties, cost = duties, rota_cost(self, duties.items())
            else:
                duties = responded
            best_of[by_duties] = min(cost, best_of.get(by_duties, cost))
            if value is None or cost < value:
                dived, value = duties, cost
            if whole is not None and value <= whole:
                break  # proved optimal by the relaxation's bound
            master.release()
            took = left - clock.left()
            # A dive of each kind is planned and gets its share of the time whatever
            # the last one took (Curtois-Qu 13: the dive by patterns took its half,
            # 62 s, plus a little, and the dive by duties never ran; each kind found
            # the better rota in one of two traces). More dives only while the time
            # left would fit one.
            if took <= 0 or (index + 1 >= len(kinds) and clock.left() < took):
                break
        return dived, value

    def _branch_and_price(
        self, master: _Master, clock: Clock, best: Duties, best_value: int, lower: float
    ) -> tuple[Duties, int, float]:
        """Search the tree of duties required and forbidden for better rotas (branch and price).

        A node requires some duties of some people and forbids others; its
        relaxation is priced again (pricing by days holds both) and bounds the
        rotas below it. A node whose bound reaches ``best_value`` is cut off; a
        whole relaxation is a rota; otherwise the node branches on the duty whose
        share is nearest one half: required (searched next, a plunge) or
        forbidden (kept for later). When a plunge ends, the open node of the
        least bound is next. Both children keep a known pattern of the person:
        the parent's relaxation had one with the duty and one without it.

        Returns the best rota, its value and the least bound of the nodes left
        (``best_value`` once the tree is searched to the end: proved optimal).
        """
        ties = itertools.count()
        # The least bound of the nodes left without a proof (a whole relaxation
        # not priced to the end: a better rota may lie below it).
        unproved = math.inf
        required: Branches = {}
        forbidden: Branches = {}
        # Open nodes, the least bound first: (bound, tie, required, forbidden).
        heap: list[tuple[float, int, Branches, Branches]] = []
        plunge: tuple[float, Branches, Branches] | None = (lower, required, forbidden)
        master.release()
        try:
            while True:
                if plunge is not None:
                    lower, required, forbidden = plunge
                    plunge = None
                elif heap:
                    lower, _, required, forbidden = heapq.heappop(heap)
                else:
                    return best, best_value, min(unproved, best_value)
                if _cut_off(lower, best_value):
                    continue
                if clock.left() <= 0 or self.stopped():
                    heapq.heappush(heap, (lower, next(ties), required, forbidden))
                    break
                self._required = {person: set(shifts) for person, shifts in required.items()}
                self._forbidden = {person: set(shifts) for person, shifts in forbidden.items()}
                master.restrict(self._required, self._forbidden)
                try:
                    # Priced to the end (no gap): a node whose bound stops short of
                    # its value cannot be cut off, and the tree grows below it.
                    bound, _, _, _ = self._generate(
                        master,
                        self.people,
                        clock,
                        most_rounds=NODE_ROUNDS,
                        cutoff=best_value,
                        gap=0.0,
                    )
                    master.solve()
                except RelaxationUnsolved:
                    heapq.heappush(heap, (lower, next(ties), required, forbidden))
                    break
                if bound is not None:
                    lower = max(lower, bound)
                if _cut_off(lower, best_value):
                    continue
                shares, heaviest = master.shares(self.people)
                fractional = [
                    (share, duty) for duty, share in shares.items() if WHOLE < share < 1 - WHOLE
                ]
                if not fractional:
                    # Every duty whole: the heaviest patterns are a rota.
                    duties = {person: shifts for person, (_, shifts) in heaviest.items()}
                    value = rota_cost(self, duties.items())
                    if value < best_value:
                        best, best_value = duties, value
                    if not _cut_off(lower, value):
                        unproved = min(unproved, lower)
                    continue
                # The most fractional duty: branching on the largest share short of
                # one found 1 144 on Curtois-Qu 5 in 36 s; on the nearest one half,
                # the optimum 1 143 in 5 s, proved.
                _, (person, shift_id) = min((abs(share - 0.5), duty) for share, duty in fractional)
                taken = {**required, person: required.get(person, frozenset()) | {shift_id}}
                left = {**forbidden, person: forbidden.get(person, frozenset()) | {shift_id}}
                plunge = (lower, taken, forbidden)
                heapq.heappush(heap, (lower, next(ties), required, left))
        finally:
            self._required = {}
            self._forbidden = {}
            master.release()
        return best, best_value, min(unproved, *(node[0] for node in heap))

    def _combine(self, best: Duties, value: int, clock: Clock) -> tuple[Duties, int] | None:
        """The integer master: one known pattern per person, by CP-SAT, hinted with ``best``.

        Every pattern priced so far is a candidate (price and branch); returns a
        better rota and its value, or ``None``.
        """
        if clock.left() <= 0 or self.stopped():
            return None
        model = cp_model.CpModel()
        chosen: dict[str, dict[frozenset[str], cp_model.IntVar]] = {}
        staffed: dict[str, list[cp_model.IntVar]] = {shift_id: [] for shift_id in self.shifts}
        terms: list[cp_model.LinearExprT] = []
        for person in self.people:
            options = {
                shifts: model.new_bool_var(f"pattern[{person},{index}]")
                for index, shifts in enumerate(self.patterns[person])
            }
            model.add_exactly_one(options.values())
            for shifts, var in options.items():
                model.add_hint(var, shifts == best.get(person, frozenset()))
                terms.append(self.patterns[person][shifts] * var)
                for shift_id in shifts:
                    staffed[shift_id].append(var)
            chosen[person] = options
        for shift_id, vars_ in staffed.items():
            cover = self.covers[shift_id]
            count = cp_model.LinearExpr.sum(vars_)
            if cover.staff > 0:
                short = model.new_int_var(0, cover.staff, f"short[{shift_id}]")
                model.add(short >= cover.staff - count)
                terms.append(cover.under_weight * short)
            if cover.most > cover.staff:
                over = model.new_int_var(0, cover.most - cover.staff, f"over[{shift_id}]")
                model.add(over >= count - cover.staff)
                terms.append(cover.over_weight * over)
            model.add(count <= cover.most)
        model.minimize(cp_model.LinearExpr.sum(terms))
        solver = configured_solver(self.options, clock.left())
        status = solver.solve(model)
        if self.options.deterministic:
            clock.charge(solver)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        duties = {
            person: next(shifts for shifts, var in options.items() if solver.boolean_value(var))
            for person, options in chosen.items()
        }
        found = rota_cost(self, duties.items())
        return (duties, found) if found < value else None

    def _generate(
        self,
        master: _Master,
        people: list[str],
        clock: Clock,
        *,
        most_rounds: int | None = None,
        cutoff: int | None = None,
        gap: float = ROOT_GAP,
    ) -> tuple[float | None, float, int, bool]:
        """Price ``people`` against the master until no pattern is below zero (or time).

        Returns the best lower bound proved on the way (the Lagrangian bound of the
        prices priced at, when every pricing was optimal and everyone was priced),
        the relaxation's last value, the number of rounds and whether it was solved.
        With ``cutoff``, it stops as soon as the bound proves no rota below it;
        ``gap`` is how close to the value the bound must come to call it solved.
        """
        bound: float | None = None
        value = math.inf
        rounds = 0
        whole = len(people) == len(self.people)
        exact = False
        # Prices are smoothed towards those of the best bound so far (Wentges): the
        # master's own prices swing from round to round, and patterns priced at them
        # fix last round's swing only (Curtois-Qu 19: still 5 % above the relaxation
        # after 60 rounds). A round that finds nothing at smoothed prices prices the
        # next at the master's own (no pattern is lost that way).
        center: _Prices | None = None
        smoothing = SMOOTHING
        while clock.left() > 0 and not self.stopped():
            if most_rounds is not None and rounds >= most_rounds:
                return bound, value, rounds, False
            master_prices, value = master.solve()
            rounds += 1
            prices = master_prices
            if center is not None and smoothing > 0:
                prices = _Prices.mixed(center, master_prices, smoothing)
            found, least, proved = self._price(prices, people, clock, exact=exact)
            pace = (clock.seconds - clock.left()) / rounds
            if (
                most_rounds is None
                and rounds == PACE_ROUNDS
                and pace * EXPECTED_ROUNDS > clock.seconds
            ):
                # At this pace the relaxation will not be solved in time: give the
                # time back (Curtois-Qu 18: 1.5 s a round, 84 days of 22 people).
                # Measured over the first rounds, once: rounds vary (the first is
                # proved exactly, later ones within a gap), and judging every round
                # gave up Instance14's relaxation half-way on one slow round.
                return bound, value, rounds, False
            if whole and proved:
                round_bound = master.lagrangian(prices, least)
                if bound is None or round_bound > bound:
                    bound, center = round_bound, prices
                if cutoff is not None and _cut_off(bound, cutoff):
                    return bound, value, rounds, False
            smoothing = SMOOTHING if found else 0.0
            if bound is None or not proved:
                continue
            # Costs are whole numbers: once the bound rounds up to the relaxation's
            # value, more patterns cannot lower it by a whole unit. Closer than
            # ``ROOT_GAP`` is close enough to dive from (the last rounds of pricing
            # move the relaxation very little: "tailing off").
            if math.ceil(bound - 1e-6) >= math.ceil(value - 1e-6):
                return bound, value, rounds, True
            if value - bound <= gap * abs(value):
                return bound, value, rounds, True
            # Nothing below zero, yet the bound is short of the value: pricing
            # stopped within its gap, so the next round proves to optimality.
            exact = found == 0 and prices is master_prices
        return bound, value, rounds, False

    def _dive(self, master: _Master, clock: Clock) -> Duties | None:
        """Fix patterns the relaxation chose until everyone has one (price and dive).

        Each step fixes the heaviest pattern of ``DIVE_STEP`` of the people left
        (those whose pattern weighs most, give or take ``DIVE_NOISE``) and prices
        the others again for up to ``DIVE_ROUNDS`` rounds while time lasts (after
        that the relaxation is only re-solved).
        """
        free = list(self.people)
        while free:
            if self.stopped():
                return None
            # A round costs about as many pricings as people are free: the steps
            # left share the time by their people (the first steps, which move the
            # relaxation most, get the most rounds).
            sizes, left = [], len(free)
            while left:
                sizes.append(left)
                left -= math.ceil(left * DIVE_STEP)
            self._step_generate(master, free, clock, len(free) / sum(sizes))
            master.solve()
            weights = master.weights_of(free)
            heaviest: dict[str, tuple[float, frozenset[str]]] = {}
            for person, shifts, weight in weights:
                noisy = weight + self.rng.random() * DIVE_NOISE
                if noisy > heaviest.get(person, (-1.0, shifts))[0]:
                    heaviest[person] = (noisy, shifts)
            ranked = sorted(heaviest.items(), key=lambda entry: -entry[1][0])
            for person, (_, shifts) in ranked[: math.ceil(len(free) * DIVE_STEP)]:
                master.fix(person, shifts)
                free.remove(person)
        return dict(master.fixed)

    def _dive_duties(self, master: _Master, clock: Clock) -> Duties | None:
        """Require duties the relaxation chose until it is whole (price and dive, by duties).

        A duty's share is the weight of its person's patterns that hold it. Each
        step requires every duty with a share of one and, of the fractional ones
        with the largest shares (give or take ``DIVE_NOISE``), at most
        ``DIVE_DUTIES_PER_PERSON`` a person and ``DIVE_STEP`` of them in all,
        each only if some known pattern of the person holds all it requires, and
        prices everyone again for up to ``DIVE_ROUNDS`` rounds (pricing by days
        takes required duties). Patterns without a required duty are out.
        """
        self._required = {person: set() for person in self.people}
        steps = 0
        try:
            while not self.stopped():
                self._step_generate(master, self.people, clock, 1 / max(DIVE_STEPS - steps, 2))
                steps += 1
                master.solve()
                shares, heaviest = master.shares(self.people)
                if all(weight >= 1 - WHOLE for weight, _ in heaviest.values()):
                    return {person: shifts for person, (_, shifts) in heaviest.items()}
                whole = [
                    duty
                    for duty, share in shares.items()
                    if share >= 1 - WHOLE and duty[1] not in self._required[duty[0]]
                ]
                fractional = sorted(
                    (
                        (share + self.rng.random() * DIVE_NOISE, duty)
                        for duty, share in shares.items()
                        if WHOLE < share < 1 - WHOLE
                    ),
                    reverse=True,
                )
                # At most one fractional duty a person a step: requiring all of a
                # person's likeliest duties at once leaves them one known pattern
                # or none (Curtois-Qu 13, where nearly everyone is fractional: the
                # first step jumped from 1 348 to 2 394, and the rota ended at
                # 2 661; one a person: 1 358, then 1 650-2 050, and 2 162). It
                # costs Curtois-Qu 20 about 5 % (seeds 1-2 at 300 s): with about
                # 200 fractional duties a person, its steps barely move and the
                # dive runs out of time before it is whole (docs/nrp.md).
                most = math.ceil(len(fractional) * DIVE_STEP)
                picked: Counter[str] = Counter()
                gentle: list[tuple[str, str]] = []
                for _, (person, shift_id) in fractional:
                    if len(gentle) == most:
                        break
                    if picked[person] < DIVE_DUTIES_PER_PERSON:
                        picked[person] += 1
                        gentle.append((person, shift_id))
                chosen = whole + gentle
                added = 0
                for person, shift_id in chosen:
                    needed = self._required[person] | {shift_id}
                    if any(needed <= shifts for shifts in self.patterns[person]):
                        self._required[person].add(shift_id)
                        master.require(person, shift_id)
                        added += 1
                if added == 0:
                    # Nothing more to require: the heaviest pattern of a fractional person.
                    person = next(p for p, (w, _) in heaviest.items() if w < 1 - WHOLE)
                    master.fix(person, heaviest[person][1])
                    self._required[person] = set(heaviest[person][1])
            return None
        finally:
            self._required = {}

    def _step_generate(
        self, master: _Master, people: list[str], clock: Clock, share: float
    ) -> None:
        """Price ``people`` for a step of a dive: up to ``DIVE_ROUNDS`` rounds, in the
        step's ``share`` of the dive's time left."""
        step = Clock(clock.left() * share, deterministic=clock.deterministic)
        if step.left() > 0:
            self._generate(master, people, step, most_rounds=DIVE_ROUNDS)
        clock.spent += step.spent

    def _all_by_days(self) -> bool:
        return all(self.person_model(person).pricer is not None for person in self.people)

    def _count(self) -> int:
        return sum(len(patterns) for patterns in self.patterns.values())

    def _price(
        self,
        prices: _Prices,
        people: list[str],
        clock: Clock,
        *,
        exact: bool = False,
    ) -> tuple[int, dict[str, float], bool]:
        """Each person's least pattern cost at ``prices``; patterns below zero join the master.

        Returns the number of new patterns, each person's least cost minus
        the prices of its shifts (a safe lower value, allowing for rounded prices;
        the person's own price not taken off) and whether every person was priced
        to optimality (within the gap, which CP-SAT's bound allows for). People are
        priced ``PRICING_THREADS`` at a time (CP-SAT releases the interpreter while
        it solves).
        """
        seeds = [self.rng.randrange(1 << 30) for _ in people]
        for person in people:
            self.person_model(person)  # built here: model building shares caches
        by_days = [person for person in people if self._models[person].pricer is not None]
        by_solver = [person for person in people if self._models[person].pricer is None]
        found = 0
        least: dict[str, float] = {}
        proved = True
        started = time.perf_counter()
        days_priced: list[tuple[Priced, int]] = []
        # One pool for the round: people by days a batch at a time, one a thread (the
        # loops by days let go of the interpreter; the clock is read between
        # batches), then people by CP-SAT (which lets go of it while it solves).
        with ThreadPoolExecutor(PRICING_THREADS) as pool:
            for first in range(0, len(by_days), PRICING_THREADS):
                if clock.left() <= 0 or self.stopped():
                    proved = False  # not everyone priced: no bound from this round
                    by_days = by_days[: len(days_priced)]
                    break
                batch = by_days[first : first + PRICING_THREADS]
                priced_batch = list(
                    pool.map(lambda person: self._price_by_days(person, prices), batch)
                )
                days_priced.extend(priced_batch)
                if self.options.deterministic:
                    clock.spent += sum(work for _, work in priced_batch) * DAY_WORK_SECONDS
            for person, (priced, _) in zip(by_days, days_priced, strict=True):
                built = self._models[person]
                least[person] = built.constant + priced.bound - NEGATIVE
                if priced.shifts is None or priced.value is None:
                    self._reduced[person] = 0.0
                    continue
                reduced = built.constant + priced.value - prices.person[person]
                self._reduced[person] = max(-reduced, 0.0)
                if reduced < -NEGATIVE and priced.shifts not in self.patterns[person]:
                    self._know(person, priced.shifts)
                    found += 1
            self.day_seconds += time.perf_counter() - started
            if not by_solver:
                return found, least, proved
            seconds = min(PRICING_SECONDS, clock.left() * PRICING_THREADS / max(len(by_solver), 1))
            gaps = [
                0.0 if exact else PRICING_GAP * self._reduced.get(person, 0.0)
                for person in by_solver
            ]
            priced_by_solver = list(
                pool.map(
                    lambda person, seed, gap: self._price_one(person, prices, seconds, seed, gap),
                    by_solver,
                    seeds[: len(by_solver)],
                    gaps,
                )
            )
        for person, (solver, status, collector) in zip(by_solver, priced_by_solver, strict=True):
            if self.options.deterministic:
                clock.charge(solver)
            if status != cp_model.OPTIMAL:
                proved = False
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                continue
            slack = len(collector.weights) * 0.5 / SCALE
            least[person] = solver.best_objective_bound / SCALE - slack
            convex = prices.person[person]
            best = 0.0
            for shifts, cost, _ in collector.found:
                reduced = cost - sum(prices.shift[shift_id] for shift_id in shifts) - convex
                best = min(best, reduced)
                if reduced < -NEGATIVE and shifts not in self.patterns[person]:
                    self.patterns[person][shifts] = cost
                    found += 1
            self._reduced[person] = -best
        return found, least, proved

    def _price_by_days(self, person: str, prices: _Prices) -> tuple[Priced, int]:
        """The person's least pattern by days at ``prices``, and the work it took."""
        built = self._models[person]
        costs = {
            shift_id: coefficient - prices.shift[shift_id]
            for shift_id, coefficient in built.coefficients.items()
        }
        return self._price_within(person, costs)

    def _price_within(self, person: str, costs: dict[str, float]) -> tuple[Priced, int]:
        """The person's least pattern by days at ``costs`` that holds every duty
        required of them and none forbidden, and the work it took."""
        pricer = self._models[person].pricer
        assert pricer is not None
        costs = dict(costs)
        # A dive by duties requires some: they cost REQUIRED less, given back below.
        required = self._required.get(person, set())
        for shift_id in required:
            costs[shift_id] -= REQUIRED
        forbidden = self._forbidden.get(person, set())
        for shift_id in forbidden:
            costs[shift_id] += CLOSED
        before = pricer.work
        priced = pricer.price(costs)
        shifts, value = priced.shifts, priced.value
        if (required or forbidden) and shifts is not None and value is not None:
            back = REQUIRED * len(required)
            if required <= shifts and not forbidden & shifts:
                priced = Priced(shifts, value + back, priced.bound + back, False)
            else:
                priced = Priced(None, None, priced.bound + back, False)
        return priced, pricer.work - before

    def _price_one(
        self, person: str, prices: _Prices, seconds: float, seed: int, gap: float
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus, _Collector]:
        """Solve one person's pricing model: preference cost minus the prices of their shifts."""
        built = self.person_model(person)
        weights = {shift_id: round(prices.shift[shift_id] * SCALE) for shift_id in built.shifts}
        objective = cp_model.LinearExpr.weighted_sum(
            [built.cost, *(built.shifts[shift_id] for shift_id in weights)],
            [SCALE, *(-weight for weight in weights.values())],
        )
        built.plan.model.minimize(objective)
        solver = configured_solver(self.options, seconds, workers=PRICING_WORKERS, seed=seed)
        # The full linear relaxation: one person over 84 days is priced in 0.2 s
        # instead of 3 s (Curtois-Qu 18), and never slower on the others we measured.
        solver.parameters.linearization_level = 2
        solver.parameters.absolute_gap_limit = gap * SCALE
        collector = _Collector(built, weights)
        status = solver.solve(built.plan.model, collector)
        return solver, status, collector


class RelaxationUnsolved(Exception):
    """GLOP did not solve the master (numerical trouble): the columns give up."""


@dataclass
class _Prices:
    """Dual prices of the master: per shift (one more person) and per person (convexity)."""

    shift: dict[str, float]
    person: dict[str, float]

    @staticmethod
    def mixed(center: _Prices, prices: _Prices, weight: float) -> _Prices:
        """``weight`` of ``center`` and the rest of ``prices``."""
        rest = 1.0 - weight
        return _Prices(
            shift={key: weight * center.shift[key] + rest * p for key, p in prices.shift.items()},
            person={
                key: weight * center.person[key] + rest * p for key, p in prices.person.items()
            },
        )


class _Master:
    """The linear relaxation over the known patterns (GLOP), grown a pattern at a time."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self._diving = False
        self._build()

    def _build(self) -> None:
        """A new GLOP model of every known pattern, nobody fixed and no duty required."""
        columns = self.columns
        solver = pywraplp.Solver.CreateSolver("GLOP")
        assert solver is not None, "OR-Tools ships GLOP"
        self.solver = solver
        objective = solver.Objective()
        self.cover: dict[str, pywraplp.Constraint] = {}
        for shift_id in columns.shifts:
            cover = columns.covers[shift_id]
            row = solver.Constraint(cover.staff, cover.staff, f"cover[{shift_id}]")
            if cover.staff > 0:
                short = solver.NumVar(0, cover.staff, f"short[{shift_id}]")
                row.SetCoefficient(short, 1)
                objective.SetCoefficient(short, cover.under_weight)
            if cover.most > cover.staff:
                over = solver.NumVar(0, cover.most - cover.staff, f"over[{shift_id}]")
                row.SetCoefficient(over, -1)
                objective.SetCoefficient(over, cover.over_weight)
            self.cover[shift_id] = row
        objective.SetMinimization()
        self.convex = {
            person: solver.Constraint(1, 1, f"one[{person}]") for person in columns.people
        }
        self.weights: dict[str, dict[frozenset[str], pywraplp.Variable]] = {
            person: {} for person in columns.people
        }
        self.fixed: dict[str, frozenset[str]] = {}
        self.required: dict[str, set[str]] = {}
        self.forbidden: dict[str, set[str]] = {}
        # GLOP's presolve would start every solve afresh; without it, each solve starts
        # from the last basis (Curtois-Qu 12: 7-60 ms a round instead of 60-300; 13:
        # 17 s in 30 rounds instead of 27 s).
        solver.SetSolverSpecificParametersAsString(ROOT_GLOP)
        self._bounds_changed = False
        self._released = False
        self.sync()

    def sync(self) -> None:
        """Add the patterns found since the last call."""
        infinity = self.solver.infinity()
        objective = self.solver.Objective()
        for person, patterns in self.columns.patterns.items():
            known = self.weights[person]
            for shifts, cost in patterns.items():
                if shifts in known:
                    continue
                allowed = self._allowed(person, shifts)
                var = self.solver.NumVar(
                    0, infinity if allowed else 0, f"pattern[{person},{len(known)}]"
                )
                self.convex[person].SetCoefficient(var, 1)
                objective.SetCoefficient(var, cost)
                for shift_id in shifts:
                    self.cover[shift_id].SetCoefficient(var, 1)
                known[shifts] = var

    def _allowed(self, person: str, shifts: frozenset[str]) -> bool:
        required = self.required.get(person, set())
        return required <= shifts and not self.forbidden.get(person, set()) & shifts

    def restrict(self, required: dict[str, set[str]], forbidden: dict[str, set[str]]) -> None:
        """Allow each person only the patterns that hold ``required`` and avoid ``forbidden``."""
        self._current()
        infinity = self.solver.infinity()
        for person in set(self.required) | set(self.forbidden) | set(required) | set(forbidden):
            same_required = self.required.get(person, set()) == required.get(person, set())
            if same_required and self.forbidden.get(person, set()) == forbidden.get(person, set()):
                continue
            self.required[person] = set(required.get(person, set()))
            self.forbidden[person] = set(forbidden.get(person, set()))
            for shifts, var in self.weights[person].items():
                var.SetBounds(0, infinity if self._allowed(person, shifts) else 0)
        self._bounds_changed = True

    def solve(self) -> tuple[_Prices, float]:
        self._current()
        self.sync()
        if self._diving:
            glop = DIVE_GLOP if self._bounds_changed else DIVE_PRICED_GLOP
            self.solver.SetSolverSpecificParametersAsString(glop)
            self._bounds_changed = False
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # Seen on Curtois-Qu 8 and 19 (ABNORMAL): try again without the warm start.
            cold = pywraplp.MPSolverParameters()
            cold.SetIntegerParam(cold.INCREMENTALITY, cold.INCREMENTALITY_OFF)
            status = self.solver.Solve(cold)
        if status != pywraplp.Solver.OPTIMAL:
            raise RelaxationUnsolved(f"GLOP status {status}")
        prices = _Prices(
            shift={shift_id: row.dual_value() for shift_id, row in self.cover.items()},
            person={person: row.dual_value() for person, row in self.convex.items()},
        )
        return prices, self.solver.Objective().Value() + self.columns.constant

    def lagrangian(self, prices: _Prices, least: dict[str, float]) -> float:
        """The Lagrangian bound at ``prices`` given each person's least cost at them.

        Any prices give a lower bound on every rota: each shift's staffing at its
        price, what short and surplus staffing would gain at it, and each person's
        cheapest pattern at those prices (``least``, the person's own price not taken off).
        """
        total = self.columns.constant + sum(least.values())
        for shift_id in self.cover:
            cover = self.columns.covers[shift_id]
            price = prices.shift[shift_id]
            total += price * cover.staff + cover.staff * min(0.0, cover.under_weight - price)
            total += (cover.most - cover.staff) * min(0.0, cover.over_weight + price)
        return total

    def weights_of(self, people: list[str]) -> list[tuple[str, frozenset[str], float]]:
        """Every pattern of these people with its weight in the last solution."""
        return [
            (person, shifts, var.solution_value())
            for person in people
            for shifts, var in self.weights[person].items()
        ]

    def shares(
        self, people: list[str]
    ) -> tuple[dict[tuple[str, str], float], dict[str, tuple[float, frozenset[str]]]]:
        """In the last solution: each duty's share (the weight of its person's patterns
        that hold it) and each person's heaviest pattern with its weight."""
        shares: dict[tuple[str, str], float] = {}
        heaviest: dict[str, tuple[float, frozenset[str]]] = {}
        for person, shifts, weight in self.weights_of(people):
            if weight <= WHOLE / len(self.columns.people):
                continue  # most patterns weigh nothing: their shifts are not visited
            if weight > heaviest.get(person, (-1.0, shifts))[0]:
                heaviest[person] = (weight, shifts)
            # In order of the shifts, not of their hashes (which vary by process):
            # the dives draw their noise in this order.
            for shift_id in sorted(shifts):
                shares[person, shift_id] = shares.get((person, shift_id), 0.0) + weight
        return shares, heaviest

    def release(self) -> None:
        """Free every fixed person and required duty again (for another dive).

        The model is built anew, when next used, and solved from scratch: from the
        basis a dive left, with every bound freed, GLOP took 4-6 times as long
        (Curtois-Qu 12: 2.3-2.7 s against 0.5-0.6 s, four times in a 60 s run;
        13: 17.7 s against 2.9 s).
        """
        self.fixed = {}
        self.required = {}
        self.forbidden = {}
        self._released = True

    def _current(self) -> None:
        """Build the model anew if it was released since it was last used."""
        if self._released:
            self._build()

    def require(self, person: str, shift_id: str) -> None:
        """The person takes this shift from now on: their patterns without it are out."""
        self._current()
        self.required.setdefault(person, set()).add(shift_id)
        for shifts, var in self.weights[person].items():
            if shift_id not in shifts:
                var.SetBounds(0, 0)
        self._bounds_changed = True

    def diving(self) -> None:
        """Solve without presolve from now on, by dual simplex after bounds changed.

        Fixing patterns keeps the basis dual feasible (Curtois-Qu 12: 100 ms a step
        instead of 600 ms); new patterns keep it primal feasible, and after a round
        of pricing the primal simplex is the quicker (Curtois-Qu 19: 0.18 s against
        0.65 s; after fixing 0.34 s against 0.62 s).
        """
        self._diving = True
        self._bounds_changed = True

    def fix(self, person: str, chosen: frozenset[str]) -> None:
        """Give the person exactly this pattern from now on."""
        self._current()
        for shifts, var in self.weights[person].items():
            var.SetBounds(float(shifts == chosen), float(shifts == chosen))
        self.fixed[person] = chosen
        self._bounds_changed = True


class _Collector(cp_model.CpSolverSolutionCallback):
    """Every pattern CP-SAT finds while pricing one person: shifts, cost, scaled value."""

    def __init__(self, built: PersonModel, weights: dict[str, int]) -> None:
        super().__init__()
        self.built = built
        self.weights = weights
        self.found: list[tuple[frozenset[str], int, int]] = []

    def on_solution_callback(self) -> None:
        shifts = frozenset(
            shift_id for shift_id, var in self.built.shifts.items() if self.boolean_value(var)
        )
        cost = round(self.value(self.built.cost))
        scaled = SCALE * cost - sum(self.weights[shift_id] for shift_id in shifts)
        self.found.append((shifts, cost, scaled))


def _cut_off(bound: float, value: int) -> bool:
    """Whether a lower ``bound`` proves that no rota costs less than ``value`` (costs
    are whole numbers)."""
    return bound > value - 1 + 1e-6


def rota_cost(columns: Columns, duties: Iterable[tuple[str, frozenset[str]]]) -> int:
    """The tier value of a rota of known patterns: their costs plus each shift's staffing."""
    counts: dict[str, int] = {}
    total = columns.constant
    for person, shifts in duties:
        total += columns.patterns[person][shifts]
        for shift_id in shifts:
            counts[shift_id] = counts.get(shift_id, 0) + 1
    for shift_id in columns.shifts:
        cover = columns.covers[shift_id]
        staffed = counts.get(shift_id, 0)
        total += cover.under_weight * max(cover.staff - staffed, 0)
        total += cover.over_weight * max(staffed - cover.staff, 0)
    return total


def _linear_cost(built: PersonModel) -> tuple[float, dict[str, float]] | None:
    """The person's cost as a constant plus a cost per duty, if it is that simple.

    Read from the objective CP-SAT is given (``None`` when it involves any other
    variable, e.g. a preferred window granted by any of several duties).
    """
    model = built.plan.model
    model.minimize(built.cost)
    objective = model.proto.objective
    shift_of = {var.index: shift_id for shift_id, var in built.shifts.items()}
    coefficients = dict.fromkeys(built.shifts, 0.0)
    constant = float(objective.offset)
    for reference, coefficient in zip(objective.vars, objective.coeffs, strict=True):
        negated = reference < 0
        shift_id = shift_of.get(-reference - 1 if negated else reference)
        if shift_id is None:
            return None
        if negated:  # the coefficient times (1 - duty)
            constant += coefficient
            coefficients[shift_id] -= coefficient
        else:
            coefficients[shift_id] += coefficient
    if objective.scaling_factor not in (0.0, 1.0):
        return None
    return constant, coefficients

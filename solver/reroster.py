"""Re-rostering groups of people: a first rota person by person, then a search that
frees a few people at a time and re-rosters them optimally (large-neighbourhood search).

When coverage is soft and the objective is one tier of coverage and
preferences, people are tied together only by the staffing of each shift (its
cost and ``max_staff``): every other hard rule is one person's own. Then

- a **first rota** is built person by person. Each person's model holds their
  own rules, with the duties of the people before them as constants; CP-SAT
  solves it at once, where the model of everyone can take minutes to find any
  rota at all (the Curtois–Qu instances 20–24: 50–150 people over half a year
  or a year, see ``docs/nrp.md``);
- it is **improved** by freeing a group of people and re-rostering them
  optimally while everyone else keeps their duties. A group is either random
  people or people who could take a shift that costs (short of staff, or over
  staffed). The group grows while its models are solved to optimality within
  their time and shrinks when they are not.

A group's model is built by the same rule modules as the full one
(``build_model(people=…, outside=…)``), so every hard rule holds by
construction; its value equals the full objective up to a constant (the cost of
the shifts none of the group can take), so a group's better value is a better
rota.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ortools.sat.python import cp_model

from solver.cpsat import configured_solver, duties_fixed
from solver.eligibility import Eligibility
from solver.fairness import RoleTargets
from solver.model import PlanModel, build_model, priority_of
from solver.scenario import Scenario, SolverOptions
from solver.shifts import ExpandedScenario

# Priorities whose terms belong to one person or count one shift's staff.
SEPARABLE_PRIORITIES = frozenset({"coverage", "preferences"})
# Group models are small: a few workers each.
GROUP_WORKERS = 2
GROUP_SECONDS = 1.0
# After this many groups without a gain, each group gets twice as long, up to a limit.
STALL_ITERATIONS = 10
MAX_GROUP_SECONDS = 8.0
# A person whose model finds no rota in their share of the first-rota time gets
# up to this long to find any rota of theirs, whatever the time budget says.
FIRST_ROTA_PERSON_SECONDS = 20.0
# The search starts with groups of this many people, and stays within these sizes.
FIRST_GROUP_SIZE = 2
MAX_GROUP_SIZE = 12
# A window of days frees this many people (at most), starting this many days long.
WINDOW_PEOPLE = 40
FIRST_WINDOW_DAYS = 7
# Share of group choices around a costly shift (the rest are random people).
COSTLY_SHARE = 0.5

Duties = dict[str, frozenset[str]]


def applies(scenario: Scenario, tiers: Sequence[str]) -> bool:
    """Whether people can be rostered apart: soft coverage and one separable tier.

    ``tiers`` are the tiers that have terms (``tier_names`` joins a combined
    tier's priorities with ``+``).
    """
    if "coverage" not in scenario.objective.priorities or len(tiers) != 1:
        return False
    return {priority_of(part) for part in tiers[0].split("+")} <= SEPARABLE_PRIORITIES


class Clock:
    """A phase's time budget: wall seconds, or CP-SAT's deterministic time if reproducible."""

    def __init__(self, seconds: float, *, deterministic: bool) -> None:
        self.seconds = seconds
        self.deterministic = deterministic
        self.started = time.perf_counter()
        self.spent = 0.0

    def left(self) -> float:
        used = self.spent if self.deterministic else time.perf_counter() - self.started
        return max(self.seconds - used, 0.0)

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.deterministic_time


@dataclass
class GroupResult:
    """A group's re-rostered duties and the value of its model before and after."""

    duties: Duties
    before: int | None
    after: int
    optimal: bool


@dataclass
class Reroster:
    """Builds and solves models of groups of people against everyone else's fixed duties."""

    expanded: ExpandedScenario
    eligibility: Eligibility
    targets: dict[str, RoleTargets]
    options: SolverOptions
    tier: str
    stop: Callable[[], bool] | None = None
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.options.seed)
        self.people = [person.id for person in self.expanded.scenario.people]
        self.covers = self.expanded.covers
        tz = self.expanded.scenario.tz
        self.day_of = {
            shift.id: shift.start.astimezone(tz).date() for shift in self.expanded.shifts
        }
        self.days = sorted(set(self.day_of.values()))

    def stopped(self) -> bool:
        return self.stop is not None and self.stop()

    def first_rota(self, clock: Clock) -> Duties | None:
        """A rota built person by person, or ``None`` if one person's model found nothing."""
        duties: Duties = {}
        counts: Counter[str] = Counter()
        for position, person in enumerate(self.people):
            if self.stopped():
                return None
            share = clock.left() / (len(self.people) - position)
            result = self.solve_group([person], duties, counts, share, clock, current=False)
            if result is None:
                return None
            duties[person] = result.duties[person]
            counts.update(result.duties[person])
        return duties

    def improve(
        self,
        duties: Duties,
        clock: Clock,
        improved: Callable[[Duties, int], None],
    ) -> Duties:
        """Re-roster groups until the clock runs out; ``improved(duties, gain)`` on each gain.

        Two kinds of group: one turn in three, a few people over the whole
        horizon; two in three, many people over a window of days (the rest of
        their duties fixed), which moves duties between people on the same days.
        Each kind grows while its models are solved to optimality in time and
        shrinks otherwise; after ``STALL_ITERATIONS`` groups without a gain each
        group gets twice as long.
        """
        counts: Counter[str] = Counter()
        for shifts in duties.values():
            counts.update(shifts)
        sizes = {"people": FIRST_GROUP_SIZE, "window": FIRST_WINDOW_DAYS}
        turn = 0
        stalled = 0
        while clock.left() > 0.05 and not self.stopped():
            kind = "people" if turn % 3 == 0 else "window"
            turn += 1
            if kind == "people":
                group, days = self._group(counts, sizes[kind]), None
            else:
                group, days = self._window(sizes[kind])
            # Stuck: give each group longer (its models are too hard for the time).
            patience = min(GROUP_SECONDS * 2 ** (stalled // STALL_ITERATIONS), MAX_GROUP_SECONDS)
            seconds = min(patience, clock.left())
            result = self.solve_group(
                group, duties, counts, seconds, clock, current=True, days=days
            )
            limit = min(MAX_GROUP_SIZE, len(self.people)) if kind == "people" else len(self.days)
            grown = sizes[kind] + 1 if result is not None and result.optimal else sizes[kind] - 1
            sizes[kind] = max(1, min(grown, limit))
            stalled += 1
            if result is None or result.before is None:
                continue
            changed = any(result.duties[person] != duties.get(person) for person in group)
            if result.after > result.before or not changed:
                continue
            if result.after < result.before:
                stalled = 0
            for person in group:
                counts.subtract(duties.get(person, frozenset()))
                counts.update(result.duties[person])
            duties = {**duties, **result.duties}
            if result.after < result.before:
                improved(duties, result.before - result.after)
        return duties

    def _group(self, counts: Counter[str], size: int) -> list[str]:
        """``size`` random people, or people able to take a random shift that costs."""
        size = min(size, len(self.people))
        if self.rng.random() < COSTLY_SHARE:
            costly = [
                shift.id
                for shift in self.expanded.shifts
                if counts[shift.id] != self.covers[shift.id].staff
                and self.eligibility.people_for(shift.id)
            ]
            if costly:
                able = self.eligibility.people_for(self.rng.choice(costly))
                group = self.rng.sample(able, min(size, len(able)))
                others = [person for person in self.people if person not in group]
                return group + self.rng.sample(others, min(size - len(group), len(others)))
        return self.rng.sample(self.people, size)

    def _window(self, length: int) -> tuple[list[str], frozenset[date]]:
        """Up to ``WINDOW_PEOPLE`` people over ``length`` consecutive days."""
        first = self.rng.randrange(max(len(self.days) - length + 1, 1))
        days = frozenset(self.days[first : first + length])
        people = self.rng.sample(self.people, min(WINDOW_PEOPLE, len(self.people)))
        return people, days

    def solve_group(
        self,
        group: list[str],
        duties: Duties,
        counts: Counter[str],
        seconds: float,
        clock: Clock,
        *,
        current: bool,
        days: frozenset[date] | None = None,
    ) -> GroupResult | None:
        """Re-roster ``group``, everyone else keeping ``duties``; ``None`` if nothing was found.

        With ``current``, the group's present duties are the rota to beat: they
        give the value before, a complete hint, and an upper bound. With
        ``days``, only the group's duties on those days may change.
        """
        outside = Counter(counts)
        for person in group:
            outside.subtract(duties.get(person, frozenset()))
        plan = build_model(
            self.expanded,
            eligibility=self.eligibility,
            targets=self.targets,
            people=group,
            outside=+outside,
        )
        expr = plan.tier_expr(self.tier)
        plan.model.minimize(expr)
        before: int | None = None
        if current:
            before = self._hint_current(plan, duties, clock)
            if before is None:
                return None
            plan.model.add(expr <= before)
        if days is not None:
            proto = plan.model.proto
            for (person, shift_id), var in plan.duties.duty.items():
                if self.day_of[shift_id] not in days:
                    value = int(shift_id in duties.get(person, frozenset()))
                    domain = proto.variables[var.index].domain
                    domain[0] = domain[1] = value
        solver = self._solver(seconds)
        status = solver.solve(plan.model)
        if self.options.deterministic:
            clock.charge(solver)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if current or status == cp_model.INFEASIBLE:
                return None
            # A person's model with its objective found nothing in time: any rota of
            # theirs will do, for as long as it takes (a first rota is worth it).
            plan.model.clear_objective()  # type: ignore[no-untyped-call]
            # The full portfolio: two workers left some people of Instance22 without
            # any rota for 15 s that eight found in half a second.
            solver = self._solver(
                max(clock.left(), FIRST_ROTA_PERSON_SECONDS), workers=self.options.workers
            )
            solver.parameters.stop_after_first_solution = True
            status = solver.solve(plan.model)
            if self.options.deterministic:
                clock.charge(solver)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return None
        chosen: dict[str, set[str]] = {person: set() for person in group}
        for person, shift_id in plan.duties.extract(solver):
            chosen[person].add(shift_id)
        return GroupResult(
            duties={person: frozenset(shifts) for person, shifts in chosen.items()},
            before=before,
            after=round(solver.value(expr)),
            optimal=status == cp_model.OPTIMAL,
        )

    def _hint_current(self, plan: PlanModel, duties: Duties, clock: Clock) -> int | None:
        """Solve the group's model with its present duties fixed: their value; hint them whole."""
        values = [
            (var, int(shift_id in duties.get(person, frozenset())))
            for (person, shift_id), var in plan.duties.duty.items()
        ]
        solver = self._solver(max(clock.left(), 1.0), workers=1)
        with duties_fixed(plan.model, values):
            status = solver.solve(plan.model)
        if self.options.deterministic:
            clock.charge(solver)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        plan.model.clear_hints()  # type: ignore[no-untyped-call]
        for index, value in enumerate(solver.response_proto.solution):
            plan.model.add_hint(plan.model.get_int_var_from_proto_index(index), value)
        return round(solver.objective_value)

    def _solver(self, seconds: float, *, workers: int | None = None) -> cp_model.CpSolver:
        workers = workers or min(self.options.workers, GROUP_WORKERS)
        solver = configured_solver(
            self.options, seconds, workers=workers, seed=self.rng.randrange(1 << 30)
        )
        # One presolve round: a group's model is small or, for one person over a
        # long horizon, large but simple; more rounds cost more than they save.
        solver.parameters.max_presolve_iterations = 1
        return solver

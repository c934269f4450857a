"""Solve a scenario: a lexicographic CP-SAT search over the objective's priority tiers.

``solve`` expands the scenario, reports contradictions (``INVALID``) and
certain infeasibility before building anything, then builds the model once
and minimises each tier of ``objective.priorities`` in order: each tier gets
its share of the remaining time budget, its best value is then fixed as an
upper bound (``tier ≤ best``) and the next tier starts from the previous
solution as a hint. The returned rota always passes the validator; a rota
that does not is a solver bug and raises ``SolverBug``.

Reproducible mode (``solver.deterministic``): CP-SAT's interleaved search with
a fixed number of workers and seed, and time budgets in *deterministic* time
(``max_deterministic_time``, roughly seconds of work), so the same scenario
and seed give the same rota on any machine load. Wall-clock time then only
caps runaways at several times the budget.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from solver import columns, reroster
from solver.cpsat import configured_solver, duties_fixed
from solver.eligibility import Eligibility, shift_label
from solver.explain import certain_infeasibility, explain_infeasible, scenario_contradictions
from solver.fairness import fairness_report, fairness_targets
from solver.model import PlanModel, build_model
from solver.model.start import greedy_duties
from solver.precheck import precheck, uncovered_reasons
from solver.rota import Assignment, ObjectiveReport, Rota, SoftViolation, TierResult, Uncovered
from solver.scenario import Scenario, SolverOptions
from solver.shifts import ExpandedScenario, expand
from solver.validate import Validator

# Without any soft term to minimise, one plain feasibility search runs under this name.
FEASIBILITY = "feasibility"
STOP_POLL_SECONDS = 0.05
# Each tier first searches with at most this many workers for this share of its time.
FINDING_WORKERS = 2
FINDING_SHARE = 0.3
# A separable tier (solver.reroster): shares of its time for the first rota built
# person by person (an upper limit: it usually takes far less), for CP-SAT on
# everyone's model, then rounds of re-rostering groups of people (this share of
# each round) and CP-SAT on everyone again (the rest).
FIRST_ROTA_SHARE = 0.3
# Then, at most this share of the time prices patterns per person and dives to a
# rota (solver.columns); rounds of groups and CP-SAT share what is left.
COLUMNS_SHARE = 0.7
EVERYONE_SHARE = 0.1
GROUPS_SHARE = 0.6
ROUNDS = 3
# A model with this many duty variables takes CP-SAT many seconds just to load.
HUGE_DUTIES = 200_000
# Large models start from a greedy, roughly fair rota (solver.model.start); in
# smaller ones CP-SAT's own first rota led to better fairness in our measurements.
GREEDY_HINT_MIN_DUTIES = 10_000
# Why a shift is uncovered is asked of every eligible person's rules: in a rota
# with hundreds of uncovered shifts (benchmarks with soft coverage) that takes
# minutes, so only the first ones are analysed.
EXPLAINED_UNCOVERED = 50
# Finding a small core is worth a few seconds beyond a budget the proof used up.
EXPLAIN_MIN_SECONDS = 5.0


class SolverBug(RuntimeError):
    """The solver produced a rota that the validator rejects."""


@dataclass(frozen=True)
class Progress:
    """A progress report while solving: seconds since start, tier, best value and bound."""

    elapsed: float
    tier: str
    objective: float | None
    bound: float | None


@dataclass
class _Snapshot:
    """The best solution so far, read out of the solver while it still holds it."""

    duties: list[tuple[str, str]]
    penalties: list[int]
    tier_values: dict[str, int]
    values: list[int]


@dataclass
class _Budget:
    """The time budget shared by the tiers; wall time includes pre-check and build."""

    seconds: float
    deterministic: bool
    started: float
    spent: float = 0.0

    def share(self, tiers_left: int) -> float:
        used = self.spent if self.deterministic else time.perf_counter() - self.started
        return max(self.seconds - used, 0.0) / max(tiers_left, 1)


class _Monitor(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution and honours ``stop()`` between solutions."""

    def __init__(
        self,
        tier: str,
        started: float,
        progress: Callable[[Progress], None] | None,
        stop: Callable[[], bool] | None,
    ) -> None:
        super().__init__()
        self.tier = tier
        self.started = started
        self.progress = progress
        self.stop = stop
        self.stopped = False

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            self.progress(
                Progress(
                    elapsed=time.perf_counter() - self.started,
                    tier=self.tier,
                    objective=self.objective_value,
                    bound=self.best_objective_bound,
                )
            )
        if self.stop is not None and self.stop():
            self.stopped = True
            self.stop_search()


class _StopWatcher:
    """Polls ``stop()`` in a thread so a cancel also ends a search that finds nothing new."""

    def __init__(self, solver: cp_model.CpSolver, stop: Callable[[], bool] | None) -> None:
        self.solver = solver
        self.stop = stop
        self.stopped = False
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _StopWatcher:
        if self.stop is not None:
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()
        return self

    def _watch(self) -> None:
        assert self.stop is not None
        while not self._done.wait(STOP_POLL_SECONDS):
            if self.stop():
                self.stopped = True
                self.solver.stop_search()
                return

    def __exit__(self, *_: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()


@dataclass
class _Outcome:
    """What one CP-SAT search of a tier gave: status, best solution, value and bound."""

    status: cp_model.CpSolverStatus
    snapshot: _Snapshot | None
    value: int
    bound: int
    seconds: float
    stopped: bool

    def combined(self, later: _Outcome) -> _Outcome:
        """This search followed by ``later``, run with ``tier ≤ self.value`` added.

        ``later`` starts from this solution, so it can only improve on it; its
        bound holds for the tier too, because the optimum is at most ``self.value``.
        """
        best = later if later.snapshot is not None else self
        return _Outcome(
            status=later.status if later.snapshot is not None else self.status,
            snapshot=best.snapshot,
            value=best.value,
            bound=max(self.bound, later.bound if later.snapshot is not None else self.bound),
            seconds=self.seconds + later.seconds,
            stopped=later.stopped,
        )


@dataclass
class _Search:
    """Runs CP-SAT searches of one model, reporting progress and honouring ``stop``."""

    plan: PlanModel
    options: SolverOptions
    budget: _Budget
    started: float
    progress: Callable[[Progress], None] | None
    stop: Callable[[], bool] | None

    def run(self, tier: str, seconds: float, workers: int, hint: _Snapshot | None) -> _Outcome:
        solver = configured_solver(self.options, seconds, workers=workers)
        if hint is not None:
            _hint(self.plan.model, hint.values)
        elif len(self.plan.duties) >= GREEDY_HINT_MIN_DUTIES:
            self.plan.model.clear_hints()  # type: ignore[no-untyped-call]
            chosen = set(greedy_duties(self.plan.context))
            for pair, var in self.plan.duties.duty.items():
                self.plan.model.add_hint(var, pair in chosen)
        monitor = _Monitor(tier, self.started, self.progress, self.stop)
        if self.progress is not None and tier != FEASIBILITY:
            solver.best_bound_callback = _bound_reporter(tier, self.started, self.progress)
        with _StopWatcher(solver, self.stop) as watcher:
            status = solver.solve(self.plan.model, monitor)
        if self.options.deterministic:
            self.budget.spent += solver.deterministic_time
        if status == cp_model.MODEL_INVALID:
            raise SolverBug(f"CP-SAT rejects the model: {self.plan.model.validate()}")
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        return _Outcome(
            status=status,
            snapshot=_take(self.plan, solver) if found else None,
            value=round(solver.objective_value) if found else 0,
            bound=round(solver.best_objective_bound) if found else 0,
            seconds=solver.wall_time,
            stopped=monitor.stopped or watcher.stopped,
        )

    def evaluate(self, duties: reroster.Duties) -> _Snapshot | None:
        """The full solution of exactly these duties (every other variable follows), or None."""
        values = [
            (var, int(shift_id in duties.get(person, ())))
            for (person, shift_id), var in self.plan.duties.duty.items()
        ]
        self.plan.model.clear_hints()  # type: ignore[no-untyped-call]
        solver = configured_solver(self.options, max(self.budget.seconds, 1.0), workers=1)
        with duties_fixed(self.plan.model, values):
            status = solver.solve(self.plan.model)
        if self.options.deterministic:
            self.budget.spent += solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return _take(self.plan, solver)


def solve(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    timings: dict[str, float] | None = None,
) -> Rota:
    """Plan ``scenario``; ``time_limit`` (seconds) overrides ``solver.time_limit``.

    ``progress`` receives a ``Progress`` on every improving solution and bound;
    ``stop`` is polled and, once true, ends the search keeping the best rota found.
    ``timings``, if given, receives the seconds spent up to the built model
    (``prepare``: expansion, pre-check, targets; ``build``: the CP-SAT model).
    """
    started = time.perf_counter()
    expanded = expand(scenario)
    contradictions = scenario_contradictions(expanded)
    if contradictions:
        return _rota(scenario, "INVALID", explanation=contradictions, started=started)
    eligibility = Eligibility(expanded)
    notes = precheck(expanded, eligibility)
    impossible = certain_infeasibility(expanded, notes)
    if impossible:
        return _rota(scenario, "INFEASIBLE", explanation=impossible, started=started)

    targets = fairness_targets(expanded, eligibility)
    prepared = time.perf_counter()
    plan = build_model(expanded, eligibility=eligibility, targets=targets)
    if timings is not None:
        timings["prepare"] = prepared - started
        timings["build"] = time.perf_counter() - prepared
    options = scenario.solver
    budget = _Budget(
        seconds=time_limit if time_limit is not None else options.time_limit,
        deterministic=options.deterministic,
        started=started,
    )
    tiers = [tier for tier in plan.tiers if plan.has_terms(tier)] or [FEASIBILITY]
    results: dict[str, TierResult] = {}
    snapshot: _Snapshot | None = None
    infeasible = False
    stopped = False
    for position, tier in enumerate(tiers):
        expr = plan.tier_expr(tier) if tier != FEASIBILITY else 0
        if tier != FEASIBILITY:
            plan.model.minimize(expr)
        share = budget.share(len(tiers) - position)
        search = _Search(plan, options, budget, started, progress, stop)
        # Few workers find good solutions fastest; many (portfolio with core and
        # bound workers) prove optima that few do not. First find, then prove.
        # A single tier (e.g. a combined benchmark objective) has no later tier to
        # hand a good rota to: the full portfolio searches from the start.
        finders = min(options.workers, FINDING_WORKERS)
        two_phases = options.workers > finders and len(tiers) > 1
        if reroster.applies(scenario, tiers):
            groups = reroster.Reroster(expanded, eligibility, targets, options, tier, stop)
            outcome = _by_groups(search, groups, tier, share)
        else:
            outcome = _tier_outcome(search, tier, expr, share, snapshot, two_phases, finders)
        stopped = outcome.stopped
        if outcome.status == cp_model.INFEASIBLE:
            infeasible = True
            break
        if outcome.snapshot is None:
            break
        snapshot = outcome.snapshot
        value = outcome.value if tier != FEASIBILITY else 0
        bound = min(outcome.bound, value) if tier != FEASIBILITY else 0
        results[tier] = TierResult(
            name=tier,
            status="OPTIMAL"
            if outcome.status == cp_model.OPTIMAL or value == bound
            else "FEASIBLE",
            value=value,
            bound=bound,
            seconds=round(outcome.seconds, 3),
        )
        if tier != FEASIBILITY:
            # A proven optimum is fixed exactly: presolve can then substitute it.
            plan.model.add(expr == value if value == bound else expr <= value)
        if stopped:
            break

    if infeasible and snapshot is None:
        seconds = max(budget.share(1), EXPLAIN_MIN_SECONDS)
        explanation = explain_infeasible(expanded, eligibility, targets, time_limit=seconds)
        return _rota(scenario, "INFEASIBLE", explanation=explanation + notes, started=started)
    if snapshot is None:
        explanation = [
            "The search was stopped before it found a rota."
            if stopped
            else "No rota was found within the time limit; the search neither found one "
            "nor proved that none exists. Try a longer --time-limit."
        ]
        return _rota(scenario, "UNKNOWN", explanation=explanation + notes, started=started)
    return _finished_rota(expanded, plan, eligibility, snapshot, results, notes, started)


def _tier_outcome(
    search: _Search,
    tier: str,
    expr: cp_model.LinearExprT,
    share: float,
    snapshot: _Snapshot | None,
    two_phases: bool,
    finders: int,
) -> _Outcome:
    """Search one tier with CP-SAT: find with few workers, then prove with all of them."""
    workers = search.options.workers
    first = search.run(tier, share * FINDING_SHARE if two_phases else share, finders, snapshot)
    if two_phases and not first.stopped and first.status == cp_model.FEASIBLE:
        search.plan.model.add(expr <= first.value)
        proof = search.run(tier, share * (1 - FINDING_SHARE), workers, first.snapshot)
        return first.combined(proof)
    if two_phases and not first.stopped and first.status == cp_model.UNKNOWN:
        return search.run(tier, share * (1 - FINDING_SHARE), workers, snapshot)
    return first


def _by_groups(search: _Search, groups: reroster.Reroster, tier: str, share: float) -> _Outcome:
    """Search a separable tier by people: first rota, CP-SAT, re-rostering groups, CP-SAT.

    The first rota is built person by person (``solver.reroster``); CP-SAT then
    searches everyone's model from it, which proves small scenarios optimal;
    otherwise rounds follow of re-rostering groups of people, then CP-SAT on
    everyone from the best rota (to improve on it and to bound it). Each search
    must beat the best value so far, so progress reports only improvements.
    """
    options = search.options
    deterministic = options.deterministic
    priced: columns.Columns | None = None
    if len(search.plan.duties) < HUGE_DUTIES:
        priced = columns.Columns(
            groups.expanded, groups.eligibility, groups.targets, options, tier, groups.stop
        )
    clock = reroster.Clock(share * FIRST_ROTA_SHARE, deterministic=deterministic)
    # Best responses by days when everyone's rules allow (Curtois-Qu 18: 0.3 s against
    # the whole share person by person by CP-SAT, and a better rota); else by CP-SAT.
    duties = priced.first_rota(clock) if priced is not None else None
    if duties is None:
        duties = groups.first_rota(clock)
    search.budget.spent += clock.spent
    hint = search.evaluate(duties) if duties is not None else None
    expr = search.plan.tier_expr(tier)
    lower: int | None = None
    reported: int | None = None

    def report(value: int) -> None:
        if search.progress is not None and value != reported:
            elapsed = time.perf_counter() - search.started
            search.progress(Progress(elapsed, tier, value, None))

    if priced is not None and duties is not None and hint is not None:
        # The first rota is a rota: report it before the columns' longer search.
        report(hint.tier_values[tier])
        reported = hint.tier_values[tier]
        hint, lower = _by_columns(search, priced, tier, share, duties, hint)
        value = hint.tier_values[tier]
        if lower is not None and value <= lower:
            # The columns proved this rota optimal (the tree searched to the end):
            # CP-SAT would only prove it again.
            report(value)
            seconds = time.perf_counter() - search.started
            return _Outcome(cp_model.OPTIMAL, hint, value, value, seconds, False)
    if hint is not None:
        # Every later search is to do better than this rota (and reports only that).
        search.plan.model.add(expr <= hint.tier_values[tier])
        report(hint.tier_values[tier])
    outcome = search.run(tier, share * EVERYONE_SHARE, options.workers, hint)
    if outcome.snapshot is None and hint is not None:
        # CP-SAT had no time to load the model: the first rota is the answer so far.
        value = hint.tier_values[tier]
        outcome = _Outcome(cp_model.FEASIBLE, hint, value, 0, outcome.seconds, outcome.stopped)
    if lower is not None and outcome.snapshot is not None:
        outcome = replace(outcome, bound=max(outcome.bound, lower))
    if outcome.snapshot is None or outcome.stopped or outcome.value == outcome.bound:
        return outcome
    value = outcome.value
    started = search.started

    def improved(_: reroster.Duties, gain: int) -> None:
        nonlocal value
        value -= gain
        if search.progress is not None:
            search.progress(Progress(time.perf_counter() - started, tier, value, None))

    # Rounds of groups then everyone: CP-SAT's own search, started from a better
    # rota, often improves it at once; a huge model is loaded only once more.
    rounds = ROUNDS if len(search.plan.duties) < HUGE_DUTIES else 1
    for position in range(rounds):
        assert outcome.snapshot is not None
        best: reroster.Duties = {person: frozenset() for person in groups.people}
        best |= _duties_by_person(outcome.snapshot.duties)
        # What is left of the budget (deterministic time in reproducible mode):
        # the first rota and the columns take at most their shares, often far less.
        left = search.budget.share(rounds - position)
        clock = reroster.Clock(left * GROUPS_SHARE, deterministic=deterministic)
        best = groups.improve(best, clock, improved)
        search.budget.spent += clock.spent
        hint = search.evaluate(best) if value < outcome.value else outcome.snapshot
        if hint is None:
            raise SolverBug("the re-rostered rota does not fit the model")
        search.plan.model.add(expr <= value)
        seconds = search.budget.share(rounds - position)
        last = search.run(tier, max(seconds, 0.01), options.workers, hint)
        if last.snapshot is None:
            # No time left to load the model: the groups' rota, evaluated, is the answer.
            last = _Outcome(cp_model.FEASIBLE, hint, hint.tier_values[tier], 0, 0.0, last.stopped)
        outcome = outcome.combined(last)
        value = outcome.value
        if outcome.stopped or outcome.value == outcome.bound or groups.stopped():
            break
    return outcome


def _by_columns(
    search: _Search,
    priced: columns.Columns,
    tier: str,
    share: float,
    duties: reroster.Duties,
    first: _Snapshot,
) -> tuple[_Snapshot, int | None]:
    """Price patterns per person from the first rota and dive to a better one (``solver.columns``).

    Returns the better rota (evaluated in the full model) or ``first``, and the
    relaxation's lower bound if it proved one.
    """
    options = search.options
    clock = reroster.Clock(share * COLUMNS_SHARE, deterministic=options.deterministic)
    found = priced.search(duties, first.tier_values[tier], clock)
    search.budget.spent += clock.spent
    if found.duties is None:
        return first, found.bound
    better = search.evaluate(found.duties)
    if better is None or better.tier_values[tier] != found.value:
        raise SolverBug("the rota combined from patterns does not fit the model")
    return better, found.bound


def _duties_by_person(duties: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    by_person: dict[str, set[str]] = {}
    for person, shift_id in duties:
        by_person.setdefault(person, set()).add(shift_id)
    return {person: frozenset(shifts) for person, shifts in by_person.items()}


def _bound_reporter(
    tier: str, started: float, progress: Callable[[Progress], None]
) -> Callable[[float], None]:
    def report(bound: float) -> None:
        progress(Progress(time.perf_counter() - started, tier, None, bound))

    return report


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def _take(plan: PlanModel, solver: cp_model.CpSolver) -> _Snapshot:
    return _Snapshot(
        duties=plan.duties.extract(solver),
        penalties=[int(solver.value(penalty.expr)) for penalty in plan.penalties()],
        tier_values={tier: int(solver.value(plan.tier_expr(tier))) for tier in plan.tiers},
        values=list(solver.response_proto.solution),
    )


def _rota(scenario: Scenario, status: str, *, explanation: list[str], started: float) -> Rota:
    return Rota.model_validate(
        {
            "scenario": scenario.name,
            "status": status,
            "explanation": explanation,
            "solve_seconds": round(time.perf_counter() - started, 3),
        }
    )


def _finished_rota(
    expanded: ExpandedScenario,
    plan: PlanModel,
    eligibility: Eligibility,
    snapshot: _Snapshot,
    results: dict[str, TierResult],
    notes: list[str],
    started: float,
) -> Rota:
    scenario = expanded.scenario
    zone_of = {person.id: person.zone for person in scenario.people}
    pinned = {(pin.person, pin.shift) for pin in scenario.fixed}
    order = {shift.id: position for position, shift in enumerate(expanded.shifts)}
    assignments = []
    for person, shift_id in sorted(snapshot.duties, key=lambda pair: (order[pair[1]], pair[0])):
        shift = expanded.by_id[shift_id]
        assignments.append(
            Assignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=person,
                zone=zone_of[person],
                load=round(shift.load, 2),
                fixed=(person, shift_id) in pinned,
            )
        )
    validator = Validator(expanded, eligibility)
    violations = validator.validate(assignments)
    if violations:
        raise SolverBug(
            "the solver's rota breaks hard rules: "
            + "; ".join(violation.message for violation in violations)
        )

    staffed = Counter(shift_id for _, shift_id in snapshot.duties)
    uncovered = []
    explanation = list(notes)
    explained = 0
    for shift in expanded.shifts:
        missing = shift.staff - staffed[shift.id]
        if missing <= 0:
            continue
        if explained < EXPLAINED_UNCOVERED:
            reasons = uncovered_reasons(expanded, shift, assignments, validator=validator)
            explained += 1
        else:
            reasons = [f"not analysed: only the first {EXPLAINED_UNCOVERED} uncovered shifts are"]
        explanation.append(
            f"{shift_label(shift, scenario.tz)} → {missing} of {shift.staff} uncovered: "
            + "; ".join(reasons)
        )
        uncovered.append(
            Uncovered(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                missing=missing,
                reasons=reasons,
            )
        )

    tiers = []
    for tier in plan.tiers:
        if tier in results:
            tiers.append(results[tier])
            continue
        # Not searched (no terms, or the search was stopped): its value in the rota,
        # with the trivial bound 0 unless it is 0 already.
        value = snapshot.tier_values.get(tier, 0)
        tiers.append(
            TierResult(
                name=tier,
                status="OPTIMAL" if value == 0 else "FEASIBLE",
                value=value,
                bound=0,
                seconds=0,
            )
        )
    status = "OPTIMAL" if all(tier.status == "OPTIMAL" for tier in tiers) else "FEASIBLE"
    if FEASIBILITY in results and results[FEASIBILITY].status != "OPTIMAL":
        status = "FEASIBLE"
    soft_violations = [
        SoftViolation(
            rule=penalty.rule,
            person=penalty.person,
            shift=penalty.shift,
            weight=penalty.weight * value,
            detail=penalty.detail,
        )
        for penalty, value in zip(plan.penalties(), snapshot.penalties, strict=True)
        if value > 0
    ]
    return Rota(
        scenario=scenario.name,
        status=status,
        objective=ObjectiveReport(
            value=sum(tier.value for tier in tiers),
            bound=sum(tier.bound for tier in tiers),
            terms={tier.name: tier.value for tier in tiers},
            tiers=tiers,
        ),
        solve_seconds=round(time.perf_counter() - started, 3),
        assignments=assignments,
        uncovered=uncovered,
        fairness=fairness_report(expanded, assignments, plan.context.targets),
        soft_violations=soft_violations,
        explanation=explanation,
    )

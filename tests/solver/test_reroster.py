"""Re-rostering groups of people (solver.reroster): when it applies, group models
against fixed duties, the first rota person by person, and the search through solve."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from solver.eligibility import Eligibility
from solver.fairness import fairness_targets
from solver.nrp import benchmark_cost, read_instance, shift_id, to_scenario
from solver.reroster import Clock, Duties, Reroster, applies
from solver.scenario import Scenario
from solver.shifts import expand
from solver.solve import Progress, solve
from solver.validate import Validator, check_rota
from tests.solver.conftest import assign_all
from tests.solver.test_nrp import CURTOIS, needs_instances

# Three people, one day shift a day for two weeks; people are tied only by cover.
WEEKS = """\
SECTION_HORIZON
14

SECTION_SHIFTS
# id, minutes, forbidden next
D,480,
N,480,D

SECTION_STAFF
# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsec, MinConsec, MinConsecOff, MaxWeekends
A,D=14|N=3,4800,2880,4,2,2,1
B,D=14|N=3,4800,2880,4,2,2,1
C,D=14|N=0,4800,1920,5,1,1,2

SECTION_DAYS_OFF
# EmployeeID, DayIndexes (start at zero)
A,0
B,
C,6

SECTION_SHIFT_ON_REQUESTS
# EmployeeID, Day, ShiftID, Weight
B,2,N,2

SECTION_SHIFT_OFF_REQUESTS
# EmployeeID, Day, ShiftID, Weight
C,3,D,3

SECTION_COVER
# Day, ShiftID, Requirement, Weight for under, Weight for over
""" + "".join(f"{day},D,2,100,1\n{day},N,1,100,1\n" for day in range(14))


def weeks(**solver: object) -> tuple[Scenario, Reroster]:
    scenario = to_scenario(read_instance(WEEKS, "weeks"), time_limit=10, workers=2)
    if solver:
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update=solver)})
    expanded = expand(scenario)
    eligibility = Eligibility(expanded)
    reroster = Reroster(
        expanded,
        eligibility,
        fairness_targets(expanded, eligibility),
        scenario.solver,
        "coverage+preferences",
    )
    return scenario, reroster


def cost(duties: Duties) -> int:
    instance = read_instance(WEEKS, "weeks")
    return benchmark_cost(instance, [(p, s) for p, shifts in duties.items() for s in shifts])


def counts_of(duties: Duties) -> Counter[str]:
    counts: Counter[str] = Counter()
    for shifts in duties.values():
        counts.update(shifts)
    return counts


def test_applies_to_soft_coverage_in_one_tier_of_coverage_and_preferences() -> None:
    scenario, _ = weeks()
    assert applies(scenario, ["coverage+preferences"])
    assert applies(scenario, ["coverage"])
    # Two tiers are lexicographic; fairness ties people together; hard coverage too.
    assert not applies(scenario, ["coverage", "preferences"])
    assert not applies(scenario, ["coverage+person_fairness.max"])
    hard = scenario.model_copy(
        update={"objective": scenario.objective.model_copy(update={"priorities": ["preferences"]})}
    )
    assert not applies(hard, ["preferences"])


def test_the_first_rota_is_built_person_by_person_and_keeps_every_hard_rule() -> None:
    scenario, reroster = weeks()
    duties = reroster.first_rota(Clock(10, deterministic=False))
    assert duties is not None and set(duties) == {"A", "B", "C"}
    assert shift_id("D", 0) not in duties["A"] and shift_id("D", 6) not in duties["C"]
    assert not any(shift.startswith("N") for shift in duties["C"])  # not qualified
    expanded = expand(scenario)
    pairs = [(shift, person) for person, shifts in duties.items() for shift in shifts]
    assert Validator(expanded, Eligibility(expanded)).validate(assign_all(expanded, pairs)) == []


def test_a_group_model_values_the_rota_as_the_benchmark_does_up_to_a_constant() -> None:
    _, reroster = weeks()
    first = reroster.first_rota(Clock(10, deterministic=False))
    assert first is not None
    counts = counts_of(first)
    clock = Clock(10, deterministic=False)
    everyone = reroster.solve_group(["A", "B", "C"], first, counts, 5, clock, current=True)
    assert everyone is not None and everyone.before == cost(first)
    # Re-rostering everyone is the whole problem: never worse than where it started.
    assert everyone.after <= everyone.before
    assert everyone.after == cost(everyone.duties)
    # One person's model: the change in its value is the change in the full cost.
    alone = reroster.solve_group(["B"], first, counts, 5, clock, current=True)
    assert alone is not None and alone.before is not None
    changed = {**first, **alone.duties}
    assert cost(first) - cost(changed) == alone.before - alone.after


def test_a_window_frees_only_the_duties_on_its_days() -> None:
    _, reroster = weeks()
    first = reroster.first_rota(Clock(10, deterministic=False))
    assert first is not None
    days = frozenset(reroster.days[3:6])
    result = reroster.solve_group(
        ["A", "B", "C"], first, counts_of(first), 5, Clock(10, deterministic=False),
        current=True, days=days,
    )  # fmt: skip
    assert result is not None
    for person, shifts in result.duties.items():
        outside = {s for s in shifts if reroster.day_of[s] not in days}
        assert outside == {s for s in first[person] if reroster.day_of[s] not in days}


def test_max_staff_counts_the_duties_held_outside_the_group() -> None:
    scenario, _ = weeks()
    # In the first week at most one person on each day shift, and B holds them all:
    # A's model may not take one of them; the second week stays open to A.
    data = scenario.model_dump(mode="json")
    data["shift_overrides"] += [
        {"shift": shift_id("D", day), "staff": 1, "max_staff": 1} for day in range(7)
    ]
    scenario = Scenario.model_validate(data)
    expanded = expand(scenario)
    eligibility = Eligibility(expanded)
    targets = fairness_targets(expanded, eligibility)
    reroster = Reroster(expanded, eligibility, targets, scenario.solver, "coverage+preferences")
    held = frozenset(shift_id("D", day) for day in range(7))
    duties: Duties = {"B": held}
    clock = Clock(10, deterministic=False)
    result = reroster.solve_group(["A"], duties, counts_of(duties), 5, clock, current=False)
    assert result is not None
    assert not result.duties["A"] & held
    assert any(shift.startswith("D") for shift in result.duties["A"])


def test_solve_uses_groups_and_returns_a_validator_clean_rota_at_the_benchmark_cost() -> None:
    scenario, _ = weeks()
    rota = solve(scenario, time_limit=5)
    assert rota.status in ("OPTIMAL", "FEASIBLE")
    assert not check_rota(expand(scenario), rota)
    duties = [(assignment.person, assignment.shift) for assignment in rota.assignments]
    assert benchmark_cost(read_instance(WEEKS, "weeks"), duties) == rota.objective.value


def test_progress_reports_the_first_rota_then_only_improvements() -> None:
    scenario, _ = weeks()
    values: list[float] = []

    def progress(report: Progress) -> None:
        if report.objective is not None:
            values.append(report.objective)

    rota = solve(scenario, time_limit=5, progress=progress)
    assert values and values[-1] == rota.objective.value
    # The first rota is reported first; every later report is no worse.
    assert all(later <= earlier for earlier, later in pairwise(values))


def test_reproducible_mode_gives_the_same_rota_twice() -> None:
    scenario, _ = weeks(deterministic=True, seed=7)
    first, second = solve(scenario, time_limit=2), solve(scenario, time_limit=2)
    assert [(a.person, a.shift) for a in first.assignments] == [
        (a.person, a.shift) for a in second.assignments
    ]


def test_a_stop_request_ends_the_search_with_the_best_rota_so_far() -> None:
    scenario, _ = weeks()
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    rota = solve(scenario, time_limit=60, stop=stop)
    assert rota.solve_seconds < 30
    assert rota.status in ("OPTIMAL", "FEASIBLE", "UNKNOWN")


@needs_instances
@pytest.mark.slow
def test_instance_20_gets_a_rota_where_cp_sat_alone_found_none() -> None:
    instance = read_instance((CURTOIS / "Instance20.txt").read_text(), "Instance20")
    scenario = to_scenario(instance, time_limit=30, workers=2)
    rota = solve(scenario)
    assert rota.status == "FEASIBLE"
    assert not check_rota(expand(scenario), rota)
    duties = [(assignment.person, assignment.shift) for assignment in rota.assignments]
    assert benchmark_cost(instance, duties) == rota.objective.value

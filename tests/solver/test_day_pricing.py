"""Pricing by days (solver.day_pricing): the least cost of a person's pattern equals
the least cost CP-SAT finds on the person's own model (the rule modules), on random
small instances, the Curtois–Qu people and product scenarios; rules that are not
day rules are named and left to CP-SAT."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from solver import day_pricing
from solver.day_pricing import DayPricer, DayRules, day_rules
from solver.eligibility import Eligibility
from solver.fairness import fairness_targets
from solver.model import build_model
from solver.nrp import read_instance, to_scenario
from solver.scenario import Scenario
from solver.shifts import ExpandedScenario, expand
from tests.solver.conftest import make_person, make_role, make_scenario
from tests.solver.test_nrp import CURTOIS, needs_instances


def rules_of(expanded: ExpandedScenario, person: str) -> DayRules | str:
    eligibility = Eligibility(expanded)
    shifts = [
        shift_id
        for shift_id in eligibility.shifts_for(person)
        if expanded.covers[shift_id].most >= 1
    ]
    return day_rules(expanded, eligibility, person, shifts)


def pricer_of(expanded: ExpandedScenario, person: str) -> DayPricer:
    rules = rules_of(expanded, person)
    assert isinstance(rules, DayRules), rules
    return DayPricer(rules)


def least_by_model(
    expanded: ExpandedScenario, person: str, costs: dict[str, int]
) -> tuple[int | None, cp_model.CpModel, dict[str, cp_model.IntVar]]:
    """The least Σ cost·duty of the person's own model by CP-SAT (``None``: no pattern)."""
    eligibility = Eligibility(expanded)
    plan = build_model(
        expanded,
        eligibility=eligibility,
        targets=fairness_targets(expanded, eligibility),
        people=[person],
        outside={},
    )
    duties = dict(plan.duties.by_person.get(person, {}))
    plan.model.minimize(
        cp_model.LinearExpr.weighted_sum(
            [duties[s] for s in costs if s in duties], [costs[s] for s in costs if s in duties]
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 4
    solver.parameters.max_time_in_seconds = 60
    status = solver.solve(plan.model)
    if status == cp_model.INFEASIBLE:
        return None, plan.model, duties
    assert status == cp_model.OPTIMAL
    return round(solver.objective_value), plan.model, duties


def obeys_the_model(
    model: cp_model.CpModel, duties: dict[str, cp_model.IntVar], shifts: frozenset[str]
) -> bool:
    for shift_id, var in duties.items():
        model.add(var == int(shift_id in shifts))
    model.minimize(0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def assert_same_least(expanded: ExpandedScenario, person: str, costs: dict[str, int]) -> None:
    """Day pricing's least cost is CP-SAT's, and its pattern keeps every rule of the model."""
    priced = pricer_of(expanded, person).price({s: float(c) for s, c in costs.items()})
    least, model, duties = least_by_model(expanded, person, costs)
    if least is None:
        assert priced.shifts is None and priced.bound == float("inf")
        return
    assert priced.bound <= least + 1e-6
    if priced.exact:
        assert priced.shifts is not None and priced.value is not None
        assert round(priced.value) == least
        assert sum(costs[s] for s in priced.shifts) == least
        assert obeys_the_model(model, duties, priced.shifts)


def instance_text(
    days: int,
    lengths: list[int],
    forbidden: list[tuple[int, int]],
    staff: str,
    days_off: list[int],
) -> str:
    shift_lines = "".join(
        f"S{t},{length},{'|'.join(f'S{b}' for a, b in forbidden if a == t)}\n"
        for t, length in enumerate(lengths)
    )
    cover = "".join(f"{day},S{t},1,100,1\n" for day in range(days) for t in range(len(lengths)))
    return (
        f"SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\n{shift_lines}\n"
        f"SECTION_STAFF\n{staff}\n\n"
        f"SECTION_DAYS_OFF\nP,{','.join(map(str, days_off))}\n\n"
        "SECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\n"
        f"SECTION_COVER\n{cover}"
    )


@st.composite
def one_person_instances(draw: st.DrawFn) -> tuple[ExpandedScenario, dict[str, int]]:
    """A random one-person Curtois–Qu instance of one or two weeks and random duty costs."""
    days = draw(st.sampled_from([7, 14]))
    types = draw(st.integers(1, 3))
    lengths = [draw(st.sampled_from([480, 600, 720])) for _ in range(types)]
    pairs = [(a, b) for a in range(types) for b in range(types)]
    forbidden = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3))
    max_shifts = [draw(st.integers(0, days)) for _ in range(types)]
    most_minutes = draw(st.integers(0, days * 720))
    least_minutes = draw(st.integers(0, most_minutes))
    max_run = draw(st.integers(1, 6))
    min_run = draw(st.integers(1, 3))
    min_off = draw(st.integers(1, 3))
    weekends = draw(st.integers(0, days // 7))
    limits = "|".join(f"S{t}={most}" for t, most in enumerate(max_shifts))
    staff = f"P,{limits},{most_minutes},{least_minutes},{max_run},{min_run},{min_off},{weekends}"
    days_off = draw(st.lists(st.integers(0, days - 1), unique=True, max_size=3))
    text = instance_text(days, lengths, forbidden, staff, days_off)
    expanded = expand(to_scenario(read_instance(text, "random")))
    costs = {shift.id: draw(st.integers(-6, 4)) for shift in expanded.shifts}
    return expanded, costs


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_person_instances())
def test_the_least_cost_by_days_is_the_models_least_cost(
    case: tuple[ExpandedScenario, dict[str, int]],
) -> None:
    expanded, costs = case
    assert_same_least(expanded, "P", costs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_person_instances())
def test_duties_per_role_priced_by_multipliers_still_bound_the_least_cost(
    case: tuple[ExpandedScenario, dict[str, int]],
) -> None:
    expanded, costs = case
    with pytest.MonkeyPatch.context() as patch:
        # No limit is counted exactly: every one is priced by a multiplier.
        patch.setattr(day_pricing, "COUNTED_CELLS", 0)
        assert_same_least(expanded, "P", costs)


def test_limits_are_counted_once_broken_while_small_and_priced_beyond() -> None:
    text = instance_text(14, [480, 480], [], "P,S0=3|S1=9,6720,0,14,1,1,2", [])
    expanded = expand(to_scenario(read_instance(text, "limits")))
    rules = rules_of(expanded, "P")
    assert isinstance(rules, DayRules)
    assert rules.role_limits == {0: 3, 1: 9}
    # S0 is the cheaper duty, S1 the next: the cheapest path breaks both limits.
    costs = {s.id: -5.0 if s.id.startswith("S0") else -3.0 for s in expanded.shifts}
    # Minutes 0..14 duties, weekends 0..2: 45 cells; with S0's 4 counts 180, S1's 10 more 1 800.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(day_pricing, "COUNTED_CELLS", 180)
        pricer = DayPricer(rules)
        assert pricer.counted == [] and pricer.priced == {0: 3, 1: 9}
        priced = pricer.price(costs)
        assert pricer.counted == [0] and pricer.priced == {1: 9}
        assert priced.bound <= -42 + 1e-6
        patch.setattr(day_pricing, "COUNTED_CELLS", 1800)
        pricer = DayPricer(rules)
        priced = pricer.price(costs)
        assert pricer.counted == [0, 1] and pricer.priced == {}
        assert priced.exact and priced.value == -42.0
        # Counted limits stay counted: the next pricing starts exact.
        pricer.price({s.id: 1.0 for s in expanded.shifts})
        assert pricer.counted == [0, 1]


def test_a_limit_that_cannot_bind_is_not_priced_or_counted() -> None:
    text = instance_text(14, [480], [], "P,S0=14,6720,0,14,1,1,2", [])
    expanded = expand(to_scenario(read_instance(text, "loose")))
    pricer = pricer_of(expanded, "P")
    assert pricer.priced == {} and pricer.counted == []


def test_minutes_are_counted_per_length_when_that_counts_a_limit_for_free() -> None:
    # 480-minute days and 600-minute nights, at most 3 nights: nights alone are
    # 600 minutes long, so counting 480s and 600s counts the nights exactly.
    text = instance_text(14, [480, 600], [(1, 0)], "P,S0=14|S1=3,5280,4320,5,2,2,2", [2])
    expanded = expand(to_scenario(read_instance(text, "lengths")))
    pricer = pricer_of(expanded, "P")
    assert pricer.lengths == (4, 5) and pricer.merged == {1: 1}
    assert pricer.priced == {} and pricer.dims[:2] == (12, 4)  # 5280 // 480 = 11; 3 nights
    rng = random.Random(5)
    for _ in range(6):
        assert_same_least(expanded, "P", {s.id: rng.randint(-9, 3) for s in expanded.shifts})
    # Without a limit on the nights, one axis of minutes is smaller: no lengths.
    loose = instance_text(14, [480, 600], [(1, 0)], "P,S0=14|S1=14,5280,4320,5,2,2,2", [2])
    assert pricer_of(expand(to_scenario(read_instance(loose, "one axis"))), "P").lengths == ()


def test_a_limit_that_cannot_bind_is_not_a_limit() -> None:
    # 14 days, one day off: at most 13 duties of S0 anyway.
    text = instance_text(14, [480], [], "P,S0=13,6720,0,14,1,1,2", [3])
    rules = rules_of(expand(to_scenario(read_instance(text, "loose"))), "P")
    assert isinstance(rules, DayRules) and rules.role_limits == {}


def test_no_pattern_within_the_minutes_is_reported_as_none() -> None:
    # At least 10 duties of 480 minutes in 7 days cannot be worked.
    text = instance_text(7, [480], [], "P,S0=7,6720,4800,7,1,1,1", [])
    expanded = expand(to_scenario(read_instance(text, "short")))
    priced = pricer_of(expanded, "P").price({shift.id: -1.0 for shift in expanded.shifts})
    assert priced.shifts is None and priced.value is None and priced.bound == float("inf")


@needs_instances
@pytest.mark.parametrize("number", [8, 14])
def test_curtois_people_priced_by_days_as_by_cp_sat(number: int) -> None:
    # 8: four shift types with small per-type maxima; 14: 600-minute nights (minutes in 120s).
    text = (CURTOIS / f"Instance{number}.txt").read_text()
    expanded = expand(to_scenario(read_instance(text, f"Instance{number}")))
    rng = random.Random(number)
    for person in [person.id for person in expanded.scenario.people][:6]:
        costs = {shift.id: rng.choice([0, 1, 2, -50, -100, -100]) for shift in expanded.shifts}
        assert_same_least(expanded, person, costs)


# Product scenarios: a daily ICT on-call in Brussels (DST change on 29 March).
def ict(
    duration: str = "P1D", limits: Mapping[str, object] | None = None, **rules: object
) -> Scenario:
    people = [
        {**make_person(person_id, qualifications=["ICT"]), "limits": limits or {}}
        for person_id in ("hh-01", "rt-01")
    ]
    role = make_role("ICT", requires=["ICT"], rrule="FREQ=DAILY", start="08:00", duration=duration)
    return make_scenario(people=people, roles=[role], rules=rules)


def test_a_daily_on_call_across_the_change_to_summer_time_is_priced_as_the_model_does() -> None:
    limits = {"min_minutes": 6 * 1440, "max_minutes": 12 * 1440 - 60}
    expanded = expand(
        ict(limits=limits, max_consecutive_days=3, min_consecutive_days=2, min_days_off=2)
    )
    rules = rules_of(expanded, "hh-01")
    assert isinstance(rules, DayRules)
    assert rules.unit == 60  # day-long duties: 24 hours, and 23 on 29 March
    rng = random.Random(7)
    for _ in range(3):
        costs = {shift.id: rng.randint(-5, 3) for shift in expanded.shifts}
        assert_same_least(expanded, "hh-01", costs)


def test_day_duties_on_weekends_are_priced_as_the_model_does() -> None:
    expanded = expand(
        ict("PT12H", max_consecutive_days=4, min_days_off=2, weekends={"max": 2, "window": 5})
    )
    rules = rules_of(expanded, "hh-01")
    assert isinstance(rules, DayRules) and rules.max_weekends == 2
    rng = random.Random(8)
    for _ in range(3):
        costs = {shift.id: rng.randint(-5, 3) for shift in expanded.shifts}
        assert_same_least(expanded, "hh-01", costs)


@pytest.mark.parametrize(
    ("scenario_rules", "reason"),
    [
        ({"max_concurrent": 2}, "several duties at once"),
        ({"min_rest": "PT11H"}, "minimum rest"),
        ({"weekends": {"max": 1, "window": 2}}, "window shorter than the horizon"),
    ],
)
def test_rules_beyond_days_are_named(scenario_rules: dict[str, Any], reason: str) -> None:
    found = rules_of(expand(ict(**scenario_rules)), "hh-01")
    assert isinstance(found, str) and reason in found


def test_a_duty_from_friday_into_saturday_is_not_a_day_rule_for_weekends() -> None:
    # Friday 08:00 to Saturday 08:00 makes the weekend worked although it starts on Friday.
    found = rules_of(expand(ict(weekends={"max": 2, "window": 5})), "hh-01")
    assert isinstance(found, str) and "weekend other than its own day's" in found
    # Without a weekend rule the same duties are day rules.
    assert isinstance(rules_of(expand(ict()), "hh-01"), DayRules)


def test_duties_overlapping_the_next_days_are_not_day_rules() -> None:
    found = rules_of(expand(ict("PT30H")), "hh-01")
    assert isinstance(found, str) and "another day" in found


def test_history_pins_and_role_gaps_are_left_to_cp_sat() -> None:
    base = ict()
    past = {
        "role": "ICT",
        "person": "hh-01",
        "start": "2026-03-01T08:00",
        "end": "2026-03-02T08:00",
    }
    history = Scenario.model_validate({**base.model_dump(), "history": {"duties": [past]}})
    assert "history" in str(rules_of(expand(history), "hh-01"))
    assert isinstance(rules_of(expand(history), "rt-01"), DayRules)
    shift = expand(base).shifts[3].id
    pinned = Scenario.model_validate(
        {**base.model_dump(), "fixed": [{"shift": shift, "person": "hh-01"}]}
    )
    assert "pinned" in str(rules_of(expand(pinned), "hh-01"))
    gap = make_scenario(
        people=[make_person("hh-01", qualifications=["ICT"])],
        roles=[
            make_role(
                "ICT",
                requires=["ICT"],
                rrule="FREQ=DAILY",
                start="08:00",
                duration="PT8H",
                min_gap="P2D",
            )
        ],
    )
    assert "minimum gap" in str(rules_of(expand(gap), "hh-01"))


def test_the_estimate_is_the_work_of_one_pricing_without_multipliers() -> None:
    text = instance_text(14, [480, 600], [(1, 0)], "P,S0=14|S1=14,6720,0,5,2,2,1", [4])
    expanded = expand(to_scenario(read_instance(text, "estimate")))
    pricer = pricer_of(expanded, "P")
    assert pricer.priced == {}
    pricer.price({shift.id: -1.0 for shift in expanded.shifts})
    assert pricer.work == pricer.estimate() == pricer.table() > 0
    # A limit priced by multipliers: up to LAGRANGE_STEPS pricings.
    limited = instance_text(14, [480, 480], [(1, 0)], "P,S0=3|S1=14,6720,0,5,2,2,1", [4])
    priced = pricer_of(expand(to_scenario(read_instance(limited, "estimate"))), "P")
    assert priced.priced == {0: 3}
    assert priced.estimate() == priced.table() * day_pricing.LAGRANGE_STEPS
    with pytest.MonkeyPatch.context() as patch:
        # Big tables take fewer steps (two at least).
        patch.setattr(day_pricing, "LAGRANGE_CELLS", priced.table() * 5)
        assert priced.most_steps() == 5
        patch.setattr(day_pricing, "LAGRANGE_CELLS", priced.table())
        assert priced.most_steps() == 2
        assert pricer.most_steps() == 1  # nothing priced: one pass


def test_huge_costs_are_walked_back_exactly() -> None:
    # Required duties cost a million less in a dive by duties; walking back by
    # subtracting costs lost the path to rounding once (values near 10 million).
    text = instance_text(28, [480, 480], [(1, 0)], "P,S0=20|S1=6,8640,7200,5,2,2,2", [9])
    expanded = expand(to_scenario(read_instance(text, "huge")))
    rng = random.Random(11)
    costs = {shift.id: rng.randint(-100, 2) for shift in expanded.shifts}
    for shift in rng.sample(expanded.shifts, 12):
        costs[shift.id] -= 1_000_000
    assert_same_least(expanded, "P", costs)

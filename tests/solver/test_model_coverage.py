"""Soft coverage with ``max_staff`` and weights, shift preferences and combined tiers:
the solver's objective equals the cost the rota really has."""

from __future__ import annotations

from typing import Any

import pytest

from solver.model import tier_names
from solver.scenario import ScenarioError, parse_scenario
from solver.shifts import expand
from solver.solve import solve
from solver.validate import check_rota
from tests.solver.conftest import make_expanded, make_person, make_role, make_scenario
from tests.solver.rules.conftest import rule_allows

DAILY = {"rrule": "FREQ=DAILY", "start": "08:00", "duration": "PT8H"}


def one_week(**fields: Any) -> dict[str, Any]:
    return {"horizon": ("2026-03-02", "2026-03-09"), **fields}


def test_up_to_max_staff_may_take_a_shift_but_not_more() -> None:
    role = make_role("DAY", shifts=[DAILY]) | {"max_staff": 2}
    expanded = make_expanded(roles=[role], priorities=["coverage"])
    two = [("DAY@2026-03-02T08:00", "hh-01"), ("DAY@2026-03-02T08:00", "hh-02")]
    assert rule_allows(expanded, two, "staffing")
    three = [*two, ("DAY@2026-03-02T08:00", "rt-01")]
    assert not rule_allows(expanded, three, "staffing")


def test_combined_tier_trades_a_surplus_for_a_preference() -> None:
    # Staff 1, one extra allowed at cost 1; hh-01 wants Monday (weight 3), rt-01 is
    # pinned to it: granting the wish costs 1 surplus instead of 3.
    role = make_role("DAY", shifts=[DAILY]) | {"max_staff": 2, "over_weight": 1}
    scenario = make_scenario(
        roles=[role],
        people=[make_person("hh-01"), make_person("rt-01")],
        fixed=[{"shift": "DAY@2026-03-02T08:00", "person": "rt-01"}],
        priorities=["coverage", "preferences"],
        **one_week(),
    )
    data = scenario.model_dump(mode="json")
    data["shift_preferences"] = [
        {"person": "hh-01", "shift": "DAY@2026-03-02T08:00", "kind": "prefer", "weight": 3},
        {"person": "rt-01", "shift": "DAY@2026-03-03T08:00", "kind": "avoid", "weight": 2},
    ]
    data["objective"]["combine"] = [["coverage", "preferences"]]
    data["solver"] = {"deterministic": True, "workers": 1, "time_limit": 5}
    combined = parse_scenario(data)
    rota = solve(combined)
    assert rota.status == "OPTIMAL"
    assert [tier.name for tier in rota.objective.tiers] == ["coverage+preferences"]
    assert rota.objective.value == 1
    assert not check_rota(expand(combined), rota)
    monday = {a.person for a in rota.assignments if a.shift == "DAY@2026-03-02T08:00"}
    tuesday = {a.person for a in rota.assignments if a.shift == "DAY@2026-03-03T08:00"}
    assert monday == {"hh-01", "rt-01"} and tuesday == {"hh-01"}


def test_under_weight_prices_each_missing_person() -> None:
    role = make_role("DAY", shifts=[DAILY], staff=2) | {"under_weight": 7}
    scenario = make_scenario(
        roles=[role],
        people=[make_person("hh-01")],
        priorities=["coverage"],
        **one_week(),
    )
    data = scenario.model_dump(mode="json")
    data["solver"] = {"deterministic": True, "workers": 1, "time_limit": 5}
    rota = solve(parse_scenario(data))
    assert rota.objective.value == 7 * 7  # one of two missing on each of 7 days
    assert sum(entry.missing for entry in rota.uncovered) == 7


def test_tier_names_place_a_group_at_its_first_member() -> None:
    priorities = ["coverage", "zone_fairness", "person_fairness", "preferences"]
    assert tier_names(priorities, [["preferences", "coverage"]]) == [
        "coverage+preferences",
        "zone_fairness",
        "person_fairness.max",
        "person_fairness.sum",
    ]


@pytest.mark.parametrize(
    ("combine", "message"),
    [
        ([["coverage"]], "at least two"),
        ([["coverage", "stability"]], "not among the priorities"),
        ([["coverage", "person_fairness"]], "cannot be combined"),
    ],
)
def test_bad_groups_are_refused(combine: list[list[str]], message: str) -> None:
    data = make_scenario(priorities=["coverage", "person_fairness"]).model_dump(mode="json")
    data["objective"]["combine"] = combine
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)

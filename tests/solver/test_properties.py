"""Property: every small scenario yields a validator-clean rota, or INFEASIBLE with reasons."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from solver.scenario import SolverOptions
from solver.shifts import expand
from solver.solve import solve
from solver.validate import check_rota
from tests.solver.conftest import make_person, make_role, make_scenario

HORIZON = ("2026-03-02", "2026-03-16")
DAYS = [f"2026-03-{day:02d}" for day in range(2, 16)]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    people = [
        make_person(
            f"{zone}-{index:02d}",
            qualifications=draw(st.sampled_from([["OBP"], ["SB"], ["OBP", "SB"]])),
            fte=draw(st.sampled_from([1.0, 0.5])),
        )
        for index, zone in enumerate(
            draw(st.lists(st.sampled_from(["hh", "rt"]), min_size=1, max_size=4))
        )
    ]
    roles = [make_role(min_gap=draw(st.sampled_from([None, "P7D"])))]
    if draw(st.booleans()):
        roles.append(
            make_role(
                "SB",
                requires=["SB"],
                rrule="FREQ=DAILY",
                start="17:00",
                duration="PT15H",
                max_duties=draw(st.sampled_from([[], [{"count": 2, "window": "P7D"}]])),
            )
        )
    ids = [person["id"] for person in people]
    absences = [
        {"person": draw(st.sampled_from(ids)), "start": start, "end": DAYS[DAYS.index(start) + 1]}
        for start in draw(st.lists(st.sampled_from(DAYS[:-1]), max_size=2))
    ]
    fixed = []
    if draw(st.booleans()):
        fixed.append({"shift": "OVW@2026-03-09T08:00", "person": draw(st.sampled_from(ids))})
    previous = [
        {"shift": shift, "person": draw(st.sampled_from(ids))}
        for shift in draw(
            st.lists(st.sampled_from(["OVW@2026-03-02T08:00", "OVW@2026-03-09T08:00"]), max_size=2)
        )
    ]
    preferences = [
        {
            "person": draw(st.sampled_from(ids)),
            "start": start,
            "end": DAYS[DAYS.index(start) + 1],
            "kind": draw(st.sampled_from(["avoid", "prefer"])),
            "weight": draw(st.integers(1, 3)),
        }
        for start in draw(st.lists(st.sampled_from(DAYS[:-1]), max_size=2))
    ]
    rules: dict[str, Any] = {"max_concurrent": draw(st.sampled_from([1, 1, 2]))}
    if draw(st.booleans()):
        rules["min_rest"] = draw(st.sampled_from(["PT11H", "PT24H"]))
    if draw(st.booleans()):
        rules["weekends"] = {"max": 1, "window": 2}
    return {
        "people": people,
        "roles": roles,
        "absences": absences,
        "fixed": fixed,
        "previous": previous,
        "preferences": preferences,
        "rules": rules,
        "horizon": HORIZON,
        "priorities": draw(
            st.sampled_from(
                [
                    [],
                    ["coverage", "person_fairness"],
                    ["coverage", "zone_fairness"],
                    ["coverage", "stability", "preferences"],
                    ["preferences", "stability"],
                ]
            )
        ),
    }


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_rota_is_valid_or_infeasibility_is_explained(fields: dict[str, Any]) -> None:
    scenario = make_scenario(**fields)
    options = SolverOptions(time_limit=2, workers=1, seed=1, deterministic=True)
    scenario = scenario.model_copy(update={"solver": options})
    rota = solve(scenario)
    event(rota.status)
    assert rota.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")
    if rota.status == "INFEASIBLE":
        assert rota.explanation
    else:
        assert check_rota(expand(scenario), rota) == []
        if "coverage" not in scenario.objective.priorities:
            assert rota.uncovered == []

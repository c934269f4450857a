"""Infeasibility explanations: contradictions, precheck findings and model cores in words."""

from __future__ import annotations

from solver.eligibility import Eligibility
from solver.explain import certain_infeasibility, explain_infeasible, scenario_contradictions
from solver.fairness import fairness_targets
from solver.shifts import ExpandedScenario
from solver.solve import solve
from tests.solver.conftest import make_expanded, make_person, make_role, make_scenario


def explained(expanded: ExpandedScenario) -> str:
    eligibility = Eligibility(expanded)
    targets = fairness_targets(expanded, eligibility)
    return " ".join(explain_infeasible(expanded, eligibility, targets, time_limit=5))


def test_a_pin_after_a_history_duty_names_pin_rest_and_history() -> None:
    history = {
        "duties": [
            {
                "role": "OVW",
                "person": "hh-01",
                "start": "2026-02-23T08:00",
                "end": "2026-03-02T00:00",
            }
        ]
    }
    pin = {"shift": "OVW@2026-03-02T08:00", "person": "hh-01"}
    expanded = make_expanded(
        fixed=[pin], history=history, rules={"min_rest": "PT11H"}, priorities=["coverage"]
    )
    text = explained(expanded)
    assert "fixed pin OVW@2026-03-02T08:00 → hh-01" in text
    assert "minimum rest (11 h)" in text
    assert "history duty OVW 2026-02-23 08:00" in text


def test_weekend_limits_too_tight_for_the_people_name_staffing_and_weekends() -> None:
    # Two people, each at most one weekend in three: the third weekend has nobody.
    people = [make_person("hh-01"), make_person("rt-01")]
    scenario = make_scenario(
        people=people, rules={"weekends": {"max": 1, "window": 3}}, priorities=[]
    )
    rota = solve(scenario, time_limit=10)
    assert rota.status == "INFEASIBLE"
    text = " ".join(rota.explanation)
    assert "staffing of OVW 2026-03-02 08:00" in text
    assert "at most 1 worked weekend in any 3 consecutive" in text
    assert "hh-01" in text and "rt-01" in text


def test_the_core_is_small() -> None:
    # Many feasible shifts around one conflicting pair of pins.
    pins = [
        {"shift": "OVW@2026-03-02T08:00", "person": "hh-01"},
        {"shift": "OVW@2026-03-09T08:00", "person": "hh-01"},
    ]
    expanded = make_expanded(fixed=pins, rules={"min_rest": "PT1H"}, priorities=["coverage"])
    text = explained(expanded)
    assert text.count("fixed pin") == 2
    assert "staffing" not in text and "hh-02" not in text


def test_a_pin_on_a_removed_shift_contradicts_the_override() -> None:
    shift = "OVW@2026-03-09T08:00"
    expanded = make_expanded(
        fixed=[{"shift": shift, "person": "hh-01"}], shift_overrides=[{"shift": shift, "staff": 0}]
    )
    [message] = scenario_contradictions(expanded)
    assert message.startswith("fixed[0].shift: OVW@2026-03-09T08:00")


def test_precheck_findings_prove_infeasibility_only_when_coverage_is_hard() -> None:
    findings = ["OVW 2026-03-02 08:00 → no eligible person"]
    assert certain_infeasibility(make_expanded(priorities=[]), findings) == findings
    assert certain_infeasibility(make_expanded(priorities=["coverage"]), findings) == []


def test_pins_beyond_a_duty_limit_name_the_limit_and_the_role() -> None:
    role = make_role(
        "D",
        rrule="FREQ=DAILY",
        start="08:00",
        duration="PT8H",
        max_duties=[{"count": 2, "window": "P7D"}],
        min_gap="PT1H",
    )
    pins = [{"shift": f"D@2026-03-0{day}T08:00", "person": "hh-01"} for day in (2, 3, 4)]
    text = explained(make_expanded(roles=[role], fixed=pins, priorities=["coverage"]))
    assert "at most 2 D duties per 7 days for hh-01" in text
    assert text.count("fixed pin") == 3
    assert "minimum gap" not in text

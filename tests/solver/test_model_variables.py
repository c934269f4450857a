"""The model's duty variables: only eligible pairs, ``fix`` and ``extract``; tiers and build."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model import HARD_RULES, SOFT_RULES, build_model, tier_names
from tests.solver.conftest import make_expanded, make_person


def test_variables_exist_only_for_eligible_pairs() -> None:
    people = [
        make_person("hh-01"),
        make_person("hh-02", qualifications=[]),
        make_person("rt-01", active={"start": "2026-03-16", "end": None}),
    ]
    absence = {"person": "hh-01", "start": "2026-03-10", "end": "2026-03-11"}
    plan = build_model(make_expanded(people=people, absences=[absence]))
    assert plan.duties.get("hh-02", "OVW@2026-03-02T08:00") is None  # not qualified
    assert plan.duties.get("hh-01", "OVW@2026-03-09T08:00") is None  # absent
    assert plan.duties.get("rt-01", "OVW@2026-03-09T08:00") is None  # not active yet
    assert plan.duties.get("rt-01", "OVW@2026-03-16T08:00") is not None
    assert len(plan.duties) == 3 + 2  # hh-01 on 3 of 4 weeks, rt-01 on the last 2


def test_fix_and_extract() -> None:
    plan = build_model(make_expanded(priorities=["coverage"]))
    assert plan.duties.fix("rt-02", "OVW@2026-03-16T08:00", True)
    assert plan.duties.fix("hh-01", "OVW@2026-03-02T08:00", False)
    people = make_person("xx-01", zone="HH", qualifications=[])
    ineligible = build_model(make_expanded(people=[people], zones=("HH",)))
    assert not ineligible.duties.fix("xx-01", "OVW@2026-03-02T08:00", True)
    assert ineligible.duties.fix("xx-01", "OVW@2026-03-02T08:00", False)
    solver = cp_model.CpSolver()
    assert solver.solve(plan.model) == cp_model.OPTIMAL
    duties = plan.duties.extract(solver)
    assert ("rt-02", "OVW@2026-03-16T08:00") in duties
    assert ("hh-01", "OVW@2026-03-02T08:00") not in duties


def test_every_rule_has_a_stable_name() -> None:
    names = [rule.NAME for rule in (*HARD_RULES, *SOFT_RULES)]
    assert len(set(names)) == len(names)
    assert all(name[0].isupper() for name in names)


def test_person_fairness_is_two_tiers_max_first() -> None:
    assert tier_names(["coverage", "person_fairness", "preferences"]) == [
        "coverage",
        "person_fairness.max",
        "person_fairness.sum",
        "preferences",
    ]


def test_priorities_left_out_are_not_modelled() -> None:
    plan = build_model(make_expanded(priorities=["coverage"]))
    assert {term.tier for term in plan.terms} == {"coverage"}
    hard = build_model(make_expanded(priorities=[]))
    assert hard.terms == []


def test_explain_mode_guards_each_rule_group() -> None:
    expanded = make_expanded(
        rules={"min_rest": "PT11H", "weekends": {"max": 1, "window": 2}},
        fixed=[{"shift": "OVW@2026-03-02T08:00", "person": "hh-01"}],
        priorities=[],
    )
    plan = build_model(expanded, explain=True)
    rules = {group.rule for group in plan.groups}
    assert rules == {
        "Staffing of every shift",
        "Fixed pin",
        "Minimum rest between duties",
        "Worked weekends",
    }
    assert build_model(expanded).groups == {}

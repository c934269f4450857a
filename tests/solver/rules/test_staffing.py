"""Every shift gets exactly its staff: hard without ``coverage``, a shortfall with it."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model import build_model, staffing
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded, make_person

assert staffing.NAME == "Staffing of every shift"


def status_of(
    expanded: ExpandedScenario, *, minimise: str | None = None
) -> tuple[cp_model.CpSolverStatus, float]:
    plan = build_model(expanded)
    if minimise is not None:
        plan.model.minimize(plan.tier_expr(minimise))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(plan.model)
    value = solver.objective_value if minimise and status == cp_model.OPTIMAL else 0.0
    return status, value


def test_hard_staffing_needs_enough_eligible_people() -> None:
    people = [make_person("hh-01"), make_person("hh-02", qualifications=[])]
    two = {"shift_overrides": [{"shift": "OVW@2026-03-02T08:00", "staff": 2}]}
    assert status_of(make_expanded(people=people, priorities=[]))[0] == cp_model.OPTIMAL
    assert status_of(make_expanded(people=people, priorities=[], **two))[0] == cp_model.INFEASIBLE


def test_soft_staffing_counts_missing_duties() -> None:
    people = [make_person("hh-01"), make_person("hh-02", qualifications=[])]
    overrides = [{"shift": "OVW@2026-03-02T08:00", "staff": 3}]
    expanded = make_expanded(people=people, priorities=["coverage"], shift_overrides=overrides)
    status, missing = status_of(expanded, minimise="coverage")
    assert status == cp_model.OPTIMAL
    assert missing == 2  # one eligible person for a shift of three


def test_never_more_people_than_staff() -> None:
    plan = build_model(make_expanded(priorities=["coverage"]))
    for person in ("hh-01", "hh-02"):
        plan.duties.fix(person, "OVW@2026-03-02T08:00", True)
    assert cp_model.CpSolver().solve(plan.model) == cp_model.INFEASIBLE

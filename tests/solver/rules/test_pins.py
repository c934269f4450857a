"""Fixed pins are hard duties; a pin without a variable (ineligible pair) cannot hold."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.model import build_model, pins
from solver.shifts import ExpandedScenario
from tests.solver.conftest import make_expanded

assert pins.NAME == "Fixed pin"

PIN = {"shift": "OVW@2026-03-09T08:00", "person": "rt-02"}


def solved(expanded: ExpandedScenario) -> tuple[cp_model.CpSolverStatus, list[tuple[str, str]]]:
    plan = build_model(expanded)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(plan.model)
    duties = plan.duties.extract(solver) if status == cp_model.OPTIMAL else []
    return status, duties


def test_a_pin_is_kept() -> None:
    status, duties = solved(make_expanded(fixed=[PIN], priorities=["coverage"]))
    assert status == cp_model.OPTIMAL
    assert ("rt-02", "OVW@2026-03-09T08:00") in duties


def test_a_pin_on_an_absent_person_is_infeasible() -> None:
    absence = {"person": "rt-02", "start": "2026-03-10", "end": "2026-03-11"}
    expanded = make_expanded(fixed=[PIN], absences=[absence], priorities=["coverage"])
    assert solved(expanded)[0] == cp_model.INFEASIBLE


def test_two_pins_on_a_one_person_shift_are_infeasible() -> None:
    second = {"shift": "OVW@2026-03-09T08:00", "person": "hh-01"}
    expanded = make_expanded(fixed=[PIN, second], priorities=["coverage"])
    assert solved(expanded)[0] == cp_model.INFEASIBLE

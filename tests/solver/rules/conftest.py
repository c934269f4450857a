"""Helpers for the per-rule model tests: force duties, ask CP-SAT, compare with the validator.

Staffing is soft here (priorities ``[coverage]``) so that only the rule under
test and the forced duties decide feasibility.
"""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

from solver.model import build_model
from solver.shifts import ExpandedScenario
from solver.validate import validate
from tests.solver.conftest import assign_all


def model_allows(
    expanded: ExpandedScenario,
    duties: Iterable[tuple[str, str]],
    *,
    only: bool = True,
) -> bool:
    """Whether the model has a solution with these ``(shift, person)`` duties.

    With ``only``, every other duty is forced off, so the answer can be
    compared with the validator on exactly these duties.
    """
    plan = build_model(expanded)
    chosen = set(duties)
    for shift, person in chosen:
        if not plan.duties.fix(person, shift, True):
            return False
    if only:
        for person, shift in plan.duties.duty:
            if (shift, person) not in chosen:
                plan.duties.fix(person, shift, False)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5
    status = solver.solve(plan.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE)
    return status != cp_model.INFEASIBLE


def rule_allows(expanded: ExpandedScenario, duties: list[tuple[str, str]], rule: str) -> bool:
    """The model's answer on exactly ``duties``; the validator must agree and blame ``rule``."""
    allowed = model_allows(expanded, duties)
    violations = validate(expanded, assign_all(expanded, duties), uncovered_allowed=True)
    assert allowed == (not violations), f"model says {allowed}, validator says {violations}"
    assert all(violation.rule == rule for violation in violations), violations
    return allowed

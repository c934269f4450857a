"""Why a scenario has no rota, in sentences that name rules, roles, people, shifts and dates.

Three layers, cheapest first:

- ``scenario_contradictions``: the scenario contradicts itself (a pin on a
  shift that an override removes): status ``INVALID``.
- ``certain_infeasibility``: with coverage hard, every ``precheck`` finding
  (too few eligible people, shifts that exclude each other, ``max_duties``
  shortfalls, conflicting pins) already proves there is no rota.
- ``explain_infeasible``: the model is rebuilt with one assumption literal per
  group of hard constraints (a pin; a shift's staffing; minimum rest, a role's
  minimum gap or duty count, concurrency or weekends for one person). CP-SAT
  names a sufficient set of assumptions; deletion-based minimisation with
  short time limits shrinks it to a small core, which is then put into words.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from solver.eligibility import Eligibility, shift_label
from solver.fairness import RoleTargets
from solver.model import (
    build_model,
    concurrency,
    max_duties,
    min_gap,
    pins,
    rest,
    staffing,
    weekends,
)
from solver.model.context import RuleGroup
from solver.shifts import ExpandedScenario
from solver.validate import format_duration

# Deletion-based minimisation tries at most this many groups, each this long at most.
MAX_MINIMISE_GROUPS = 40
MINIMISE_STEP_SECONDS = 2.0


def scenario_contradictions(expanded: ExpandedScenario) -> list[str]:
    """Ways the scenario contradicts itself; each names the field path."""
    removed = {
        override.shift for override in expanded.scenario.shift_overrides if override.staff == 0
    }
    return [
        f"fixed[{index}].shift: {pin.shift} is pinned to {pin.person}, but shift_overrides "
        "removes that shift (staff 0)"
        for index, pin in enumerate(expanded.scenario.fixed)
        if pin.shift in removed and pin.shift not in expanded.by_id
    ]


def certain_infeasibility(expanded: ExpandedScenario, findings: list[str]) -> list[str]:
    """The ``precheck`` findings that prove there is no rota: all of them when coverage is hard.

    With coverage soft, staffing shortfalls only leave shifts uncovered; pins
    that conflict are then found by the model itself (and explained).
    """
    if "coverage" in expanded.scenario.objective.priorities:
        return []
    return list(findings)


def explain_infeasible(
    expanded: ExpandedScenario,
    eligibility: Eligibility,
    targets: dict[str, RoleTargets],
    *,
    time_limit: float,
) -> list[str]:
    """Sentences naming a small set of hard rules that cannot all hold together."""
    deadline = time.perf_counter() + max(time_limit, 1.0)
    plan = build_model(expanded, explain=True, eligibility=eligibility, targets=targets)
    groups = plan.groups
    literals = {var.index: group for group, var in groups.items()}
    core = _core(plan.model, list(groups.values()), deadline - time.perf_counter())
    if core is None:
        return [
            "No rota satisfies every hard rule, but no small set of conflicting rules "
            "was found in the time available."
        ]
    core = _minimise(plan.model, core, deadline)
    named = sorted(literals[var.index] for var in core)
    return [
        "These hard rules cannot all hold together: "
        + "; ".join(describe(expanded, named, eligibility))
        + "."
    ]


def _solver(seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    # Assumption cores come from a single search worker.
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    return solver


def _core(
    model: cp_model.CpModel, assumptions: list[cp_model.IntVar], seconds: float
) -> list[cp_model.IntVar] | None:
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = _solver(seconds)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    by_index = {var.index: var for var in assumptions}
    return [by_index[index] for index in solver.sufficient_assumptions_for_infeasibility()]


def _minimise(
    model: cp_model.CpModel, core: list[cp_model.IntVar], deadline: float
) -> list[cp_model.IntVar]:
    """Drop each group whose removal keeps the rest infeasible (if proven in time)."""
    kept = list(core)
    for candidate in list(core)[:MAX_MINIMISE_GROUPS]:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            break
        if candidate not in kept:
            continue
        trial = [var for var in kept if var is not candidate]
        smaller = _core(model, trial, min(MINIMISE_STEP_SECONDS, remaining))
        if smaller is not None:
            kept = smaller
    model.clear_assumptions()
    return kept


def describe(
    expanded: ExpandedScenario, groups: list[RuleGroup], eligibility: Eligibility
) -> list[str]:
    """Each rule group in a planner's words; a role's staffed shifts are listed together."""
    scenario = expanded.scenario
    tz = scenario.tz
    rules = scenario.rules
    staffed: dict[str, list[str]] = defaultdict(list)
    parts: list[str] = []
    for group in groups:
        if group.rule == staffing.NAME and group.shift is not None:
            shift = expanded.by_id[group.shift]
            eligible = eligibility.people_for(shift.id)
            staffed[shift.role].append(
                f"{shift_label(shift, tz)} (needs {shift.staff}; eligible: "
                f"{', '.join(eligible) if eligible else 'nobody'})"
            )
        elif group.rule == pins.NAME and group.shift is not None:
            shift = expanded.by_id[group.shift]
            text = f"fixed pin {group.shift} → {group.person}"
            reason = eligibility.reason(group.person or "", shift.id)
            parts.append(f"{text} ({reason})" if reason else text)
        elif group.rule == rest.NAME and rules.min_rest is not None:
            parts.append(
                f"minimum rest ({format_duration(rules.min_rest)}) between duties of "
                f"{group.person}{_history_note(expanded, group.person)}"
            )
        elif group.rule == concurrency.NAME:
            parts.append(
                f"at most {rules.max_concurrent} duty at a time for {group.person}"
                f"{_history_note(expanded, group.person)}"
            )
        elif group.rule == min_gap.NAME and group.role is not None:
            gap = scenario.role(group.role).min_gap
            assert gap is not None
            parts.append(
                f"minimum gap between {group.role} duties ({format_duration(gap)}) for "
                f"{group.person}{_history_note(expanded, group.person, group.role)}"
            )
        elif group.rule == max_duties.NAME and group.role is not None:
            role = scenario.role(group.role)
            limits = " and ".join(
                f"{rule.count} {group.role} duties per {format_duration(rule.window)}"
                for rule in role.max_duties
            )
            parts.append(
                f"at most {limits} for {group.person}"
                f"{_history_note(expanded, group.person, group.role)}"
            )
        elif group.rule == weekends.NAME and rules.weekends is not None:
            limit = rules.weekends.max
            parts.append(
                f"at most {limit} worked weekend{'s' if limit != 1 else ''} in any "
                f"{rules.weekends.window} consecutive for {group.person}"
                f"{_history_note(expanded, group.person)}"
            )
        else:
            parts.append(f"{group.rule} ({group})")
    staffing_parts = [f"staffing of {'; '.join(shifts)}" for shifts in staffed.values()]
    return staffing_parts + parts


def _history_note(expanded: ExpandedScenario, person: str | None, role: str | None = None) -> str:
    """Mentions the person's history duties, which these rules carry across the horizon start."""
    scenario = expanded.scenario
    labels = [
        f"{duty.role} {scenario.instant(duty.start):%Y-%m-%d %H:%M}–"
        f"{scenario.instant(duty.end):%Y-%m-%d %H:%M}"
        for duty in scenario.history.duties
        if duty.person == person and (role is None or duty.role == role)
    ]
    if not labels:
        return ""
    return f", after history duty {', '.join(labels[-2:])}"

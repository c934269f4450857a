"""A rota revised by hand (a planner's edit, an applied swap): new assignments, with
everything derived from them — uncovered shifts, fairness, preference costs —
recomputed the same way whoever made the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from solver import split
from solver.fairness import RoleTargets, fairness_report
from solver.precheck import uncovered_reasons
from solver.rota import Assignment, Rota, SoftViolation, Uncovered
from solver.shifts import ExpandedScenario


def preference_violations(
    expanded: ExpandedScenario, duties: Iterable[Assignment]
) -> list[SoftViolation]:
    """The avoid-preferences that ``duties`` overlap, one entry per duty and preference."""
    scenario = expanded.scenario
    found = []
    for duty in duties:
        start, end = scenario.instant(duty.start), scenario.instant(duty.end)
        for preference in scenario.preferences:
            if preference.kind != "avoid" or preference.person != duty.person:
                continue
            if scenario.instant(preference.start) < end and start < scenario.instant(
                preference.end
            ):
                found.append(
                    SoftViolation(
                        rule="preference",
                        person=duty.person,
                        shift=duty.shift,
                        weight=preference.weight,
                    )
                )
    return found


def revised_rota(
    expanded: ExpandedScenario,
    rota: Rota,
    assignments: Sequence[Assignment],
    targets: dict[str, RoleTargets] | None = None,
) -> Rota:
    """``rota`` with ``assignments``; uncovered shifts, fairness and preference costs redone."""
    staffed: dict[str, int] = defaultdict(int)
    for duty in assignments:
        parent = split.parent_shift(duty.shift)
        # A split duty's parts tile their shift (the validator checks it): the part that
        # starts with the shift stands for the whole staffing slot.
        if not split.is_part(duty.shift) or duty.start == expanded.by_id[parent].start:
            staffed[parent] += 1
    uncovered = [
        Uncovered(
            shift=shift.id,
            role=shift.role,
            start=shift.start,
            end=shift.end,
            missing=shift.staff - staffed[shift.id],
            reasons=uncovered_reasons(expanded, shift),
        )
        for shift in expanded.shifts
        if staffed[shift.id] < shift.staff
    ]
    kept = [violation for violation in rota.soft_violations if violation.rule != "preference"]
    return rota.model_copy(
        update={
            "assignments": list(assignments),
            "uncovered": uncovered,
            "fairness": fairness_report(expanded, assignments, targets),
            "soft_violations": kept + preference_violations(expanded, assignments),
        }
    )

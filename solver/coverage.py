"""How many people each shift needs and may take, and what a shortfall or surplus costs.

Shared by the CP-SAT model, the validator and the benchmark importer, so all
three read ``staff``, ``max_staff`` and the weights the same way:

- ``staff`` (the template's, the role's, or a ``shift_overrides`` entry's) is
  the number of people the shift needs;
- ``max_staff`` (override, else role; never below ``staff``) is how many may
  take it; without one, exactly ``staff``;
- with coverage soft, each missing person costs ``under_weight`` and each one
  beyond ``staff`` costs ``over_weight`` (override, else role; default 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.shifts import ExpandedScenario


@dataclass(frozen=True)
class Cover:
    """What one shift needs (``staff``), may take (``most``) and the cost per person off."""

    staff: int
    most: int
    under_weight: int
    over_weight: int


def shift_covers(expanded: ExpandedScenario) -> dict[str, Cover]:
    """The ``Cover`` of every shift of the horizon, by shift id."""
    scenario = expanded.scenario
    roles = {role.id: role for role in scenario.roles}
    overrides = {override.shift: override for override in scenario.shift_overrides}
    covers: dict[str, Cover] = {}
    for shift in expanded.shifts:
        role = roles[shift.role]
        override = overrides.get(shift.id)
        most = role.max_staff
        under, over = role.under_weight, role.over_weight
        if override is not None:
            if override.max_staff is not None:
                most = override.max_staff
            if override.under_weight is not None:
                under = override.under_weight
            if override.over_weight is not None:
                over = override.over_weight
        covers[shift.id] = Cover(
            staff=shift.staff,
            most=max(shift.staff, most if most is not None else shift.staff),
            under_weight=under,
            over_weight=over,
        )
    return covers

"""Fair-share targets and the fairness report, exactly as SCENARIO.md ("Fair share") defines them.

For role ``r`` a person is *eligible* if they hold every qualification it
requires. Their capacity is ``c = fte × a`` where ``a`` is the fraction of the
role's shifts in the horizon they could take given their active window and
absences (counted per shift, ignoring rest rules). With ``L`` the role's total
load in the horizon (a shift with staff 2 counts twice), ``h_p`` a person's
history load and ``H`` its sum over eligible people:

- person target ``T_p = (L + H) × c_p / Σ c − h_p`` (negative: owed nothing);
- zone target ``T_z = (L + Σ G) × s_z / Σ s − G_z`` with ``G_z`` the zone's
  history load and shares ``s_z`` from ``role.zone_shares`` (zones not listed
  get 0) or, when omitted, each zone's summed capacity of eligible people.

Edge cases, decided here:

- A role with no shifts in the horizon: ``a = 1`` for every eligible person
  (nothing to miss), so the history still spreads by ``fte``.
- ``Σ c = 0`` (no eligible person, or none available for any shift): nobody
  can carry any load, so every person target is 0. Likewise when ``Σ s = 0``
  every zone target is 0.
- History load of a person who is not eligible (e.g. lost the qualification)
  is left out of ``H``; that person has no target for the role. Zone history
  ``G`` counts every zone of the scenario.

Targets are exact floats; only ``fairness_report`` rounds (2 decimals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solver.eligibility import Eligibility
from solver.rota import Assignment, PersonFairness, RoleFairness, ZoneFairness
from solver.shifts import ExpandedScenario

REPORT_DECIMALS = 2


@dataclass(frozen=True)
class RoleTargets:
    """The fair-share ledger of one role (dicts keyed by person id or zone id)."""

    role: str
    total_load: float  # L, staff multiples included
    history_total: float  # H, over eligible people
    person_capacity: dict[str, float]  # c_p = fte × a_p, eligible people only
    person_target: dict[str, float]  # T_p
    zone_share: dict[str, float]  # s_z, every zone of the scenario
    zone_target: dict[str, float]  # T_z, every zone of the scenario


def fairness_targets(
    expanded: ExpandedScenario, eligibility: Eligibility | None = None
) -> dict[str, RoleTargets]:
    """The targets of every role, keyed by role id (see the module docstring)."""
    eligibility = eligibility or Eligibility(expanded)
    scenario = expanded.scenario
    history_people = scenario.history.load.people
    history_zones = scenario.history.load.zones
    targets: dict[str, RoleTargets] = {}
    for role in scenario.roles:
        shifts = [shift for shift in expanded.shifts if shift.role == role.id]
        total_load = sum(shift.load * shift.staff for shift in shifts)
        holders = eligibility.holders(role.id)

        capacity: dict[str, float] = {}
        for person_id in holders:
            fte = scenario.person(person_id).fte
            if shifts:
                available = sum(
                    1 for shift in shifts if eligibility.is_eligible(person_id, shift.id)
                )
                capacity[person_id] = fte * available / len(shifts)
            else:
                capacity[person_id] = fte

        history = {
            person_id: history_people.get(person_id, {}).get(role.id, 0.0) for person_id in holders
        }
        history_total = sum(history.values())
        capacity_total = sum(capacity.values())
        person_target = {
            person_id: (
                (total_load + history_total) * capacity[person_id] / capacity_total
                - history[person_id]
                if capacity_total > 0
                else 0.0
            )
            for person_id in holders
        }

        zone_ids = [zone.id for zone in scenario.zones]
        if role.zone_shares is not None:
            share = {zone_id: role.zone_shares.get(zone_id, 0.0) for zone_id in zone_ids}
        else:
            share = dict.fromkeys(zone_ids, 0.0)
            for person_id, person_capacity in capacity.items():
                share[scenario.person(person_id).zone] += person_capacity
        zone_history = {
            zone_id: history_zones.get(zone_id, {}).get(role.id, 0.0) for zone_id in zone_ids
        }
        zone_history_total = sum(zone_history.values())
        share_total = sum(share.values())
        zone_target = {
            zone_id: (
                (total_load + zone_history_total) * share[zone_id] / share_total
                - zone_history[zone_id]
                if share_total > 0
                else 0.0
            )
            for zone_id in zone_ids
        }
        targets[role.id] = RoleTargets(
            role=role.id,
            total_load=total_load,
            history_total=history_total,
            person_capacity=capacity,
            person_target=person_target,
            zone_share=share,
            zone_target=zone_target,
        )
    return targets


def fairness_report(
    expanded: ExpandedScenario,
    assignments: Sequence[Assignment],
    targets: dict[str, RoleTargets] | None = None,
) -> dict[str, RoleFairness]:
    """Load, target and deviation per role, per zone and per person, rounded for the rota.

    A duty's load is the expanded shift's load (the assignment's own ``load``
    only for a shift the scenario does not know) and counts for the person's
    scenario zone. People with load but no target (not eligible) are listed
    with capacity 0 and target 0, so their load stays visible.
    """
    targets = targets or fairness_targets(expanded)
    scenario = expanded.scenario
    zone_of = {person.id: person.zone for person in scenario.people}
    person_load: dict[tuple[str, str], float] = {}
    zone_load: dict[tuple[str, str], float] = {}
    for assignment in assignments:
        shift = expanded.by_id.get(assignment.shift)
        role_id = shift.role if shift is not None else assignment.role
        load = shift.load if shift is not None else assignment.load
        person_key = (role_id, assignment.person)
        person_load[person_key] = person_load.get(person_key, 0.0) + load
        zone_key = (role_id, zone_of.get(assignment.person, assignment.zone))
        zone_load[zone_key] = zone_load.get(zone_key, 0.0) + load

    report: dict[str, RoleFairness] = {}
    for role_id, role_targets in targets.items():
        people: dict[str, PersonFairness] = {}
        person_ids = list(role_targets.person_target)
        person_ids += [
            person_id
            for (load_role, person_id) in person_load
            if load_role == role_id and person_id not in role_targets.person_target
        ]
        for person_id in person_ids:
            load = person_load.get((role_id, person_id), 0.0)
            target = role_targets.person_target.get(person_id, 0.0)
            people[person_id] = PersonFairness(
                load=_round(load),
                capacity=_round(role_targets.person_capacity.get(person_id, 0.0)),
                target=_round(target),
                deviation=_round(load - target),
            )
        zones: dict[str, ZoneFairness] = {}
        for zone_id, target in role_targets.zone_target.items():
            load = zone_load.get((role_id, zone_id), 0.0)
            zones[zone_id] = ZoneFairness(
                load=_round(load), target=_round(target), deviation=_round(load - target)
            )
        report[role_id] = RoleFairness(zones=zones, people=people)
    return report


def _round(value: float) -> float:
    rounded = round(value, REPORT_DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in reports

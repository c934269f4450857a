"""Small-scenario builders shared by the solver tests.

Keyword-only factories with sensible defaults: four people (two per zone, all
holding OBP), one weekly OVW role (Monday 08:00, P7D) and a four-week horizon
in March 2026 whose last week crosses the change to summer time (29 March).
Import them: ``from tests.solver.conftest import make_scenario, make_expanded``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from solver.rota import Assignment
from solver.scenario import Scenario, parse_scenario
from solver.shifts import ExpandedScenario, expand

DEFAULT_HORIZON = ("2026-03-02", "2026-03-30")
DEFAULT_ZONES = ("HH", "RT")
DEFAULT_PEOPLE_IDS = ("hh-01", "hh-02", "rt-01", "rt-02")


def make_person(
    person_id: str,
    *,
    zone: str | None = None,
    qualifications: Sequence[str] = ("OBP",),
    fte: float = 1.0,
    active: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """A person entry; the zone defaults to the id's prefix in upper case (``hh-01`` → HH)."""
    data: dict[str, Any] = {
        "id": person_id,
        "name": f"Person {person_id}",
        "zone": zone if zone is not None else person_id.split("-")[0].upper(),
        "qualifications": list(qualifications),
        "fte": fte,
    }
    if active is not None:
        data["active"] = dict(active)
    return data


def make_role(
    role_id: str = "OVW",
    *,
    requires: Sequence[str] | None = None,
    rrule: str = "FREQ=WEEKLY;BYDAY=MO",
    start: str = "08:00",
    duration: str = "P7D",
    staff: int = 1,
    shifts: Sequence[Mapping[str, Any]] | None = None,
    zone_shares: Mapping[str, float] | None = None,
    min_gap: str | None = None,
    max_duties: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A role entry with one shift template unless ``shifts`` lists several.

    ``requires`` defaults to ``["OBP"]`` so the default people can take it.
    """
    data: dict[str, Any] = {
        "id": role_id,
        "name": f"Role {role_id}",
        "requires": list(requires) if requires is not None else ["OBP"],
        "staff": staff,
        "shifts": (
            [dict(template) for template in shifts]
            if shifts is not None
            else [{"rrule": rrule, "start": start, "duration": duration}]
        ),
        "max_duties": [dict(rule) for rule in max_duties],
    }
    if zone_shares is not None:
        data["zone_shares"] = dict(zone_shares)
    if min_gap is not None:
        data["min_gap"] = min_gap
    return data


def make_scenario(
    *,
    people: Iterable[Mapping[str, Any]] | None = None,
    roles: Iterable[Mapping[str, Any]] | None = None,
    horizon: tuple[str, str] = DEFAULT_HORIZON,
    zones: Sequence[str] = DEFAULT_ZONES,
    timezone: str = "Europe/Brussels",
    calendar: Mapping[str, Any] | None = None,
    rules: Mapping[str, Any] | None = None,
    absences: Iterable[Mapping[str, Any]] = (),
    preferences: Iterable[Mapping[str, Any]] = (),
    history: Mapping[str, Any] | None = None,
    fixed: Iterable[Mapping[str, str]] = (),
    previous: Iterable[Mapping[str, str]] = (),
    shift_overrides: Iterable[Mapping[str, Any]] = (),
    priorities: Sequence[str] | None = None,
    name: str = "test scenario",
) -> Scenario:
    """A validated ``Scenario``; every argument is plain data as in a scenario file."""
    data: dict[str, Any] = {
        "name": name,
        "timezone": timezone,
        "horizon": {"start": horizon[0], "end": horizon[1]},
        "zones": [{"id": zone, "name": f"Zone {zone}"} for zone in zones],
        "roles": [dict(role) for role in roles] if roles is not None else [make_role()],
        "people": (
            [dict(person) for person in people]
            if people is not None
            else [make_person(person_id) for person_id in DEFAULT_PEOPLE_IDS]
        ),
        "absences": [dict(absence) for absence in absences],
        "preferences": [dict(preference) for preference in preferences],
        "fixed": [dict(pin) for pin in fixed],
        "previous": [dict(pin) for pin in previous],
        "shift_overrides": [dict(override) for override in shift_overrides],
    }
    if calendar is not None:
        data["calendar"] = dict(calendar)
    if rules is not None:
        data["rules"] = dict(rules)
    if history is not None:
        data["history"] = dict(history)
    if priorities is not None:
        data["objective"] = {"priorities": list(priorities)}
    return parse_scenario(data)


def make_expanded(**scenario_fields: Any) -> ExpandedScenario:
    """``expand(make_scenario(**scenario_fields))``."""
    return expand(make_scenario(**scenario_fields))


def local(expanded: ExpandedScenario, text: str) -> datetime:
    """An instant from local ``YYYY-MM-DDTHH:MM`` text in the scenario's time zone."""
    return expanded.scenario.instant(datetime.fromisoformat(text))


def assign(
    expanded: ExpandedScenario, shift_id: str, person_id: str, *, fixed: bool = False
) -> Assignment:
    """A correct ``Assignment`` of ``person_id`` to ``shift_id`` (times, zone and load)."""
    shift = expanded.by_id[shift_id]
    person = expanded.scenario.person(person_id)
    return Assignment(
        shift=shift.id,
        role=shift.role,
        start=shift.start,
        end=shift.end,
        person=person_id,
        zone=person.zone,
        load=shift.load,
        fixed=fixed,
    )


def assign_all(expanded: ExpandedScenario, pairs: Iterable[tuple[str, str]]) -> list[Assignment]:
    """Assignments for ``(shift_id, person_id)`` pairs."""
    return [assign(expanded, shift_id, person_id) for shift_id, person_id in pairs]

"""The Curtois & Qu staff-rostering benchmark (Instance1–24): read an instance, turn it
into a scenario, and recompute a roster's cost in the benchmark's own terms.

Pure: no files are read here except by ``read_instance``'s caller passing text.
The format and the objective are described in ``../shared/benchmarks/curtois/FORMAT.md``
and ``docs/nrp.md``. The scenario it makes:

- day 0 is ``HORIZON_START`` (a Monday), time zone UTC (no DST), no holidays;
- each shift type ``t`` is a role ``t`` requiring qualification ``t``, with a
  daily template at 00:00 lasting the type's length; all shifts of a day
  overlap, so ``max_concurrent: 1`` gives "one shift per day";
- each employee is a person holding ``t`` when ``MaxShifts[t] > 0``, with
  ``limits`` for minutes, per-type maxima, consecutive days, days off and
  weekends (window = the whole horizon);
- days off are absences; shift on/off requests are ``shift_preferences``
  (``prefer`` / ``avoid``);
- cover lines set each shift's ``staff`` (the requirement), ``max_staff``
  (everyone) and the under/over weights; coverage is soft;
- the objective is one tier, ``coverage+preferences``, which equals the
  benchmark's objective.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from solver.scenario import SCENARIO_FORMAT, Scenario, parse_scenario

HORIZON_START = date(2024, 1, 1)  # a Monday, like every instance's day 0
ZONE = "NRP"


class NrpFormatError(ValueError):
    """The text is not a Curtois–Qu instance; the message names the line."""


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class Employee:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CoverLine:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass
class Instance:
    name: str
    days: int
    shift_types: list[ShiftType] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[Request] = field(default_factory=list)
    off_requests: list[Request] = field(default_factory=list)
    cover: list[CoverLine] = field(default_factory=list)


SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


def read_instance(text: str, name: str = "instance") -> Instance:
    """Parse the text of ``InstanceN.txt``."""
    lines: dict[str, list[tuple[int, list[str]]]] = {section: [] for section in SECTIONS}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if line.startswith("#"):
            continue
        if line in SECTIONS:
            current = line
            continue
        if current is None:
            raise NrpFormatError(f"line {number}: data outside a section: {line!r}")
        lines[current].append((number, [part.strip() for part in line.split(",")]))
    if not lines["SECTION_HORIZON"]:
        raise NrpFormatError("SECTION_HORIZON is missing or empty")

    def integer(number: int, value: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise NrpFormatError(f"line {number}: '{value}' is not an integer") from None

    number, fields = lines["SECTION_HORIZON"][0]
    instance = Instance(name=name, days=integer(number, fields[0]))
    for number, fields in lines["SECTION_SHIFTS"]:
        forbidden = tuple(part for part in fields[2].split("|") if part) if len(fields) > 2 else ()
        instance.shift_types.append(ShiftType(fields[0], integer(number, fields[1]), forbidden))
    for number, fields in lines["SECTION_STAFF"]:
        if len(fields) != 8:
            raise NrpFormatError(f"line {number}: a staff line has 8 fields, not {len(fields)}")
        limits = {}
        for pair in fields[1].split("|"):
            if pair:
                shift, _, limit = pair.partition("=")
                limits[shift] = integer(number, limit)
        values = [integer(number, value) for value in fields[2:]]
        instance.employees.append(Employee(fields[0], limits, *values))
    for number, fields in lines["SECTION_DAYS_OFF"]:
        instance.days_off[fields[0]] = [integer(number, value) for value in fields[1:] if value]
    for key, target in (
        ("SECTION_SHIFT_ON_REQUESTS", instance.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", instance.off_requests),
    ):
        for number, fields in lines[key]:
            target.append(
                Request(
                    fields[0], integer(number, fields[1]), fields[2], integer(number, fields[3])
                )
            )
    for number, fields in lines["SECTION_COVER"]:
        instance.cover.append(
            CoverLine(
                integer(number, fields[0]),
                fields[1],
                *(integer(number, value) for value in fields[2:5]),
            )
        )
    return instance


def shift_id(shift_type: str, day: int) -> str:
    """The scenario's shift id of shift type ``shift_type`` on day ``day``."""
    return f"{shift_type}@{HORIZON_START + timedelta(days=day):%Y-%m-%d}T00:00"


def day_and_type(shift: str) -> tuple[int, str]:
    """``shift_id`` reversed: (day, shift type)."""
    shift_type, _, start = shift.partition("@")
    return (datetime.fromisoformat(start).date() - HORIZON_START).days, shift_type


def scenario_data(
    instance: Instance, *, time_limit: float = 60, workers: int = 8, seed: int = 1
) -> dict[str, Any]:
    """The instance as plain scenario data (what ``permanence import-nrp`` writes)."""
    days, weeks = instance.days, instance.days // 7
    people_count = len(instance.employees)
    cover_by_type: dict[str, list[CoverLine]] = {shift.id: [] for shift in instance.shift_types}
    for line in instance.cover:
        cover_by_type[line.shift].append(line)
    roles: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    for shift in instance.shift_types:
        lines = cover_by_type[shift.id]
        usual = _most_common((line.requirement for line in lines), 0)
        under = _most_common((line.under_weight for line in lines), 100)
        over = _most_common((line.over_weight for line in lines), 1)
        most = max([people_count, *(line.requirement for line in lines)])
        roles.append(
            {
                "id": shift.id,
                "name": f"Shift {shift.id}",
                "requires": [shift.id],
                "staff": usual,
                "max_staff": most,
                "under_weight": under,
                "over_weight": over,
                "shifts": [
                    {"rrule": "FREQ=DAILY", "start": "00:00", "duration": f"PT{shift.minutes}M"}
                ],
            }
        )
        for line in lines:
            if (line.requirement, line.under_weight, line.over_weight) == (usual, under, over):
                continue
            overrides.append(
                {
                    "shift": shift_id(shift.id, line.day),
                    "staff": line.requirement,
                    "max_staff": most,
                    "under_weight": line.under_weight,
                    "over_weight": line.over_weight,
                }
            )
    people = []
    for employee in instance.employees:
        limits: dict[str, Any] = {
            "min_minutes": employee.min_minutes,
            "max_minutes": employee.max_minutes,
            "max_consecutive_days": employee.max_consecutive,
            "min_consecutive_days": employee.min_consecutive,
            "min_days_off": employee.min_days_off,
        }
        capped = {shift: limit for shift, limit in employee.max_shifts.items() if 0 < limit < days}
        if capped:
            limits["max_duties"] = capped
        if employee.max_weekends < weeks:
            limits["weekends"] = {"max": employee.max_weekends, "window": weeks}
        people.append(
            {
                "id": employee.id,
                "name": f"Employee {employee.id}",
                "zone": ZONE,
                "qualifications": [
                    shift.id
                    for shift in instance.shift_types
                    if employee.max_shifts.get(shift.id, 0) > 0
                ],
                "limits": limits,
            }
        )
    absences = [
        {
            "person": employee,
            "start": (HORIZON_START + timedelta(days=day)).isoformat(),
            "end": (HORIZON_START + timedelta(days=day + 1)).isoformat(),
            "reason": "day off",
        }
        for employee, off in instance.days_off.items()
        for day in off
    ]
    preferences = [
        {
            "person": request.employee,
            "shift": shift_id(request.shift, request.day),
            "kind": kind,
            "weight": request.weight,
        }
        for kind, requests in (("prefer", instance.on_requests), ("avoid", instance.off_requests))
        for request in requests
    ]
    return {
        "format": SCENARIO_FORMAT,
        "name": f"Curtois–Qu {instance.name}",
        "timezone": "UTC",
        "horizon": {
            "start": HORIZON_START.isoformat(),
            "end": (HORIZON_START + timedelta(days=days)).isoformat(),
        },
        "zones": [{"id": ZONE, "name": "Benchmark ward"}],
        "roles": roles,
        "people": people,
        "absences": absences,
        "shift_preferences": preferences,
        "rules": {
            "max_concurrent": 1,
            "forbidden_successions": [
                {"first": shift.id, "then": then}
                for shift in instance.shift_types
                for then in shift.forbidden_next
            ],
        },
        "shift_overrides": overrides,
        "objective": {
            "priorities": ["coverage", "preferences"],
            "combine": [["coverage", "preferences"]],
        },
        "solver": {"time_limit": time_limit, "workers": workers, "seed": seed},
    }


def to_scenario(
    instance: Instance, *, time_limit: float = 60, workers: int = 8, seed: int = 1
) -> Scenario:
    return parse_scenario(
        scenario_data(instance, time_limit=time_limit, workers=workers, seed=seed)
    )


def benchmark_cost(instance: Instance, duties: Iterable[tuple[str, str]]) -> int:
    """The benchmark objective of a roster given as ``(employee, shift id)`` duties.

    Computed from the instance alone, exactly as FORMAT.md writes it: each
    refused on-request and granted off-request costs its weight; each cover
    line costs ``WeightUnder`` per missing and ``WeightOver`` per extra person.
    """
    taken = {(employee, *day_and_type(shift)) for employee, shift in duties}
    cost = sum(
        request.weight
        for request in instance.on_requests
        if (request.employee, request.day, request.shift) not in taken
    )
    cost += sum(
        request.weight
        for request in instance.off_requests
        if (request.employee, request.day, request.shift) in taken
    )
    staffed = Counter((day, shift_type) for _, day, shift_type in taken)
    for line in instance.cover:
        have = staffed[line.day, line.shift]
        cost += line.under_weight * max(0, line.requirement - have)
        cost += line.over_weight * max(0, have - line.requirement)
    return cost


def _most_common(values: Iterable[int], default: int) -> int:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else default

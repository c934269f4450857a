"""Shift expansion: role templates → concrete shifts with instants, staff and load.

Templates are RFC 5545 RRULEs whose DTSTART is the horizon start date at the
template's local start time. A shift's end is its start plus the template's
duration, nominal days in local time and hours as elapsed time, so a weekly
08:00 handover stays 08:00 on both sides of a DST change. Load is weighted
hours: each real hour counts the weight of the local day it falls in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import holidays as holiday_calendars
from dateutil.rrule import rrulestr

from solver.scenario import Scenario, ShiftOverride, ShiftPerson, with_fixed_offset

if TYPE_CHECKING:
    from solver.coverage import Cover


class ShiftExpansionError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


@dataclass(frozen=True)
class Shift:
    """One occurrence of a role's shift template."""

    id: str
    role: str
    start: datetime  # aware, in the scenario's time zone
    end: datetime
    staff: int
    load: float  # weighted hours of one duty on this shift

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def shift_id(role: str, local_start: datetime) -> str:
    return f"{role}@{local_start:%Y-%m-%dT%H:%M}"


class DayCalendar:
    """The weight of each local calendar day, from weekday, holidays and special days."""

    def __init__(self, scenario: Scenario) -> None:
        settings = scenario.calendar
        self._weights = settings.day_weights
        self._special = dict(settings.special_days)
        self._extra = set(settings.extra_holidays)
        self._country = settings.country
        self._subdivision = settings.subdivision
        self._public: dict[int, set[date]] = {}
        self._tz = scenario.tz

    def _public_holidays(self, year: int) -> set[date]:
        if year not in self._public:
            if self._country is None:
                self._public[year] = set()
            else:
                self._public[year] = set(
                    holiday_calendars.country_holidays(
                        self._country, subdiv=self._subdivision, years=year
                    )
                )
        return self._public[year]

    def is_holiday(self, day: date) -> bool:
        return day in self._extra or day in self._public_holidays(day.year)

    def weight(self, day: date) -> float:
        """The highest applicable weight of the day (SCENARIO.md, *Load*)."""
        candidates = [self._weights.weekday]
        if day.weekday() == 5:
            candidates = [self._weights.saturday]
        elif day.weekday() == 6:
            candidates = [self._weights.sunday]
        if self.is_holiday(day):
            candidates.append(self._weights.holiday)
        if day in self._special:
            candidates.append(self._special[day])
        return max(candidates)

    def load(self, start: datetime, end: datetime) -> float:
        """Weighted hours of ``[start, end)``, real elapsed time per local day."""
        tz = self._tz
        total = 0.0
        day = start.astimezone(tz).date()
        while True:
            day_start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
            if day_start >= end:
                break
            day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
            overlap = min(end, day_end) - max(start, day_start)
            if overlap > timedelta(0):
                total += overlap.total_seconds() / 3600 * self.weight(day)
            day += timedelta(days=1)
        return total


@dataclass
class ExpandedScenario:
    """A scenario with its shifts expanded; the solver and validator share it."""

    scenario: Scenario
    shifts: list[Shift]
    # Per-shift facts that rules derive once and every model of the scenario
    # shares (models of groups of people are built many times: solver.reroster).
    facts: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def by_id(self) -> dict[str, Shift]:
        return {shift.id: shift for shift in self.shifts}

    @cached_property
    def calendar(self) -> DayCalendar:
        return DayCalendar(self.scenario)

    @cached_property
    def covers(self) -> dict[str, Cover]:
        """``solver.coverage.shift_covers``, once: models of groups of people share it."""
        from solver.coverage import shift_covers  # it reads shifts: imported late

        return shift_covers(self)


def expand_shifts(scenario: Scenario) -> list[Shift]:
    """All shifts of the horizon with staff > 0, sorted by start then id.

    Raises ``ShiftExpansionError`` naming the field when two templates produce
    the same shift id or when ``fixed``, ``previous`` or ``shift_overrides``
    name a shift that is not in the horizon.
    """
    tz = scenario.tz
    calendar = DayCalendar(scenario)
    horizon_end = datetime.combine(scenario.horizon.end, time(0))
    problems: list[tuple[str, str]] = []
    staff_of: dict[str, int] = {}
    drafts: list[tuple[str, str, datetime, datetime]] = []

    for role_index, role in enumerate(scenario.roles):
        for template_index, template in enumerate(role.shifts):
            dtstart = datetime.combine(scenario.horizon.start, template.start)
            rule = rrulestr(template.rrule, dtstart=dtstart)
            for local_start in rule.between(dtstart, horizon_end, inc=True):
                if local_start >= horizon_end:
                    continue
                identifier = shift_id(role.id, local_start)
                if identifier in staff_of:
                    problems.append(
                        (
                            f"roles[{role_index}].shifts[{template_index}]",
                            f"shift {identifier} is produced twice",
                        )
                    )
                    continue
                start = with_fixed_offset(local_start.replace(tzinfo=tz), tz)
                end = template.duration.after(start, tz)
                staff_of[identifier] = role.staff if template.staff is None else template.staff
                drafts.append((identifier, role.id, start, end))

    named_shifts: list[tuple[str, Sequence[ShiftPerson | ShiftOverride]]] = [
        ("fixed", scenario.fixed),
        ("previous", scenario.previous),
        ("shift_overrides", scenario.shift_overrides),
    ]
    for kind, pins in named_shifts:
        for index, pin in enumerate(pins):
            if pin.shift not in staff_of:
                problems.append(
                    (f"{kind}[{index}].shift", f"no shift '{pin.shift}' in the horizon")
                )
    if problems:
        raise ShiftExpansionError(problems)

    # A shift that may take extra people (``max_staff``) stays even with staff 0,
    # unless an override sets staff 0 without a ``max_staff`` of its own.
    extensible = {role.id for role in scenario.roles if role.max_staff}
    optional = {identifier for identifier, role_id, _, _ in drafts if role_id in extensible}
    for override in scenario.shift_overrides:
        staff_of[override.shift] = override.staff
        if override.max_staff:
            optional.add(override.shift)
        elif override.staff == 0:
            optional.discard(override.shift)

    shifts = [
        Shift(
            id=identifier,
            role=role_id,
            start=start,
            end=end,
            staff=staff_of[identifier],
            load=calendar.load(start, end),
        )
        for identifier, role_id, start, end in drafts
        if staff_of[identifier] > 0 or identifier in optional
    ]
    shifts.sort(key=lambda shift: (shift.start, shift.id))
    return shifts


def expand(scenario: Scenario) -> ExpandedScenario:
    return ExpandedScenario(scenario=scenario, shifts=expand_shifts(scenario))

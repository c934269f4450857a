"""The week-by-week rota grid: per role, one row per week, a cell per day.

A duty covers the days from its local start to the last day whose noon it
reaches (an OvW week from Monday 08:00 to Monday 08:00 covers Monday to Sunday;
an ICT night from 17:00 to 08:00 covers the evening it starts), so a cell can
span several days. Uncovered shifts get a cell of their own, flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.services.rotas import DutyPublic
from scheduler.services.spreadsheets import covered_days


@dataclass(frozen=True)
class Holder:
    code: str
    name: str
    zone: str


@dataclass
class Segment:
    shift: str
    start: datetime  # local
    end: datetime  # local
    first_day: date
    last_day: date
    holders: list[Holder] = field(default_factory=list)
    missing: int = 0


@dataclass
class Cell:
    day: date
    span: int
    segments: list[Segment]


@dataclass
class WeekRow:
    monday: date
    cells: list[Cell]

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week


@dataclass
class RoleGrid:
    role: str
    weeks: list[WeekRow]
    uncovered: int


def day_span(start: datetime, end: datetime) -> tuple[date, date]:
    """The first and last local day a duty covers (see ``spreadsheets.covered_days``)."""
    days = covered_days(start, end)
    return days[0], days[-1]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _segments(
    duties: Iterable[DutyPublic], uncovered: Iterable[Mapping[str, Any]], tz: ZoneInfo
) -> dict[str, list[Segment]]:
    by_shift: dict[str, Segment] = {}
    roles: dict[str, str] = {}

    def segment(shift: str, role: str, start: datetime, end: datetime) -> Segment:
        if shift not in by_shift:
            local_start, local_end = start.astimezone(tz), end.astimezone(tz)
            first, last = day_span(local_start, local_end)
            by_shift[shift] = Segment(shift, local_start, local_end, first, last)
            roles[shift] = role
        return by_shift[shift]

    for duty in duties:
        segment(duty.shift, duty.role, duty.start, duty.end).holders.append(
            Holder(duty.person, duty.person_name, duty.zone)
        )
    for gap in uncovered:
        start, end = gap["start"], gap["end"]
        if isinstance(start, str):
            start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        segment(gap["shift"], gap["role"], start, end).missing += int(gap.get("missing", 1))
    per_role: dict[str, list[Segment]] = {}
    for shift, item in by_shift.items():
        per_role.setdefault(roles[shift], []).append(item)
    for items in per_role.values():
        items.sort(key=lambda item: (item.start, item.shift))
    return per_role


def _week_cells(monday: date, segments: list[Segment]) -> list[Cell]:
    sunday = monday + timedelta(days=6)
    inside = [item for item in segments if item.first_day <= sunday and item.last_day >= monday]
    starts: dict[int, list[Segment]] = {}
    for item in inside:
        starts.setdefault((max(item.first_day, monday) - monday).days, []).append(item)
    cells: list[Cell] = []
    index = 0
    while index < 7:
        here = starts.get(index)
        day = monday + timedelta(days=index)
        if not here:
            cells.append(Cell(day, 1, []))
            index += 1
            continue
        later = [start for start in starts if start > index]
        limit = (min(later) if later else 7) - index
        length = min((min(item.last_day, sunday) - day).days + 1 for item in here)
        span = max(1, min(length, limit))
        cells.append(Cell(day, span, here))
        index += span
    return cells


def build_grid(
    *,
    roles: list[str],
    duties: Iterable[DutyPublic],
    uncovered: Iterable[Mapping[str, Any]],
    first_monday: date,
    weeks: int,
    timezone: str,
) -> list[RoleGrid]:
    """Per role (in the given order), ``weeks`` rows from ``first_monday``."""
    per_role = _segments(duties, uncovered, ZoneInfo(timezone))
    grids = []
    for role in roles:
        segments = per_role.get(role, [])
        rows = [
            WeekRow(monday, _week_cells(monday, segments))
            for monday in (first_monday + timedelta(weeks=number) for number in range(weeks))
        ]
        end = first_monday + timedelta(weeks=weeks)
        missing = sum(
            1 for item in segments if item.missing and first_monday <= item.first_day < end
        )
        grids.append(RoleGrid(role, rows, missing))
    return grids

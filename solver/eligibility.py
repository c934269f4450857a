"""Who may take which shift: qualifications, active window and absences.

These are the per-(person, shift) hard rules that do not depend on other
duties, so the CP-SAT model creates duty variables only for eligible pairs and
the validator, the pre-check and the fairness targets all share one reading:

- *Qualification*: the person holds every qualification in ``role.requires``.
- *Active window*: a duty lies entirely within ``[active.start 00:00,
  active.end 00:00)`` local time. ``active.end`` is the first day the person
  is no longer active; a missing bound is open.
- *Absence*: no duty may overlap an absence. Intervals are half-open, so an
  absence ending exactly when a duty starts (or starting exactly when it ends)
  does not overlap it.

Reasons are short and in a planner's words (``not qualified: lacks OBP``,
``on leave 2026-07-13 → 2026-08-03``, ``not active before 2026-03-01``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from solver.scenario import Moment, Person, Scenario
from solver.shifts import ExpandedScenario, Shift

BlockerRule = Literal["qualification", "active_window", "absence"]


@dataclass(frozen=True)
class Blocker:
    """Why one person cannot take one shift: the rule (a validator rule id) and a reason."""

    rule: BlockerRule
    reason: str


def duty_label(role: str, start: datetime, tz: ZoneInfo) -> str:
    """``OVW 2026-01-05 08:00``: a role and a local start, as planners name a duty."""
    return f"{role} {start.astimezone(tz):%Y-%m-%d %H:%M}"


def shift_label(shift: Shift, tz: ZoneInfo) -> str:
    return duty_label(shift.role, shift.start, tz)


def format_moment(moment: Moment, tz: ZoneInfo) -> str:
    """A scenario moment as a planner reads it: a date, or a local date and time."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(tz)
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment:%Y-%m-%d}"


@dataclass(frozen=True)
class _Span:
    start: datetime
    end: datetime
    reason: str


class _PersonAvailability:
    """One person's qualifications, active bounds and sorted absences, as instants."""

    def __init__(self, scenario: Scenario, person: Person) -> None:
        self.person = person
        self.qualifications = frozenset(person.qualifications)
        active = person.active
        self.active_start = None
        self.active_end = None
        self.active_start_day: date | None = None
        self.active_end_day: date | None = None
        if active is not None:
            self.active_start_day = active.start
            self.active_end_day = active.end
            if active.start is not None:
                self.active_start = scenario.instant(active.start)
            if active.end is not None:
                self.active_end = scenario.instant(active.end)
        absences = [
            _Span(
                start=scenario.instant(absence.start),
                end=scenario.instant(absence.end),
                reason=(
                    f"{'on ' + absence.reason if absence.reason else 'absent'} "
                    f"{format_moment(absence.start, scenario.tz)} → "
                    f"{format_moment(absence.end, scenario.tz)}"
                ),
            )
            for absence in scenario.absences
            if absence.person == person.id
        ]
        absences.sort(key=lambda span: (span.start, span.end))
        self.absences = absences
        self.absence_starts = [span.start for span in absences]
        # The longest absence bounds how far back an overlapping one can start.
        self.longest_absence = max((span.end - span.start for span in absences), default=None)

    def blocker(self, requires: frozenset[str], start: datetime, end: datetime) -> Blocker | None:
        missing = requires - self.qualifications
        if missing:
            return Blocker("qualification", f"not qualified: lacks {', '.join(sorted(missing))}")
        if self.active_start is not None and start < self.active_start:
            return Blocker("active_window", f"not active before {self.active_start_day}")
        if self.active_end is not None and end > self.active_end:
            return Blocker("active_window", f"not active from {self.active_end_day}")
        absence = self.overlapping_absence(start, end)
        if absence is not None:
            return Blocker("absence", absence.reason)
        return None

    def overlapping_absence(self, start: datetime, end: datetime) -> _Span | None:
        if self.longest_absence is None:
            return None
        # Only absences starting before ``end`` and after ``start - longest`` can overlap.
        index = bisect_left(self.absence_starts, end)
        earliest = start - self.longest_absence
        while index > 0:
            index -= 1
            span = self.absences[index]
            if span.start < earliest:
                break
            if span.end > start:
                return span
        return None


class Eligibility:
    """Cached eligibility of every person for every shift of an expanded scenario.

    ``people_for(shift_id)`` lists eligible person ids in scenario order;
    ``blocker`` and ``reason`` say why a person cannot take a shift (``None``
    when they can). Answers are computed on first use and cached.
    """

    def __init__(self, expanded: ExpandedScenario) -> None:
        self.expanded = expanded
        scenario = expanded.scenario
        self.tz = scenario.tz
        self._people = {
            person.id: _PersonAvailability(scenario, person) for person in scenario.people
        }
        self._requires = {role.id: frozenset(role.requires) for role in scenario.roles}
        self._blockers: dict[tuple[str, str], Blocker | None] = {}
        self._eligible: dict[str, list[str]] = {}
        self._holders: dict[str, list[str]] = {}
        self._shifts_of: dict[str, list[str]] | None = None

    def blocker(self, person_id: str, shift_id: str) -> Blocker | None:
        key = (person_id, shift_id)
        if key not in self._blockers:
            shift = self.expanded.by_id[shift_id]
            self._blockers[key] = self.blocker_for_span(
                person_id, shift.role, shift.start, shift.end
            )
        return self._blockers[key]

    def blocker_for_span(
        self, person_id: str, role_id: str, start: datetime, end: datetime
    ) -> Blocker | None:
        """Why ``person_id`` cannot hold a ``role_id`` duty over ``[start, end)``."""
        return self._people[person_id].blocker(self._requires[role_id], start, end)

    def reason(self, person_id: str, shift_id: str) -> str | None:
        blocker = self.blocker(person_id, shift_id)
        return None if blocker is None else blocker.reason

    def is_eligible(self, person_id: str, shift_id: str) -> bool:
        return self.blocker(person_id, shift_id) is None

    def people_for(self, shift_id: str) -> list[str]:
        if shift_id not in self._eligible:
            # Only qualified people can be eligible; most are not, in large scenarios.
            holders = self.holders(self.expanded.by_id[shift_id].role)
            self._eligible[shift_id] = [
                person_id for person_id in holders if self.blocker(person_id, shift_id) is None
            ]
        return self._eligible[shift_id]

    def shifts_for(self, person_id: str) -> list[str]:
        """Ids of the shifts the person may take, in shift order."""
        if self._shifts_of is None:
            shifts_of: dict[str, list[str]] = {person: [] for person in self._people}
            for shift in self.expanded.shifts:
                for person in self.people_for(shift.id):
                    shifts_of[person].append(shift.id)
            self._shifts_of = shifts_of
        return self._shifts_of[person_id]

    def holders(self, role_id: str) -> list[str]:
        """Ids of people holding every qualification the role requires, in scenario order."""
        if role_id not in self._holders:
            requires = self._requires[role_id]
            self._holders[role_id] = [
                person_id
                for person_id, person in self._people.items()
                if requires <= person.qualifications
            ]
        return self._holders[role_id]


def unavailability(expanded: ExpandedScenario, person: Person, shift: Shift) -> str | None:
    """``None`` if ``person`` may take ``shift``, else a short planner-readable reason."""
    scenario = expanded.scenario
    requires = frozenset(scenario.role(shift.role).requires)
    blocker = _PersonAvailability(scenario, person).blocker(requires, shift.start, shift.end)
    return None if blocker is None else blocker.reason


def eligible_people(expanded: ExpandedScenario, shift: Shift) -> list[str]:
    """Ids of the people who may take ``shift``, in scenario order.

    For many shifts, build one ``Eligibility`` and call ``people_for`` instead.
    """
    return [
        person.id
        for person in expanded.scenario.people
        if unavailability(expanded, person, shift) is None
    ]

"""The independent validator: every hard rule recomputed from the assignments alone.

It does not use CP-SAT; it is the executable specification the solver's output
must always pass, and the swap workflow and ``permanence check`` use it. Each
``Violation`` names a stable rule id and says, in a planner's words, who, which
duties and which dates are involved.

Rule ids and how each rule is read (instants are compared as real elapsed time;
``Duration`` days are nominal local days, added with ``Duration.after``):

- ``unknown_shift`` / ``unknown_person``: the assignment names a shift or a
  person the scenario does not have. Such assignments take no further part.
- ``load_mismatch``: the assignment's copied fields (role, start, end, zone,
  load) disagree with the expanded shift or the person's zone.
- ``duplicate``: the same person twice on one shift.
- ``staffing``: a shift with more people than its staff (never allowed), or
  fewer (allowed when ``uncovered_allowed``, by default when ``coverage`` is
  one of the objective's priorities, i.e. coverage is soft).
- ``qualification``, ``active_window``, ``absence``: see ``solver.eligibility``.
- ``fixed``: a pin of ``scenario.fixed`` that is not among the assignments.
- ``max_concurrent``: more than ``rules.max_concurrent`` duties of one person
  (any roles) overlap at one moment.
- ``min_rest``: between any two distinct duties of a person (any roles) the
  later must start at least ``rules.min_rest`` after the earlier ends.
  Overlapping duties have a negative gap, so they break it too, except when
  ``max_concurrent`` > 1: then overlaps are allowed and only ``max_concurrent``
  governs them (a CP-SAT model forbids the same pairs).
- ``min_gap``: a person's duty of a role starts at least ``role.min_gap``
  after the end of each of their earlier duties of that same role.
- ``max_duties``: at most ``count`` duties of a role per person whose START
  lies in any window ``[t, t + window)``.
- ``weekends``: a weekend is Saturday 00:00 to Monday 00:00 local; a person
  works it if any of their duties overlaps it. At most ``max`` worked weekends
  in any ``window`` consecutive weekends (the person's ``limits.weekends``,
  else ``rules.weekends``).

General rostering rules (``solver.limits``: a person's ``limits`` override
``rules``). A *working day* is a local day on which one of the person's duties
starts:

- ``max_consecutive_days``: no run of working days longer than the limit
  (history duties' days count);
- ``min_consecutive_days`` / ``min_days_off``: a run of working days (of days
  off) with a day of the other kind on both sides inside the horizon is at
  least that long; runs touching the first or last day are not checked;
- ``forbidden_succession``: a duty of role ``first`` on one day and one of
  role ``then`` on the next (history duties count);
- ``person_max_duties``: more duties of a role than ``limits.max_duties``;
- ``duty_minutes``: total real duty minutes outside
  ``[limits.min_minutes, limits.max_minutes]`` (the minimum is checked for
  every person, with or without duties).

Staffing reads ``solver.coverage``: more people than ``max_staff`` (default
``staff``) is never allowed.

The rules between duties of one person hold across the horizon boundary:
``history.duties`` take part as facts, but a violation that involves only
history duties is never reported (nothing can be done about it).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from solver.coverage import shift_covers
from solver.eligibility import Eligibility, duty_label
from solver.limits import Limits, person_limits
from solver.rota import Assignment, Rota
from solver.scenario import Duration, MaxDuties, Role, Scenario
from solver.shifts import ExpandedScenario, shift_id

LOAD_TOLERANCE = 0.01  # weighted hours; rotas round loads for display


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: a stable rule id, a planner's message, who and which shifts."""

    rule: str
    message: str
    person: str | None = None
    shifts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duty:
    """One person on one shift (or a history duty), with real instants."""

    shift: str  # shift id; for history duties the id the shift would have had
    role: str
    person: str
    start: datetime
    end: datetime
    history: bool = False


def format_duration(duration: Duration) -> str:
    """``Duration`` in words: ``11 h``, ``21 days``, ``1 day 12 h 30 min``."""
    parts = []
    if duration.days:
        parts.append(f"{duration.days} day{'s' if duration.days != 1 else ''}")
    hours, rest = divmod(duration.seconds, 3600)
    minutes = rest // 60
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts) or "0 h"


def format_elapsed(elapsed: timedelta) -> str:
    """Elapsed time to the minute: ``9 h 00 min``, ``13 days 23 h 59 min``."""
    total_minutes = int(elapsed.total_seconds() // 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = f"{hours} h {minutes:02d} min"
    if days:
        text = f"{days} day{'s' if days != 1 else ''} {text}"
    return text


class Validator:
    """Checks assignments against one expanded scenario; reusable for many checks."""

    def __init__(self, expanded: ExpandedScenario, eligibility: Eligibility | None = None) -> None:
        self.expanded = expanded
        self.scenario: Scenario = expanded.scenario
        self.tz: ZoneInfo = self.scenario.tz
        self.eligibility = eligibility or Eligibility(expanded)
        self.roles: dict[str, Role] = {role.id: role for role in self.scenario.roles}
        self.zone_of = {person.id: person.zone for person in self.scenario.people}
        self.limits: dict[str, Limits] = person_limits(self.scenario)
        self.covers = shift_covers(expanded)
        self.horizon_days = (self.scenario.horizon.start, self.scenario.horizon.end)
        self.successions: dict[str, set[str]] = defaultdict(set)
        for succession in self.scenario.rules.forbidden_successions:
            self.successions[succession.first].add(succession.then)
        # Local-calendar arithmetic is the costly part; a validator asked many times
        # (uncovered reasons, swaps) meets the same duties again and again.
        self._after_cache: dict[tuple[Duration, datetime], datetime] = {}
        self._weekends_cache: dict[tuple[datetime, datetime], list[date]] = {}
        self.history_by_person: dict[str, list[Duty]] = defaultdict(list)
        for entry in self.scenario.history.duties:
            start = self.scenario.instant(entry.start)
            self.history_by_person[entry.person].append(
                Duty(
                    shift=shift_id(entry.role, start.astimezone(self.tz).replace(tzinfo=None)),
                    role=entry.role,
                    person=entry.person,
                    start=start,
                    end=self.scenario.instant(entry.end),
                    history=True,
                )
            )

    # --- Labels -----------------------------------------------------------------------------

    def label(self, duty: Duty) -> str:
        text = duty_label(duty.role, duty.start, self.tz)
        return f"{text} (history)" if duty.history else text

    def shift_label(self, shift_id_: str) -> str:
        shift = self.expanded.by_id[shift_id_]
        return duty_label(shift.role, shift.start, self.tz)

    # --- Whole rota -------------------------------------------------------------------------

    def validate(
        self, assignments: Sequence[Assignment], *, uncovered_allowed: bool | None = None
    ) -> list[Violation]:
        if uncovered_allowed is None:
            uncovered_allowed = "coverage" in self.scenario.objective.priorities
        violations: list[Violation] = []
        duties = self._checked_duties(assignments, violations)
        violations += self._staffing(duties, uncovered_allowed)
        violations += self._fixed(duties)
        by_person: dict[str, list[Duty]] = defaultdict(list)
        for duty in duties:
            by_person[duty.person].append(duty)
        for person in self.scenario.people:
            if person.id in by_person:
                violations += self.person_violations(person.id, by_person[person.id])
            violations += self._least_minutes(person.id, by_person.get(person.id, []))
        return violations

    def duties(self, assignments: Sequence[Assignment]) -> list[Duty]:
        """The distinct duties of known people on known shifts, at the shifts' real times."""
        duties: dict[tuple[str, str], Duty] = {}
        for assignment in assignments:
            shift = self.expanded.by_id.get(assignment.shift)
            person = assignment.person
            if shift is not None and person in self.zone_of:
                duties.setdefault(
                    (shift.id, person), Duty(shift.id, shift.role, person, shift.start, shift.end)
                )
        return list(duties.values())

    def _checked_duties(
        self, assignments: Sequence[Assignment], violations: list[Violation]
    ) -> list[Duty]:
        """``duties``, adding a violation for each assignment that is wrong on its own."""
        duties: list[Duty] = []
        seen: set[tuple[str, str]] = set()
        for assignment in assignments:
            shift = self.expanded.by_id.get(assignment.shift)
            person = assignment.person
            if shift is None:
                violations.append(
                    Violation(
                        "unknown_shift",
                        f"{person} is assigned to '{assignment.shift}', "
                        "which is not a shift of this scenario",
                        person,
                        (assignment.shift,),
                    )
                )
                continue
            label = self.shift_label(shift.id)
            if person not in self.zone_of:
                violations.append(
                    Violation(
                        "unknown_person",
                        f"{label} is assigned to '{person}', who is not in this scenario",
                        person,
                        (shift.id,),
                    )
                )
                continue
            if (shift.id, person) in seen:
                violations.append(
                    Violation(
                        "duplicate", f"{person} is assigned twice to {label}", person, (shift.id,)
                    )
                )
                continue
            seen.add((shift.id, person))
            mismatches = self._mismatches(assignment, shift.role, shift.start, shift.end)
            if abs(assignment.load - shift.load) > LOAD_TOLERANCE:
                mismatches.append(f"load {assignment.load:g} (the shift's is {shift.load:g})")
            if mismatches:
                violations.append(
                    Violation(
                        "load_mismatch",
                        f"the assignment of {person} to {label} says {'; '.join(mismatches)}",
                        person,
                        (shift.id,),
                    )
                )
            blocker = self.eligibility.blocker(person, shift.id)
            if blocker is not None:
                violations.append(
                    Violation(
                        blocker.rule,
                        f"{person} cannot take {label}: {blocker.reason}",
                        person,
                        (shift.id,),
                    )
                )
            duties.append(
                Duty(
                    shift=shift.id,
                    role=shift.role,
                    person=person,
                    start=shift.start,
                    end=shift.end,
                )
            )
        return duties

    def _mismatches(
        self, assignment: Assignment, role: str, start: datetime, end: datetime
    ) -> list[str]:
        mismatches = []
        if assignment.role != role:
            mismatches.append(f"role {assignment.role} (the shift's is {role})")
        # A naive time is read as local, like every time in a scenario.
        if self.scenario.instant(assignment.start) != start:
            mismatches.append(f"start {assignment.start.isoformat()} (the shift's is {start})")
        if self.scenario.instant(assignment.end) != end:
            mismatches.append(f"end {assignment.end.isoformat()} (the shift's is {end})")
        zone = self.zone_of[assignment.person]
        if assignment.zone != zone:
            mismatches.append(f"zone {assignment.zone} ({assignment.person} is in {zone})")
        return mismatches

    def _staffing(self, duties: Sequence[Duty], uncovered_allowed: bool) -> list[Violation]:
        people_on: dict[str, list[str]] = defaultdict(list)
        for duty in duties:
            people_on[duty.shift].append(duty.person)
        violations = []
        for shift in self.expanded.shifts:
            people = people_on.get(shift.id, [])
            label = self.shift_label(shift.id)
            most = self.covers[shift.id].most
            if len(people) > most:
                violations.append(
                    Violation(
                        "staffing",
                        f"{label} has {len(people)} people ({', '.join(people)}) "
                        + (
                            f"but needs only {most}"
                            if most == shift.staff
                            else f"but may take only {most}"
                        ),
                        None,
                        (shift.id,),
                    )
                )
            elif len(people) < shift.staff and not uncovered_allowed:
                violations.append(
                    Violation(
                        "staffing",
                        f"{label} has {len(people)} of the {shift.staff} "
                        f"{'person' if shift.staff == 1 else 'people'} it needs",
                        None,
                        (shift.id,),
                    )
                )
        return violations

    def _fixed(self, duties: Sequence[Duty]) -> list[Violation]:
        taken = {(duty.shift, duty.person) for duty in duties}
        violations = []
        for pin in self.scenario.fixed:
            if (pin.shift, pin.person) in taken:
                continue
            if pin.shift in self.expanded.by_id:
                message = (
                    f"{self.shift_label(pin.shift)} is pinned to {pin.person}, "
                    f"but {pin.person} is not assigned to it"
                )
            else:
                message = (
                    f"{pin.shift} is pinned to {pin.person}, but shift_overrides removes "
                    "that shift (staff 0)"
                )
            violations.append(Violation("fixed", message, pin.person, (pin.shift,)))
        return violations

    # --- Rules between the duties of one person ---------------------------------------------

    def person_violations(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        """Violations of the rules between duties of one person, history duties included."""
        own = sorted(
            [*duties, *self.history_by_person.get(person_id, [])],
            key=lambda duty: (duty.start, duty.end, duty.shift),
        )
        violations = self._max_concurrent(person_id, own)
        violations += self._min_rest(person_id, own)
        by_role: dict[str, list[Duty]] = defaultdict(list)
        for duty in own:
            by_role[duty.role].append(duty)
        for role_id, role_duties in by_role.items():
            role = self.roles[role_id]
            if role.min_gap is not None:
                violations += self._min_gap(person_id, role, role_duties)
            for rule in role.max_duties:
                violations += self._max_duties(person_id, role, rule, role_duties)
        violations += self._weekends(person_id, own)
        violations += self._working_days(person_id, own)
        violations += self._successions(person_id, own)
        violations += self._most_per_person(person_id, own)
        return violations

    def duty_conflicts(
        self, person_id: str, shift_id_: str, assignments: Sequence[Assignment]
    ) -> list[Violation]:
        """What would break if ``person_id`` also took ``shift_id_`` next to ``assignments``.

        Only the rules between duties (concurrency, rest, gap, duty counts,
        weekends) and only violations that involve that shift; the person's
        other assignments are taken from ``assignments``.
        """
        shift = self.expanded.by_id[shift_id_]
        own = [
            assignment
            for assignment in assignments
            if assignment.person == person_id and assignment.shift != shift_id_
        ]
        duties = self.duties(own)
        candidate = Duty(shift_id_, shift.role, person_id, shift.start, shift.end)
        return [
            violation
            for violation in self.person_violations(person_id, [*duties, candidate])
            if shift_id_ in violation.shifts
        ]

    def _max_concurrent(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        limit = self.scenario.rules.max_concurrent
        violations = []
        active: list[tuple[datetime, int]] = []
        for index, duty in enumerate(duties):
            while active and active[0][0] <= duty.start:
                heapq.heappop(active)
            heapq.heappush(active, (duty.end, index))
            if len(active) > limit:
                together = [duties[i] for i in sorted(i for _, i in active)]
                if all(other.history for other in together):
                    continue
                violations.append(
                    Violation(
                        "max_concurrent",
                        f"{person_id} would hold {len(together)} duties at once "
                        f"(maximum {limit}): {self._list(together)}",
                        person_id,
                        tuple(other.shift for other in together),
                    )
                )
        return violations

    def _min_rest(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        min_rest = self.scenario.rules.min_rest
        if min_rest is None or min_rest == Duration(0, 0):
            return []
        overlaps_allowed = self.scenario.rules.max_concurrent > 1
        violations = []
        for earlier, later in self._pairs_too_close(duties, min_rest):
            gap = later.start - earlier.end
            if gap < timedelta(0):
                if overlaps_allowed:
                    continue
                rest = "no rest: they overlap"
            else:
                rest = f"only {format_elapsed(gap)} rest"
            violations.append(
                Violation(
                    "min_rest",
                    f"{person_id} would have {rest} between {self.label(earlier)} and "
                    f"{self.label(later)} (minimum {format_duration(min_rest)})",
                    person_id,
                    (earlier.shift, later.shift),
                )
            )
        return violations

    def _min_gap(self, person_id: str, role: Role, duties: Sequence[Duty]) -> list[Violation]:
        assert role.min_gap is not None
        violations = []
        for earlier, later in self._pairs_too_close(duties, role.min_gap):
            gap = later.start - earlier.end
            between = "overlapping duties" if gap < timedelta(0) else f"only {format_elapsed(gap)}"
            violations.append(
                Violation(
                    "min_gap",
                    f"{person_id} would have {between} between {self.label(earlier)} and "
                    f"{self.label(later)} (minimum gap between {role.id} duties: "
                    f"{format_duration(role.min_gap)})",
                    person_id,
                    (earlier.shift, later.shift),
                )
            )
        return violations

    def _pairs_too_close(
        self, duties: Sequence[Duty], gap: Duration
    ) -> Iterator[tuple[Duty, Duty]]:
        """Pairs (earlier start first) where the later starts before ``gap`` after the earlier ends.

        ``duties`` are sorted by start. A pair involving only history is skipped.
        """
        if not duties:
            return
        longest = max(duty.end - duty.start for duty in duties)
        reach = [self.after(gap, duty.end) for duty in duties]
        horizon = longest + gap.nominal_upper_bound
        for j, later in enumerate(duties):
            for i in range(j - 1, -1, -1):
                earlier = duties[i]
                if earlier.start < later.start - horizon:
                    break
                if reach[i] > later.start and not (earlier.history and later.history):
                    yield earlier, later

    def _max_duties(
        self, person_id: str, role: Role, rule: MaxDuties, duties: Sequence[Duty]
    ) -> list[Violation]:
        violations = []
        count = rule.count
        reported_until = -1
        for first in range(len(duties) - count):
            last = first + count
            if first <= reported_until:
                continue
            window_end = self.after(rule.window, duties[first].start)
            if duties[last].start >= window_end:
                continue
            group = list(duties[first : last + 1])
            if all(duty.history for duty in group):
                continue
            reported_until = last
            violations.append(
                Violation(
                    "max_duties",
                    f"{person_id} would have {len(group)} {role.id} duties starting within "
                    f"{format_duration(rule.window)} (maximum {count}): {self._list(group)}",
                    person_id,
                    tuple(duty.shift for duty in group),
                )
            )
        return violations

    def _weekends(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        rule = self.limits[person_id].weekends
        if rule is None:
            return []
        worked: dict[date, list[Duty]] = defaultdict(list)
        for duty in duties:
            for saturday in self.weekends_of(duty.start, duty.end):
                worked[saturday].append(duty)
        saturdays = sorted(worked)
        violations = []
        reported_until = -1
        span = timedelta(days=7 * rule.window)
        for first in range(len(saturdays) - rule.max):
            last = first + rule.max
            if first <= reported_until or saturdays[last] - saturdays[first] >= span:
                continue
            group = saturdays[first : last + 1]
            group_duties = list(dict.fromkeys(duty for day in group for duty in worked[day]))
            if all(duty.history for duty in group_duties):
                continue
            reported_until = last
            violations.append(
                Violation(
                    "weekends",
                    f"{person_id} would work {len(group)} weekends within {rule.window} "
                    f"consecutive weekends (maximum {rule.max}): weekends of "
                    f"{', '.join(f'{day:%Y-%m-%d}' for day in group)} "
                    f"({self._list(group_duties)})",
                    person_id,
                    tuple(duty.shift for duty in group_duties),
                )
            )
        return violations

    def day_of(self, duty: Duty) -> date:
        """The local day a duty starts on: the working day it counts for."""
        return duty.start.astimezone(self.tz).date()

    def _working_days(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        limits = self.limits[person_id]
        if (
            limits.max_consecutive_days is None
            and limits.min_consecutive_days is None
            and limits.min_days_off is None
        ):
            return []
        first, end = self.horizon_days
        on_day: dict[date, list[Duty]] = defaultdict(list)
        for duty in duties:
            on_day[self.day_of(duty)].append(duty)
        violations = []
        if limits.max_consecutive_days is not None:
            for run in _runs(sorted(on_day)):
                days = run
                if len(days) <= limits.max_consecutive_days:
                    continue
                run_duties = [duty for day in days for duty in on_day[day]]
                if all(duty.history for duty in run_duties):
                    continue
                violations.append(
                    Violation(
                        "max_consecutive_days",
                        f"{person_id} would work {len(days)} days in a row, "
                        f"{days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d} "
                        f"(maximum {limits.max_consecutive_days})",
                        person_id,
                        tuple(duty.shift for duty in run_duties),
                    )
                )
        inside = sorted(day for day in on_day if first <= day < end)
        last = end - timedelta(days=1)
        if limits.min_consecutive_days is not None:
            for run in _runs(inside):
                if run[0] == first or run[-1] == last or len(run) >= limits.min_consecutive_days:
                    continue
                violations.append(
                    Violation(
                        "min_consecutive_days",
                        f"{person_id} would work only {len(run)} day"
                        f"{'s' if len(run) != 1 else ''} in a row, {run[0]:%Y-%m-%d} to "
                        f"{run[-1]:%Y-%m-%d} (minimum {limits.min_consecutive_days})",
                        person_id,
                        tuple(duty.shift for day in run for duty in on_day[day]),
                    )
                )
        if limits.min_days_off is not None:
            for before, after in pairwise(inside):
                off = (after - before).days - 1
                if 0 < off < limits.min_days_off:
                    violations.append(
                        Violation(
                            "min_days_off",
                            f"{person_id} would have only {off} day{'s' if off != 1 else ''} "
                            f"off between {before:%Y-%m-%d} and {after:%Y-%m-%d} "
                            f"(minimum {limits.min_days_off})",
                            person_id,
                            tuple(duty.shift for day in (before, after) for duty in on_day[day]),
                        )
                    )
        return violations

    def _successions(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        if not self.successions:
            return []
        on_day: dict[date, list[Duty]] = defaultdict(list)
        for duty in duties:
            on_day[self.day_of(duty)].append(duty)
        violations = []
        for day, earlier in sorted(on_day.items()):
            for first in earlier:
                forbidden = self.successions.get(first.role)
                if not forbidden:
                    continue
                for then in on_day.get(day + timedelta(days=1), []):
                    if then.role in forbidden and not (first.history and then.history):
                        violations.append(
                            Violation(
                                "forbidden_succession",
                                f"{person_id} would take {self.label(then)} the day after "
                                f"{self.label(first)} ({first.role} may not be followed by "
                                f"{then.role} the next day)",
                                person_id,
                                (first.shift, then.shift),
                            )
                        )
        return violations

    def _most_per_person(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        limits = self.limits[person_id]
        own = [duty for duty in duties if not duty.history]
        violations = []
        for role_id, count in sorted(limits.max_duties.items()):
            of_role = [duty for duty in own if duty.role == role_id]
            if len(of_role) > count:
                violations.append(
                    Violation(
                        "person_max_duties",
                        f"{person_id} would have {len(of_role)} {role_id} duties "
                        f"(maximum {count} for them)",
                        person_id,
                        tuple(duty.shift for duty in of_role),
                    )
                )
        minutes = duty_minutes(own)
        if limits.max_minutes is not None and minutes > limits.max_minutes:
            violations.append(
                Violation(
                    "duty_minutes",
                    f"{person_id} would have {minutes} duty minutes (maximum {limits.max_minutes})",
                    person_id,
                    tuple(duty.shift for duty in own),
                )
            )
        return violations

    def _least_minutes(self, person_id: str, duties: Sequence[Duty]) -> list[Violation]:
        least = self.limits[person_id].min_minutes
        minutes = duty_minutes(duties)
        if least is None or minutes >= least:
            return []
        return [
            Violation(
                "duty_minutes",
                f"{person_id} would have only {minutes} duty minutes (minimum {least})",
                person_id,
                tuple(duty.shift for duty in duties),
            )
        ]

    def after(self, duration: Duration, moment: datetime) -> datetime:
        """``duration.after(moment)`` in the scenario's time zone, remembered."""
        key = (duration, moment)
        if key not in self._after_cache:
            self._after_cache[key] = duration.after(moment, self.tz)
        return self._after_cache[key]

    def weekends_of(self, start: datetime, end: datetime) -> list[date]:
        """Saturdays of the weekends (Sat 00:00 → Mon 00:00 local) overlapping ``[start, end)``."""
        key = (start, end)
        if key not in self._weekends_cache:
            self._weekends_cache[key] = self._weekends_overlapping(start, end)
        return self._weekends_cache[key]

    def _weekends_overlapping(self, start: datetime, end: datetime) -> list[date]:
        day = start.astimezone(self.tz).date()
        weekday = day.weekday()
        # The weekend that contains ``start`` or, on a weekday, the next one; it ends
        # after ``start``, so it overlaps whenever it begins before ``end``.
        saturday = (
            day - timedelta(days=weekday - 5) if weekday >= 5 else day + timedelta(days=5 - weekday)
        )
        saturdays = []
        while datetime.combine(saturday, time(0), tzinfo=self.tz) < end:
            saturdays.append(saturday)
            saturday += timedelta(days=7)
        return saturdays

    def _list(self, duties: Sequence[Duty]) -> str:
        labels = [self.label(duty) for duty in duties]
        if len(labels) <= 2:
            return " and ".join(labels)
        return ", ".join(labels[:-1]) + f" and {labels[-1]}"

    # --- Rota -------------------------------------------------------------------------------

    def check_rota(self, rota: Rota) -> list[Violation]:
        uncovered_allowed = "coverage" in self.scenario.objective.priorities
        violations = self.validate(rota.assignments, uncovered_allowed=uncovered_allowed)
        staffed: dict[str, int] = defaultdict(int)
        for duty in self.duties(rota.assignments):
            staffed[duty.shift] += 1
        listed = {entry.shift: entry.missing for entry in rota.uncovered}
        for shift in self.expanded.shifts:
            short = max(shift.staff - staffed[shift.id], 0)
            missing = listed.pop(shift.id, 0)
            if short == missing:
                continue
            label = self.shift_label(shift.id)
            if missing == 0:
                message = f"{label} is short of {short} but the rota does not list it as uncovered"
            elif short == 0:
                message = f"the rota lists {label} as uncovered, but it is fully staffed"
            else:
                message = f"the rota lists {label} as missing {missing}, but it is short of {short}"
            violations.append(Violation("uncovered", message, None, (shift.id,)))
        for unknown in listed:
            violations.append(
                Violation(
                    "unknown_shift",
                    f"the rota lists '{unknown}' as uncovered, which is not a shift of this "
                    "scenario",
                    None,
                    (unknown,),
                )
            )
        return violations


def duty_minutes(duties: Sequence[Duty]) -> int:
    """Real elapsed minutes of the duties, each rounded down to whole minutes."""
    return sum(int((duty.end - duty.start).total_seconds()) // 60 for duty in duties)


def _runs(days: Sequence[date]) -> list[list[date]]:
    """Sorted days split into runs of consecutive days."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def validate(
    expanded: ExpandedScenario,
    assignments: Sequence[Assignment],
    *,
    uncovered_allowed: bool | None = None,
) -> list[Violation]:
    """Every hard-rule violation of ``assignments`` (empty when the rota is valid).

    ``uncovered_allowed`` (default: ``coverage`` is one of the objective's
    priorities) lets shifts have fewer people than their staff; more is never allowed.
    """
    return Validator(expanded).validate(assignments, uncovered_allowed=uncovered_allowed)


def check_rota(expanded: ExpandedScenario, rota: Rota) -> list[Violation]:
    """``validate`` on a rota's assignments, plus: ``uncovered`` lists exactly the understaffing.

    Rule ``uncovered`` when an entry is missing, wrong or names a fully staffed shift.
    """
    return Validator(expanded).check_rota(rota)

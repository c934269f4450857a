"""Cheap explanations before solving, and reasons for uncovered shifts, in a planner's words.

``precheck`` finds what makes a scenario infeasible without asking CP-SAT:

- shifts with fewer eligible people than staff, naming who holds the
  qualification and why each is unavailable (consecutive shifts of a role with
  the same cause are reported once);
- runs of shifts that pairwise exclude each other for one person yet cannot
  all get different eligible people: per role under ``min_gap``, and (when
  ``max_concurrent`` is 1) under ``min_rest`` or one duty at a time, within
  a role and across roles;
- windows where ``max_duties`` lets the eligible people take fewer duties
  than the shifts need;
- pins (``fixed``) that break a hard rule on their own or together with other
  pins and ``history.duties``.

These are necessary conditions only: an empty list does not prove the
scenario feasible. ``uncovered_reasons`` says why a shift may be hard to staff.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from solver.eligibility import Eligibility, shift_label
from solver.rota import Assignment
from solver.scenario import Duration, Role
from solver.shifts import ExpandedScenario, Shift
from solver.validate import Validator, format_duration

MAX_NAMED = 8  # people named in one message before "and N more"


def precheck(expanded: ExpandedScenario, eligibility: Eligibility | None = None) -> list[str]:
    """Reasons the scenario cannot be fully staffed, found without solving (may be empty)."""
    eligibility = eligibility or Eligibility(expanded)
    messages = _eligibility_shortfalls(expanded, eligibility)
    for role in expanded.scenario.roles:
        shifts = [shift for shift in expanded.shifts if shift.role == role.id]
        messages += _exclusion_shortfalls(expanded, eligibility, role, shifts)
        messages += _max_duties_shortfalls(expanded, eligibility, role, shifts)
    messages += _cross_role_exclusion_shortfalls(expanded, eligibility)
    messages += _pin_conflicts(expanded, eligibility)
    return messages


def uncovered_reasons(
    expanded: ExpandedScenario,
    shift: Shift,
    assignments: Sequence[Assignment] | None = None,
    *,
    validator: Validator | None = None,
) -> list[str]:
    """Why ``shift`` may be hard to staff: for each holder of its qualifications, what blocks them.

    With ``assignments`` (the rota so far) an available person's concrete
    conflict is named, e.g. ``hh-03: would have only 9 h 00 min rest between …``.
    Pass one ``validator`` when explaining many shifts of one scenario.
    """
    validator = validator or Validator(expanded)
    eligibility = validator.eligibility
    role = expanded.scenario.role(shift.role)
    holders = eligibility.holders(role.id)
    if not holders:
        return [f"nobody holds {_qualifications(role)}"]
    on_shift = {
        assignment.person for assignment in assignments or () if assignment.shift == shift.id
    }
    reasons = []
    for person_id in holders:
        reason = eligibility.reason(person_id, shift.id)
        if reason is not None:
            reasons.append(f"{person_id}: {reason}")
        elif person_id in on_shift:
            reasons.append(f"{person_id}: already on this shift")
        elif assignments is None:
            reasons.append(
                f"{person_id}: available, but rest, gap, weekend or duty-count rules "
                "or other duties may block them"
            )
        else:
            conflicts = validator.duty_conflicts(person_id, shift.id, assignments)
            if conflicts:
                reasons.append(f"{person_id}: {conflicts[0].message.removeprefix(person_id + ' ')}")
            else:
                reasons.append(f"{person_id}: available; no hard rule blocks them in this rota")
    return reasons


# --- (a) too few eligible people for a shift --------------------------------------------------


def _eligibility_shortfalls(expanded: ExpandedScenario, eligibility: Eligibility) -> list[str]:
    tz = expanded.scenario.tz
    messages = []
    for role in expanded.scenario.roles:
        shifts = [shift for shift in expanded.shifts if shift.role == role.id]
        holders = eligibility.holders(role.id)
        if not shifts:
            continue
        if not holders:
            messages.append(
                f"{role.id} → nobody holds {_qualifications(role)}: none of its "
                f"{len(shifts)} shift{'s' if len(shifts) != 1 else ''} can be staffed"
            )
            continue
        # Runs of consecutive shifts with the same cause are reported once.
        run: list[Shift] = []
        run_cause: str | None = None
        for shift in [*shifts, None]:
            cause = None if shift is None else _shortfall_cause(eligibility, role, holders, shift)
            if run and cause != run_cause:
                first, last = run[0], run[-1]
                where = shift_label(first, tz)
                if len(run) > 1:
                    where += (
                        f" and {len(run) - 1} later {role.id} shift{'s' if len(run) > 2 else ''} "
                        f"until {last.start.astimezone(tz):%Y-%m-%d %H:%M}"
                    )
                messages.append(f"{where} → {run_cause}")
                run = []
            if shift is not None and cause is not None:
                run.append(shift)
                run_cause = cause
    return messages


def _shortfall_cause(
    eligibility: Eligibility, role: Role, holders: list[str], shift: Shift
) -> str | None:
    eligible = eligibility.people_for(shift.id)
    if len(eligible) >= shift.staff:
        return None
    if eligible:
        text = (
            f"needs {shift.staff} people but only {_count(len(eligible), 'is', 'are')} eligible "
            f"({', '.join(eligible)})"
        )
    else:
        text = "no eligible person"
    blocked: dict[str, list[str]] = {}
    for person_id in holders:
        blocker = eligibility.blocker(person_id, shift.id)
        if blocker is not None:
            blocked.setdefault(blocker.rule, []).append(f"{person_id} {blocker.reason}")
    kinds = {"absence": "absent", "active_window": "not active"}
    parts = [
        f"{len(details)} of {len(holders)} holders of {_qualifications(role)} "
        f"{'is' if len(details) == 1 else 'are'} {kinds[rule]} ({_named(details, '; ')})"
        for rule, details in blocked.items()
    ]
    if not blocked:
        parts.append(
            f"only {_count(len(holders), 'person holds', 'people hold')} {_qualifications(role)}"
        )
    return f"{text}: {', '.join(parts)}"


# --- (b) shifts that exclude each other for one person ----------------------------------------


def _exclusion_shortfalls(
    expanded: ExpandedScenario, eligibility: Eligibility, role: Role, shifts: list[Shift]
) -> list[str]:
    """Runs of a role's shifts that no person may combine, compared with who is eligible."""
    tz = expanded.scenario.tz
    gaps = _person_gaps(expanded)
    if role.min_gap is not None:
        # A gap after the end also keeps overlapping shifts apart.
        gaps = [gap for gap in gaps if gap[1] != Duration(0, 0)]
        gaps.insert(0, (f"min_gap {format_duration(role.min_gap)}", role.min_gap))
    if not gaps:
        return []
    reach = [max(gap.after(shift.end, tz) for _, gap in gaps) for shift in shifts]
    why = " and ".join(name for name, _ in gaps)
    return _first_and_count(
        _exclusive_runs(
            expanded,
            eligibility,
            shifts,
            reach=reach,
            role_reach=None,
            why=lambda _group: why,
            mixed_only=False,
        )
    )


def _cross_role_exclusion_shortfalls(
    expanded: ExpandedScenario, eligibility: Eligibility
) -> list[str]:
    """Runs of shifts of several roles that no person may combine.

    Shifts of different roles exclude each other under rest and one duty at a
    time (when ``max_concurrent`` is 1); shifts of one role also under its
    ``min_gap``. Single-role runs are left to ``_exclusion_shortfalls``.
    """
    tz = expanded.scenario.tz
    shifts = expanded.shifts
    gaps = _person_gaps(expanded)
    gap_of = {role.id: role.min_gap for role in expanded.scenario.roles}
    if not gaps and not any(gap_of.values()):
        return []
    reach = [max(gap.after(shift.end, tz) for _, gap in gaps) for shift in shifts] if gaps else None
    role_reach: list[datetime | None] = []
    for shift in shifts:
        gap = gap_of[shift.role]
        role_reach.append(None if gap is None else gap.after(shift.end, tz))

    def why(group: Sequence[Shift]) -> str:
        names = [name for name, _ in gaps]
        for role_id in dict.fromkeys(shift.role for shift in group):
            gap = gap_of[role_id]
            if gap is not None and sum(shift.role == role_id for shift in group) > 1:
                names.append(f"min_gap of {role_id} {format_duration(gap)}")
        return " and ".join(names)

    return _first_and_count(
        _exclusive_runs(
            expanded,
            eligibility,
            shifts,
            reach=reach,
            role_reach=role_reach,
            why=why,
            mixed_only=True,
        )
    )


def _person_gaps(expanded: ExpandedScenario) -> list[tuple[str, Duration]]:
    """The gaps that keep any two duties of one person apart, with their names.

    Only when ``max_concurrent`` is 1: then overlapping duties exclude each
    other, and so do duties closer than ``min_rest``.
    """
    rules = expanded.scenario.rules
    if rules.max_concurrent != 1:
        return []
    if rules.min_rest is not None and rules.min_rest != Duration(0, 0):
        return [(f"min_rest {format_duration(rules.min_rest)}", rules.min_rest)]
    return [("one duty at a time", Duration(days=0, seconds=0))]


def _exclusive_runs(
    expanded: ExpandedScenario,
    eligibility: Eligibility,
    shifts: Sequence[Shift],
    *,
    reach: Sequence[datetime] | None,
    role_reach: Sequence[datetime | None] | None,
    why: Callable[[Sequence[Shift]], str],
    mixed_only: bool,
) -> list[str]:
    """Groups of pairwise exclusive shifts that distinct eligible people cannot all fill.

    ``shifts`` are sorted by start. A later shift excludes an earlier one when
    it starts before the earlier's ``reach``, or, for two shifts of one role,
    before its ``role_reach``. From each shift a group is grown greedily with
    every later shift that excludes all shifts already in it. With
    ``mixed_only`` only groups of several roles are reported.
    """
    tz = expanded.scenario.tz

    def excludes(earlier: int, later: int) -> bool:
        start = shifts[later].start
        if reach is not None and start < reach[earlier]:
            return True
        if role_reach is None or shifts[earlier].role != shifts[later].role:
            return False
        limit = role_reach[earlier]
        return limit is not None and start < limit

    found: list[str] = []
    reported_until = -1
    for first in range(len(shifts)):
        if first <= reported_until:
            continue
        limits = [limit for limit in (reach, role_reach) if limit is not None]
        scan_until = max(limit[first] or shifts[first].start for limit in limits)
        members = [first]
        candidate = first + 1
        while candidate < len(shifts) and shifts[candidate].start < scan_until:
            if all(excludes(member, candidate) for member in members):
                members.append(candidate)
            candidate += 1
        group = [shifts[index] for index in members]
        roles = list(dict.fromkeys(shift.role for shift in group))
        if len(group) < 2 or (mixed_only and len(roles) < 2):
            continue
        if not _each_staffable(eligibility, group):
            continue  # the per-shift shortfall is reported on its own
        demand = sum(shift.staff for shift in group)
        coverable = _distinct_people_coverage(eligibility, group)
        if coverable >= demand:
            continue
        reported_until = members[-1]
        people = list(
            dict.fromkeys(person for shift in group for person in eligibility.people_for(shift.id))
        )
        if len(people) < demand:
            shortage = (
                f"only {_count(len(people), 'person is', 'people are')} eligible for them "
                f"({_named(people, ', ')})"
            )
        else:
            shortage = (
                f"their eligible people ({_named(people, ', ')}) can cover at most "
                f"{coverable} of them, given who is available when"
            )
        found.append(
            f"{shift_label(group[0], tz)} to {shift_label(group[-1], tz)}: these {len(group)} "
            f"{'shifts of ' + ' and '.join(roles) if len(roles) > 1 else roles[0] + ' shifts'} "
            f"need {_count(demand, 'different person', 'different people')} ({why(group)}), "
            f"but {shortage}"
        )
    return found


def _max_duties_shortfalls(
    expanded: ExpandedScenario, eligibility: Eligibility, role: Role, shifts: list[Shift]
) -> list[str]:
    tz = expanded.scenario.tz
    messages = []
    for rule in role.max_duties:
        found: list[str] = []
        reported_until = -1
        for first, shift in enumerate(shifts):
            window_end = rule.window.after(shift.start, tz)
            last = first
            while last + 1 < len(shifts) and shifts[last + 1].start < window_end:
                last += 1
            if first <= reported_until:
                continue
            group = shifts[first : last + 1]
            if not _each_staffable(eligibility, group):
                continue  # the per-shift shortfall is reported on its own
            demand = sum(member.staff for member in group)
            available: dict[str, int] = {}
            for member in group:
                for person_id in eligibility.people_for(member.id):
                    available[person_id] = available.get(person_id, 0) + 1
            supply = sum(min(rule.count, count) for count in available.values())
            if supply >= demand:
                continue
            reported_until = last
            found.append(
                f"from {shift_label(group[0], tz)}: {role.id} needs {demand} duties starting "
                f"within {format_duration(rule.window)}, but its "
                f"{_count(len(available), 'eligible person', 'eligible people')} may take at "
                f"most {supply} (max_duties {rule.count} per {format_duration(rule.window)})"
            )
        messages += _first_and_count(found)
    return messages


def _distinct_people_coverage(eligibility: Eligibility, group: Sequence[Shift]) -> int:
    """How many places of ``group`` distinct eligible people can fill (a bipartite matching)."""
    places = [eligibility.people_for(shift.id) for shift in group for _ in range(shift.staff)]
    place_of: dict[str, int] = {}

    def fill(place: int, tried: set[str]) -> bool:
        for person in places[place]:
            if person in tried:
                continue
            tried.add(person)
            if person not in place_of or fill(place_of[person], tried):
                place_of[person] = place
                return True
        return False

    return sum(fill(place, set()) for place in range(len(places)))


def _each_staffable(eligibility: Eligibility, group: Sequence[Shift]) -> bool:
    return all(len(eligibility.people_for(shift.id)) >= shift.staff for shift in group)


# --- (c) pins ---------------------------------------------------------------------------------


def _pin_conflicts(expanded: ExpandedScenario, eligibility: Eligibility) -> list[str]:
    scenario = expanded.scenario
    if not scenario.fixed:
        return []
    pins: list[Assignment] = []
    for pin in dict.fromkeys((pin.shift, pin.person) for pin in scenario.fixed):
        shift = expanded.by_id.get(pin[0])
        if shift is None:
            continue  # a pin on a removed shift: the validator below names it
        pins.append(
            Assignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=pin[1],
                zone=scenario.person(pin[1]).zone,
                load=shift.load,
                fixed=True,
            )
        )
    validator = Validator(expanded, eligibility)
    return [
        f"fixed duties: {violation.message}"
        for violation in validator.validate(pins, uncovered_allowed=True)
    ]


# --- Wording ----------------------------------------------------------------------------------


def _qualifications(role: Role) -> str:
    return ", ".join(role.requires) if role.requires else f"the {role.id} role"


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _named(items: Sequence[str], separator: str) -> str:
    if len(items) <= MAX_NAMED:
        return separator.join(items)
    return separator.join(items[:MAX_NAMED]) + f"{separator}and {len(items) - MAX_NAMED} more"


def _first_and_count(found: list[str]) -> list[str]:
    if len(found) <= 1:
        return found
    later = len(found) - 1
    return [f"{found[0]} (and {later} later period{'s' if later != 1 else ''} like it)"]

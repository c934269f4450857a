"""Split duties: a shift covered by several people one after another (partial cover).

When an officer asks a colleague to cover part of a duty (Wednesday 18:00 →
Thursday 08:00 of an OvW week), the duty is split into *parts*. A part is an
ordinary rota assignment with its own id, times and load:

- Its id is the shift id, ``~`` and the part's local start:
  ``OVW@2026-03-02T08:00~2026-03-04T18:00``. Every part of a split shift has
  such an id (also the one starting with the shift), so no assignment ever
  carries a plain shift id with times that are not the shift's; parts are never
  nested (a part of a part is again named after the shift).
- Its start and end lie inside the shift; its load is the weighted hours of its
  own interval (``DayCalendar.load``), so the loads of the parts add up to the
  shift's load and move with the hours.
- Coverage is counted over time: at every moment of the shift, the people on
  it (whole-shift holders and part holders) must not exceed the shift's staff,
  and must reach it unless uncovered shifts are allowed. So the parts of one
  staffing slot tile the shift without gap or overlap.

``validate`` is ``solver.validate.validate`` made aware of parts: each part
becomes a shift of its own for the per-duty rules (qualification, absence,
active window, rest and the rules between duties of the taker), with two
readings for the parts of one shift held by the same person: the rest and gap
rules do not apply between them (they are one duty with a hole in it), and
they count once towards ``max_duties``. A pin on a split shift holds only if
the pinned person holds every part of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from solver.eligibility import duty_label
from solver.rota import Assignment, Rota
from solver.scenario import Duration, MaxDuties, Role, ShiftPerson, with_fixed_offset
from solver.shifts import ExpandedScenario, Shift
from solver.validate import Duty, Validator, Violation

PART_MARK = "~"
_LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def part_id(shift_id: str, local_start: datetime) -> str:
    """The id of the part of ``shift_id`` starting at ``local_start`` (local wall clock)."""
    return f"{shift_id}{PART_MARK}{local_start:{_LOCAL_MINUTE}}"


def parent_shift(duty_id: str) -> str:
    """The shift a duty belongs to: itself for a whole duty, the shift for a part."""
    return duty_id.partition(PART_MARK)[0]


def is_part(duty_id: str) -> bool:
    return PART_MARK in duty_id


@dataclass
class SplitView:
    """An expanded scenario in which every part is a shift of its own.

    ``assignments`` are the input without the parts that are wrong on their own
    (reported in ``problems``); ``parents`` maps each split shift's id to the shift.
    """

    expanded: ExpandedScenario
    assignments: list[Assignment]
    parents: dict[str, Shift] = field(default_factory=dict)
    problems: list[Violation] = field(default_factory=list)


def with_parts(
    expanded: ExpandedScenario, assignments: Sequence[Assignment], *, uncovered_allowed: bool
) -> SplitView:
    """The ``SplitView`` of ``assignments``, with the coverage of every split shift checked."""
    scenario = expanded.scenario
    tz = scenario.tz
    parents = {
        parent_shift(assignment.shift): expanded.by_id[parent_shift(assignment.shift)]
        for assignment in assignments
        if is_part(assignment.shift) and parent_shift(assignment.shift) in expanded.by_id
    }
    if not parents:
        return SplitView(expanded=expanded, assignments=list(assignments))
    problems: list[Violation] = []
    kept: list[Assignment] = []
    part_shifts: dict[str, Shift] = {}
    people_on: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for assignment in assignments:
        parent = parents.get(parent_shift(assignment.shift))
        if parent is None:
            kept.append(assignment)
            continue
        label = duty_label(parent.role, parent.start, tz)
        if not is_part(assignment.shift):
            kept.append(assignment)
            people_on[parent.id].add(assignment.person)
            spans[parent.id].append((parent.start, parent.end, assignment.person))
            continue
        start, end = scenario.instant(assignment.start), scenario.instant(assignment.end)
        problem = None
        if not parent.start <= start < end <= parent.end:
            problem = (
                f"the part {assignment.shift} of {assignment.person} runs "
                f"{_local(start, tz)} → {_local(end, tz)}, outside {label} "
                f"({_local(parent.start, tz)} → {_local(parent.end, tz)})"
            )
        elif part_id(parent.id, start.astimezone(tz).replace(tzinfo=None)) != assignment.shift:
            problem = (
                f"the part {assignment.shift} of {assignment.person} starts at {_local(start, tz)}"
            )
        else:
            known = part_shifts.get(assignment.shift)
            if known is not None and (known.start, known.end) != (start, end):
                problem = (
                    f"the part {assignment.shift} runs {_local(known.start, tz)} → "
                    f"{_local(known.end, tz)} for one person and {_local(start, tz)} → "
                    f"{_local(end, tz)} for {assignment.person}"
                )
        if problem is not None:
            problems.append(Violation("split", problem, assignment.person, (assignment.shift,)))
            continue
        kept.append(assignment)
        if assignment.shift not in part_shifts:
            part_shifts[assignment.shift] = Shift(
                id=assignment.shift,
                role=parent.role,
                start=start,
                end=end,
                staff=0,
                load=expanded.calendar.load(start, end),
            )
        people_on[assignment.shift].add(assignment.person)
        spans[parent.id].append((start, end, assignment.person))

    for parent in parents.values():
        problems += _coverage(parent, spans[parent.id], uncovered_allowed, expanded)

    # Staffing of split shifts is counted over time above; the pieces themselves then
    # hold exactly the people on them, so the per-shift count never reports twice.
    shifts = [shift for shift in expanded.shifts if shift.id not in parents]
    shifts += [
        _with_staff(parent, len(people_on[parent.id]))
        for parent in parents.values()
        if people_on[parent.id]
    ]
    shifts += [_with_staff(part, len(people_on[part.id])) for part in part_shifts.values()]
    shifts.sort(key=lambda shift: (shift.start, shift.id))

    fixed: list[ShiftPerson] = []
    for pin in scenario.fixed:
        if pin.shift in parents and pin.person not in people_on[pin.shift]:
            parts = sorted(part for part in part_shifts if parent_shift(part) == pin.shift)
            fixed += [ShiftPerson(shift=part, person=pin.person) for part in parts] or [pin]
        else:
            fixed.append(pin)
    derived = ExpandedScenario(scenario=scenario.model_copy(update={"fixed": fixed}), shifts=shifts)
    return SplitView(expanded=derived, assignments=kept, parents=parents, problems=problems)


def _with_staff(shift: Shift, staff: int) -> Shift:
    return Shift(shift.id, shift.role, shift.start, shift.end, staff, shift.load)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _coverage(
    parent: Shift,
    spans: Sequence[tuple[datetime, datetime, str]],
    uncovered_allowed: bool,
    expanded: ExpandedScenario,
) -> list[Violation]:
    """Staffing of a split shift at every moment: never over its staff, under only if allowed."""
    tz = expanded.scenario.tz
    label = duty_label(parent.role, parent.start, tz)
    bounds = sorted(
        {parent.start, parent.end, *(s for s, _, _ in spans), *(e for _, e, _ in spans)}
    )
    violations = []
    for begin, end in pairwise(bounds):
        if not parent.start <= begin < parent.end:
            continue
        on = sorted(person for start, stop, person in spans if start <= begin and end <= stop)
        when = f"from {_local(begin, tz)} to {_local(end, tz)}"
        if len(on) > parent.staff:
            message = (
                f"{label} has {len(on)} people {when} ({', '.join(on)}) "
                f"but needs only {parent.staff}"
            )
        elif len(on) < parent.staff and not uncovered_allowed:
            needed = "person" if parent.staff == 1 else "people"
            message = f"{label} has {len(on)} of the {parent.staff} {needed} it needs {when}"
        else:
            continue
        violations.append(Violation("staffing", message, None, (parent.id,)))
    return violations


class SplitValidator(Validator):
    """The validator over a ``SplitView``: parts of one shift held by one person are one duty."""

    def _pairs_too_close(
        self, duties: Sequence[Duty], gap: Duration
    ) -> Iterator[tuple[Duty, Duty]]:
        for earlier, later in super()._pairs_too_close(duties, gap):
            if parent_shift(earlier.shift) != parent_shift(later.shift):
                yield earlier, later

    def _max_duties(
        self, person_id: str, role: Role, rule: MaxDuties, duties: Sequence[Duty]
    ) -> list[Violation]:
        first_parts: dict[str, Duty] = {}
        for duty in duties:
            first_parts.setdefault(parent_shift(duty.shift), duty)
        return super()._max_duties(person_id, role, rule, list(first_parts.values()))


def validate(
    expanded: ExpandedScenario,
    assignments: Sequence[Assignment],
    *,
    uncovered_allowed: bool | None = None,
) -> list[Violation]:
    """``solver.validate.validate`` for rotas that may hold parts of split shifts.

    Extra rule ids: ``split`` (a part lies outside its shift, its id does not
    match its start, or one part id has two different intervals) and
    ``staffing`` over time for split shifts.
    """
    if uncovered_allowed is None:
        uncovered_allowed = "coverage" in expanded.scenario.objective.priorities
    view = with_parts(expanded, assignments, uncovered_allowed=uncovered_allowed)
    return view.problems + SplitValidator(view.expanded).validate(
        view.assignments, uncovered_allowed=uncovered_allowed
    )


def check_rota(expanded: ExpandedScenario, rota: Rota) -> list[Violation]:
    """``solver.validate.check_rota`` for rotas that may hold parts of split shifts."""
    uncovered_allowed = "coverage" in expanded.scenario.objective.priorities
    view = with_parts(expanded, rota.assignments, uncovered_allowed=uncovered_allowed)
    problems = list(view.problems)
    if uncovered_allowed:
        # A gap in a split shift is allowed only if the rota says so: never silently.
        listed = {entry.shift for entry in rota.uncovered}
        strict = with_parts(expanded, rota.assignments, uncovered_allowed=False)
        problems += [
            Violation(
                "uncovered",
                f"{gap.message}, but the rota does not list it as uncovered",
                None,
                gap.shifts,
            )
            for gap in strict.problems
            if gap.rule == "staffing" and not set(gap.shifts) & listed
        ]
    # The view counts a split shift as staffed by the people on it: its gaps are above.
    checked = rota.model_copy(
        update={
            "assignments": view.assignments,
            "uncovered": [entry for entry in rota.uncovered if entry.shift not in view.parents],
        }
    )
    return problems + SplitValidator(view.expanded).check_rota(checked)


def cover(
    expanded: ExpandedScenario,
    assignments: Sequence[Assignment],
    *,
    duty: str,
    holder: str,
    start: datetime,
    end: datetime,
    taker: str,
    taker_zone: str,
) -> list[Assignment]:
    """The assignments after ``taker`` covers ``[start, end)`` of ``holder``'s ``duty``.

    ``duty`` is a shift id or a part id. The rest of the duty stays with the
    holder; adjacent parts of one person are merged and a person holding the
    whole shift again gets its plain id back. Raises ``ValueError`` when the
    holder does not hold ``duty`` or the range is empty or not inside it.
    """
    scenario = expanded.scenario
    held = next(
        (item for item in assignments if item.shift == duty and item.person == holder), None
    )
    if held is None:
        raise ValueError(f"{holder} does not hold {duty}")
    duty_start, duty_end = scenario.instant(held.start), scenario.instant(held.end)
    start, end = scenario.instant(start), scenario.instant(end)
    if not duty_start <= start < end <= duty_end:
        raise ValueError("the range to cover must be a non-empty period inside the duty")
    pieces = [
        (duty_start, start, holder, held.zone),
        (start, end, taker, taker_zone),
        (end, duty_end, holder, held.zone),
    ]
    others = [item for item in assignments if item is not held]
    added = [
        _part(expanded, held, piece_start, piece_end, person, zone)
        for piece_start, piece_end, person, zone in pieces
        if piece_start < piece_end
    ]
    return normalize(expanded, [*others, *added])


def normalize(expanded: ExpandedScenario, assignments: Sequence[Assignment]) -> list[Assignment]:
    """Merge adjacent parts of one shift held by one person; a whole shift gets its plain id.

    The result is sorted by start, id and person.
    """
    scenario = expanded.scenario
    by_parent: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    result: list[Assignment] = []
    for item in assignments:
        if is_part(item.shift) and parent_shift(item.shift) in expanded.by_id:
            by_parent[(parent_shift(item.shift), item.person)].append(item)
        else:
            result.append(item)
    for parts in by_parent.values():
        parts.sort(key=lambda item: scenario.instant(item.start))
        merged: list[Assignment] = []
        for item in parts:
            previous = merged[-1] if merged else None
            if previous is not None and scenario.instant(previous.end) == scenario.instant(
                item.start
            ):
                merged[-1] = _part(
                    expanded,
                    previous,
                    scenario.instant(previous.start),
                    scenario.instant(item.end),
                    previous.person,
                    previous.zone,
                )
            else:
                merged.append(item)
        result += merged
    return sorted(result, key=lambda item: (scenario.instant(item.start), item.shift, item.person))


def _part(
    expanded: ExpandedScenario,
    template: Assignment,
    start: datetime,
    end: datetime,
    person: str,
    zone: str,
) -> Assignment:
    """An assignment of ``person`` over ``[start, end)`` of ``template``'s shift."""
    tz = expanded.scenario.tz
    parent = expanded.by_id[parent_shift(template.shift)]
    if (start, end) == (parent.start, parent.end):
        return Assignment(
            shift=parent.id,
            role=parent.role,
            start=parent.start,
            end=parent.end,
            person=person,
            zone=zone,
            load=parent.load,
            fixed=False,
        )
    return Assignment(
        shift=part_id(parent.id, start.astimezone(tz).replace(tzinfo=None)),
        role=parent.role,
        start=with_fixed_offset(start, tz),
        end=with_fixed_offset(end, tz),
        person=person,
        zone=zone,
        load=expanded.calendar.load(start, end),
        fixed=False,
    )

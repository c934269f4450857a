"""Pricing by days: one person's cheapest pattern by dynamic programming over their days.

``solver.columns`` prices each person's pattern against the master's shift
prices. CP-SAT does that for any rule set, at 0.1–0.4 s a person over 56–84
days. When a person's hard rules are all *day rules* — at most one duty a day,
forbidden successions of roles on consecutive days, the longest and shortest
runs of worked days and of days off, worked weekends over the whole horizon,
total duty minutes and duties per role — the same question is a shortest path
through their days, solved here with numpy in milliseconds.

The state after each day is what the person did that day (off, or which role),
how long the current run of worked (or off) days is, whether that run touches
the horizon's start (such runs may be shorter than the minimum), the duty
minutes so far (in units of the greatest common divisor of the lengths) and the
weekends worked so far; minutes and weekends are array axes, so one numpy
operation moves every amount at once. Duties per role are priced instead: a
Lagrange multiplier per role is added to each duty of it and raised while the
cheapest path takes too many (subgradient steps). The value at any multipliers,
less the multipliers times the limits, is a lower bound on the least cost;
when the path obeys every limit and no multiplier is paid for slack, it is the
least cost itself (``Priced.exact``).

The readings are those of the rule modules (``solver.model.working_days``,
``successions``, ``weekends``, ``duty_minutes``, ``person_duties``,
``concurrency``): ``day_rules`` says for which people they are the whole
story, and ``tests/solver/test_day_pricing.py`` compares the least costs with
CP-SAT's on the person's own model. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from solver.eligibility import Eligibility
from solver.limits import person_limits
from solver.model.weekends import weekend_index, weekends_overlapping
from solver.scenario import Duration
from solver.shifts import ExpandedScenario

# Limits of duties per role are counted exactly (an array axis each), smallest
# first, while the axes of minutes, weekends and counts hold at most this many
# cells per state; the other limits are priced by multipliers.
COUNTED_CELLS = 10000
# Subgradient steps on the multipliers of duties per role, at most, per pricing.
LAGRANGE_STEPS = 12
# Values closer than this count as equal (sums of the same floats in another order).
TOLERANCE = 1e-7

_SATURDAY, _SUNDAY = 5, 6


@dataclass(frozen=True)
class Option:
    """One duty the person could take on a day: its shift, role, length and weekend."""

    shift: str
    role: int  # index into ``DayRules.roles``
    units: int  # duty minutes / ``DayRules.unit``
    weekend: int  # 0: a weekday, 1: Saturday, 2: Sunday


@dataclass(frozen=True)
class DayRules:
    """One person's day rules, read from the scenario (see ``day_rules``)."""

    roles: tuple[str, ...]
    days: tuple[tuple[Option, ...], ...]  # per horizon day, the duties the person could take
    forbidden: np.ndarray  # [first role, next role]: True when forbidden on the next day
    max_run: int | None
    min_run: int | None
    min_off: int | None
    unit: int
    min_units: int | None
    max_units: int | None
    max_weekends: int | None
    role_limits: dict[int, int]  # role index → most duties, where it could bind

    @property
    def options(self) -> list[Option]:
        return [option for day in self.days for option in day]


@dataclass
class Priced:
    """A pricing's outcome: the cheapest pattern found that obeys every rule, and a bound.

    ``value`` is the pattern's cost at the prices (``None`` if none was found);
    ``bound`` is at most the least cost of any pattern; ``exact`` when equal.
    """

    shifts: frozenset[str] | None
    value: float | None
    bound: float
    exact: bool


def day_rules(
    expanded: ExpandedScenario,
    eligibility: Eligibility,
    person: str,
    shifts: Sequence[str],
) -> DayRules | str:
    """The person's rules as day rules over ``shifts`` (their candidate duties), or why not.

    Returns a reason (a string) when a rule of theirs is not a day rule here:
    several duties at once, minimum rest, a role's gap or windowed maximum,
    history or pinned duties, duties overlapping another day's, or weekends
    counted over a window shorter than the horizon.
    """
    scenario = expanded.scenario
    rules = scenario.rules
    if rules.max_concurrent != 1:
        return "several duties at once are allowed"
    if rules.min_rest not in (None, Duration(0, 0)):
        return "minimum rest between duties"
    if any(duty.person == person for duty in scenario.history.duties):
        return "history duties"
    if any(pin.person == person for pin in scenario.fixed):
        return "pinned duties"
    by_id = expanded.by_id
    roles = sorted({by_id[shift_id].role for shift_id in shifts})
    for role in scenario.roles:
        if role.id in roles and (role.min_gap is not None or role.max_duties):
            return f"role {role.id} has a minimum gap or a windowed maximum"
    tz = scenario.tz
    horizon = scenario.horizon
    first = horizon.start
    count = (horizon.end - horizon.start).days
    by_day: list[list[str]] = [[] for _ in range(count)]
    for shift_id in shifts:
        day = by_id[shift_id].start.astimezone(tz).date()
        offset = (day - first).days
        if not 0 <= offset < count:
            return "a duty starts outside the horizon"
        by_day[offset].append(shift_id)
    # At most one duty a day, and none overlapping another day's: the day is the state.
    ordered = sorted(shifts, key=lambda shift_id: (by_id[shift_id].start, shift_id))
    for day_shifts in by_day:
        if len(day_shifts) > 1:
            spans = [by_id[shift_id] for shift_id in day_shifts]
            if max(span.start for span in spans) >= min(span.end for span in spans):
                return "two duties of one day do not overlap"
    # Shifts in order of start: each must start after every earlier day's duty ended.
    ended_before: datetime | None = None  # the latest end of the earlier days' duties
    day_end: datetime | None = None
    current_day = -1
    for shift_id in ordered:
        shift = by_id[shift_id]
        offset = (shift.start.astimezone(tz).date() - first).days
        if offset != current_day:
            if day_end is not None and (ended_before is None or day_end > ended_before):
                ended_before = day_end
            current_day, day_end = offset, None
        if ended_before is not None and ended_before > shift.start:
            return "a duty overlaps a duty of another day"
        if day_end is None or shift.end > day_end:
            day_end = shift.end
    limits = person_limits(scenario)[person]
    weekend_of: dict[int, int] = {}
    if limits.weekends is not None:
        touched = {
            weekend_index(saturday)
            for shift_id in shifts
            for saturday in weekends_overlapping(
                scenario, by_id[shift_id].start, by_id[shift_id].end
            )
        }
        if touched and limits.weekends.window < max(touched) - min(touched) + 1:
            return "weekends are limited over a window shorter than the horizon"
        for shift_id in shifts:
            shift = by_id[shift_id]
            day = shift.start.astimezone(tz).date()
            overlapped = weekends_overlapping(scenario, shift.start, shift.end)
            own = _own_weekend(day)
            if overlapped != ([own] if own is not None else []):
                return "a duty touches a weekend other than its own day's"
            weekend_of_day = day.weekday() - _SATURDAY + 1 if own is not None else 0
            weekend_of[(day - first).days] = weekend_of_day
    minutes = {
        shift_id: int((by_id[shift_id].end - by_id[shift_id].start).total_seconds()) // 60
        for shift_id in shifts
    }
    counted = limits.min_minutes is not None or limits.max_minutes is not None
    unit = math.gcd(*minutes.values()) if counted and minutes else 1
    unit = max(unit, 1)
    role_index = {role: index for index, role in enumerate(roles)}
    days = tuple(
        tuple(
            Option(
                shift_id,
                role_index[by_id[shift_id].role],
                minutes[shift_id] // unit if counted else 0,
                weekend_of.get(offset, 0),
            )
            for shift_id in sorted(day_shifts)
        )
        for offset, day_shifts in enumerate(by_day)
    )
    forbidden = np.zeros((len(roles), len(roles)), dtype=bool)
    for succession in rules.forbidden_successions:
        if succession.first in role_index and succession.then in role_index:
            forbidden[role_index[succession.first], role_index[succession.then]] = True
    role_limits: dict[int, int] = {}
    for role_id, most in limits.max_duties.items():
        if role_id in role_index:
            limited = role_index[role_id]
            available = sum(1 for day in days if any(option.role == limited for option in day))
            if most < available:
                role_limits[limited] = most
    return DayRules(
        roles=tuple(roles),
        days=days,
        forbidden=forbidden,
        max_run=limits.max_consecutive_days,
        min_run=limits.min_consecutive_days,
        min_off=limits.min_days_off,
        unit=unit,
        min_units=(None if limits.min_minutes is None else math.ceil(limits.min_minutes / unit)),
        max_units=None if limits.max_minutes is None else limits.max_minutes // unit,
        max_weekends=None if limits.weekends is None else limits.weekends.max,
        role_limits=role_limits,
    )


def _own_weekend(day: date) -> date | None:
    """The Saturday of the weekend ``day`` lies in, if it is a Saturday or Sunday."""
    if day.weekday() == _SATURDAY:
        return day
    if day.weekday() == _SUNDAY:
        return day - timedelta(days=1)
    return None


@dataclass
class DayPricer:
    """Prices one person's patterns by days; keeps its multipliers from one pricing to the next."""

    rules: DayRules
    multipliers: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rules = self.rules
        self.role_count = len(rules.roles)
        # Runs of worked days: lengths 1..max (or capped where only the minimum matters).
        self.runs = rules.max_run if rules.max_run is not None else max(rules.min_run or 1, 1)
        self.offs = max(rules.min_off or 1, 1)
        if rules.max_units is not None:
            amounts, self.clamped = rules.max_units + 1, False
        elif rules.min_units is not None:
            amounts, self.clamped = rules.min_units + 1, True
        else:
            amounts, self.clamped = 1, True
        weekends = 1 if rules.max_weekends is None else rules.max_weekends + 1
        dims = [amounts, weekends]
        self.counted: list[int] = []
        self.priced: dict[int, int] = {}
        for role, most in sorted(rules.role_limits.items(), key=lambda item: (item[1], item[0])):
            if math.prod(dims) * (most + 1) <= COUNTED_CELLS:
                dims.append(most + 1)
                self.counted.append(role)
            else:
                self.priced[role] = most
        self.dims = tuple(dims)
        # Array cells worked through so far: a deterministic measure of the time taken.
        self.work = 0
        options = rules.options
        self.index = {option.shift: position for position, option in enumerate(options)}
        counting = rules.max_weekends is not None

        def steps(option: Option, weekend: int) -> tuple[int, ...]:
            counts = tuple(int(option.role == role) for role in self.counted)
            return (option.units, weekend if counting else 0, *counts)

        # What one more duty adds: after a day off, a Saturday or Sunday starts a
        # worked weekend; after a worked day, only a Saturday does.
        self.after_off = [steps(option, int(option.weekend > 0)) for option in options]
        self.after_work = [steps(option, int(option.weekend == 1)) for option in options]

    def price(self, costs: Mapping[str, float]) -> Priced:
        """The cheapest pattern at ``costs`` (each shift's cost, prices already taken off)."""
        rules = self.rules
        if not rules.roles:
            # No duty to take: the empty pattern, if it has minutes enough.
            if rules.min_units:
                return Priced(None, None, math.inf, True)
            return Priced(frozenset(), 0.0, 0.0, True)
        base = np.array([costs[option.shift] for option in rules.options], dtype=float)
        roles = np.array([option.role for option in rules.options], dtype=int)
        best: tuple[float, frozenset[str]] | None = None
        bound = -math.inf
        for _ in range(LAGRANGE_STEPS if self.priced else 1):
            shifted = base.copy()
            for role, multiplier in self.multipliers.items():
                shifted[roles == role] += multiplier
            value, path = self._shortest(shifted)
            if path is None:
                # No pattern obeys the rules at all (e.g. minimum minutes out of reach).
                return Priced(None, None, math.inf, True)
            paid = sum(
                multiplier * self.priced[role] for role, multiplier in self.multipliers.items()
            )
            bound = max(bound, value - paid)
            taken = [self.index[shift] for shift in path]
            counts = np.bincount(roles[taken], minlength=self.role_count)
            cost = float(base[taken].sum())
            excess = {role: int(counts[role]) - most for role, most in self.priced.items()}
            if all(amount <= 0 for amount in excess.values()) and (best is None or cost < best[0]):
                best = (cost, frozenset(path))
            if best is not None and best[0] <= bound + TOLERANCE * max(1.0, abs(bound)):
                return Priced(best[1], best[0], bound, True)
            # A subgradient step towards a target just above the bound (Polyak's rule).
            gradient = {
                role: amount
                for role, amount in excess.items()
                if amount > 0 or self.multipliers.get(role, 0.0) > 0
            }
            squared = sum(amount * amount for amount in gradient.values())
            if squared == 0:
                break
            target = best[0] if best is not None else bound + max(1.0, 0.1 * abs(bound))
            step = (target - (value - paid)) / squared
            if step <= 0:
                step = max(1.0, 0.1 * abs(bound)) / squared
            for role, amount in gradient.items():
                self.multipliers[role] = max(0.0, self.multipliers.get(role, 0.0) + step * amount)
        if best is None:
            return Priced(None, None, bound, False)
        return Priced(best[1], best[0], bound, False)

    def _shortest(self, costs: np.ndarray) -> tuple[float, list[str] | None]:
        """The cheapest path through the days at ``costs`` (one per option).

        Arrays: ``work[role, run, touches start, *resources]`` (the run of worked
        days ending today, length ``run + 1``) and ``off[run, touches start,
        *resources]``; resources are minutes, weekends and the counted roles.
        """
        rules = self.rules
        runs, offs, dims = self.runs, self.offs, self.dims
        cells = (1,) * len(dims)
        min_run = rules.min_run or 1
        min_off = rules.min_off or 1
        # A run of worked days may end (a day off follows) once long enough, or if it
        # touches the horizon's start; a run of days off likewise before work.
        endable = np.zeros((1, runs, 2, *cells), dtype=bool)
        endable[0, min_run - 1 :, 0] = True
        endable[0, :, 1] = True
        history: list[tuple[np.ndarray, np.ndarray]] = []
        work = np.full((self.role_count, runs, 2, *dims), np.inf)
        off = np.full((offs, 2, *dims), np.inf)
        origin = (0,) * len(dims)
        self.work += len(rules.days) * (work.size + off.size)
        position = 0
        starting = off[0, 0]
        for offset, options in enumerate(rules.days):
            new_work = np.full_like(work, np.inf)
            new_off = np.full_like(off, np.inf)
            if offset == 0:
                new_off[(0, 1, *origin)] = 0.0  # days off from the start: may be short
            else:
                if offs > 1:
                    new_off[1:] = off[:-1]
                np.minimum(new_off[offs - 1], off[offs - 1], out=new_off[offs - 1])
                ending = np.where(endable, work, np.inf).min(axis=(0, 1, 2))
                np.minimum(new_off[0, 0], ending, out=new_off[0, 0])
                if min_off <= 1:
                    starting = off.min(axis=(0, 1))
                else:
                    starting = np.minimum(off[offs - 1, 0], off[:, 1].min(axis=0))
            before: dict[int, np.ndarray] = {}
            for option in options:
                cost = costs[position]
                role = option.role
                target = new_work[role]
                if offset == 0:
                    cell = self._first(self.after_off[position])
                    if cell is not None:
                        target[(0, 1, *cell)] = min(target[(0, 1, *cell)], cost)
                    position += 1
                    continue
                # A run starts today (after days off) ...
                self._relax(target[0, 0], starting, self.after_off[position], cost)
                # ... or yesterday's run goes on, one day longer.
                if role not in before:
                    allowed = ~rules.forbidden[:, role]
                    if allowed.any():
                        before[role] = work[allowed].min(axis=0)
                    else:
                        before[role] = np.full_like(work[0], np.inf)
                runs_before = before[role]
                steps = self.after_work[position]
                if rules.max_run is not None or runs > 1:
                    self._relax(target[1:], runs_before[:-1], steps, cost)
                if rules.max_run is None:
                    self._relax(target[runs - 1], runs_before[runs - 1], steps, cost)
                position += 1
            history.append((work, off))
            work, off = new_work, new_off
        accept = np.zeros((dims[0],), dtype=bool)
        if self.clamped:
            accept[dims[0] - 1 if rules.min_units is not None else 0 :] = True
        else:
            accept[rules.min_units or 0 :] = True
        tail = (1,) * (len(dims) - 1)
        final_work = np.where(accept.reshape(1, 1, 1, -1, *tail), work, np.inf)
        final_off = np.where(accept.reshape(1, 1, -1, *tail), off, np.inf)
        best_work, best_off = float(final_work.min()), float(final_off.min())
        value = min(best_work, best_off)
        if not math.isfinite(value):
            return math.inf, None
        if best_work <= best_off:
            where = np.unravel_index(final_work.argmin(), final_work.shape)
            state: tuple[object, ...] = ("work", *(int(index) for index in where))
        else:
            where = np.unravel_index(final_off.argmin(), final_off.shape)
            state = ("off", *(int(index) for index in where))
        return value, self._trace(history, costs, state, value)

    def _relax(
        self, target: np.ndarray, source: np.ndarray, steps: tuple[int, ...], cost: float
    ) -> None:
        """Each cell of ``target`` at ``steps`` past a cell of ``source`` takes that plus ``cost``.

        The resources are the last axes of both arrays (the leading axes align).
        """
        if self.clamped and steps[0] > 0:
            moved = self._move(source, steps)
            np.minimum(target, moved + cost, out=target)
            return
        into: list[Any] = [Ellipsis]
        out_of: list[Any] = [Ellipsis]
        for step, size in zip(steps, self.dims, strict=True):
            if step >= size:
                return
            into.append(slice(step, None))
            out_of.append(slice(0, size - step))
        view = target[tuple(into)]
        np.minimum(view, source[tuple(out_of)] + cost, out=view)

    def _first(self, steps: tuple[int, ...]) -> tuple[int, ...] | None:
        """The resource cell of a first duty, or ``None`` if it exceeds a limit."""
        cell = []
        for axis, (step, size) in enumerate(zip(steps, self.dims, strict=True)):
            if axis == 0 and self.clamped:
                step = min(step, size - 1)
            if step >= size:
                return None
            cell.append(step)
        return tuple(cell)

    def _move(self, values: np.ndarray, steps: tuple[int, ...]) -> np.ndarray:
        """``values`` after one more duty that adds ``steps`` to the resources."""
        dims = self.dims
        lead = values.ndim - len(dims)
        moved = values
        for axis, (step, size) in enumerate(zip(steps, dims, strict=True)):
            if step == 0:
                continue
            at = lead + axis

            def cut(part: slice, at: int = at) -> tuple[slice, ...]:
                return (slice(None),) * at + (part,)

            shifted = np.full_like(moved, np.inf)
            if step < size:
                shifted[cut(slice(step, None))] = moved[cut(slice(0, size - step))]
            if axis == 0 and self.clamped:
                # Minutes beyond the minimum are all "enough".
                top = moved[cut(slice(max(size - 1 - step, 0), None))].min(axis=at)
                edge = cut(slice(size - 1, size))
                shifted[edge] = np.minimum(shifted[edge], np.expand_dims(top, at))
            elif step >= size:
                return shifted
            moved = shifted
        return moved

    def _trace(
        self,
        history: list[tuple[np.ndarray, np.ndarray]],
        costs: np.ndarray,
        state: tuple[object, ...],
        value: float,
    ) -> list[str]:
        """Walk back from the final state: which duty (or day off) led to each value."""
        starts = np.cumsum([0, *(len(day) for day in self.rules.days)])
        path: list[str] = []
        for offset in range(len(self.rules.days) - 1, -1, -1):
            work, off = history[offset]
            previous = self._previous(offset, state, value, work, off, costs, int(starts[offset]))
            if previous is None:
                raise AssertionError("day pricing could not retrace its own path")
            state, value, shift = previous
            if shift is not None:
                path.append(shift)
        return path

    def _previous(
        self,
        offset: int,
        state: tuple[object, ...],
        value: float,
        work: np.ndarray,
        off: np.ndarray,
        costs: np.ndarray,
        first: int,
    ) -> tuple[tuple[object, ...], float, str | None] | None:
        """The state the day before ``offset`` that ``state`` (with ``value``) came from."""
        rules = self.rules
        runs, offs = self.runs, self.offs
        min_run = rules.min_run or 1
        min_off = rules.min_off or 1

        def equal(a: float, b: float) -> bool:
            return abs(a - b) <= TOLERANCE * max(1.0, abs(b))

        if state[0] == "off":
            length, start = int(state[1]), int(state[2])  # type: ignore[call-overload]
            cell = tuple(int(index) for index in state[3:])  # type: ignore[call-overload]
            if offset == 0:
                return (("start",), 0.0, None) if length == 0 and start == 1 else None
            if length == 0 and start == 0:
                for role in range(self.role_count):
                    for run in range(runs):
                        for touching in (0, 1):
                            if touching == 0 and run + 1 < min_run:
                                continue
                            if equal(work[(role, run, touching, *cell)], value):
                                return (("work", role, run, touching, *cell), value, None)
            befores = [length - 1] if length > 0 else []
            if length == offs - 1:
                befores.append(length)
            for before in befores:
                if equal(off[(before, start, *cell)], value):
                    return (("off", before, start, *cell), value, None)
            return None
        role, run, touching = (int(part) for part in state[1:4])  # type: ignore[call-overload]
        cell = tuple(int(index) for index in state[4:])  # type: ignore[call-overload]
        # The run lengths whose next day is ``run``.
        befores = [
            before
            for before in range(runs)
            if (before + 1 if rules.max_run is not None else min(before + 1, runs - 1)) == run
        ]
        for place, option in enumerate(rules.days[offset]):
            if option.role != role:
                continue
            position = first + place
            cost = float(costs[position])
            if offset == 0:
                first_cell = self._first(self.after_off[position])
                if run == 0 and touching == 1 and equal(cost, value) and first_cell == cell:
                    return (("start",), 0.0, option.shift)
                continue
            if run == 0 and touching == 0:
                for source in self._sources(cell, self.after_off[position]):
                    for length in range(offs):
                        for start in (0, 1):
                            if min_off > 1 and start == 0 and length != offs - 1:
                                continue
                            if equal(off[(length, start, *source)] + cost, value):
                                return (
                                    ("off", length, start, *source),
                                    value - cost,
                                    option.shift,
                                )
            for source in self._sources(cell, self.after_work[position]):
                for before_role in range(self.role_count):
                    if rules.forbidden[before_role, role]:
                        continue
                    for before in befores:
                        if equal(work[(before_role, before, touching, *source)] + cost, value):
                            return (
                                ("work", before_role, before, touching, *source),
                                value - cost,
                                option.shift,
                            )
        return None

    def _sources(self, cell: tuple[int, ...], steps: tuple[int, ...]) -> list[tuple[int, ...]]:
        """The resource cells that become ``cell`` after a duty adding ``steps``."""
        choices: list[list[int]] = []
        for axis, (index, step, size) in enumerate(zip(cell, steps, self.dims, strict=True)):
            if axis == 0 and self.clamped and index == size - 1:
                choices.append(list(range(max(index - step, 0), size)))
            elif index >= step:
                choices.append([index - step])
            else:
                return []
        sources: list[tuple[int, ...]] = [()]
        for options in choices:
            sources = [(*source, index) for source in sources for index in options]
        return sources

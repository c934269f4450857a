"""Pricing by days: one person's cheapest pattern by dynamic programming over their days.

``solver.columns`` prices each person's pattern against the master's shift
prices. CP-SAT does that for any rule set, at 0.1–0.4 s a person over 56–84
days. When a person's hard rules are all *day rules* — at most one duty a day,
forbidden successions of roles on consecutive days, the longest and shortest
runs of worked days and of days off, worked weekends over the whole horizon,
total duty minutes and duties per role — the same question is a shortest path
through their days, solved here in milliseconds (the loops, compiled by
numba, are in ``solver.day_paths``).

The state after each day is what the person did that day (off, or the *class*
of their duty: roles with the same forbidden successors share one), how long
the current run of worked (or off) days is and whether that run touches the
horizon's start (such runs may be shorter than the minimum). Resources are
array axes: the duty minutes so far (in units of the greatest common divisor
of the lengths, or as counts per length where that counts a limit for free),
the weekends worked so far and the duties of each *counted* role. A limit of
duties per role is priced at first: a Lagrange multiplier is added to each duty
of the role and raised while the cheapest path takes too many (subgradient
steps); once the cheapest path breaks the limit, the role is counted from then
on, while the table stays small enough. The value at any multipliers, less the
multipliers times the limits, is a lower bound on the least cost; when the path
obeys every limit and no multiplier is paid for slack, it is the least cost
itself (``Priced.exact``).

The readings are those of the rule modules (``solver.model.working_days``,
``successions``, ``weekends``, ``duty_minutes``, ``person_duties``,
``concurrency``): ``day_rules`` says for which people they are the whole
story, and ``tests/solver/test_day_pricing.py`` compares the least costs with
CP-SAT's on the person's own model. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from solver import day_paths
from solver.eligibility import Eligibility
from solver.limits import person_limits
from solver.model.weekends import weekend_index, weekends_overlapping
from solver.scenario import Duration
from solver.shifts import ExpandedScenario

# The compiled loops (numba's dispatchers take any arguments).
_forward: Callable[..., None] = day_paths.forward
_backward: Callable[..., np.ndarray] = day_paths.backward
# Limits of duties per role are priced by multipliers until the cheapest path
# breaks one; it is counted exactly from then on (an array axis) while the axes
# of minutes, weekends and counts hold at most this many cells per state and the
# table of values at most COUNTED_TABLE cells (Curtois-Qu 13: 18 roles, most of
# whose limits never bind; counting them all up front took 11-17 million cells).
COUNTED_CELLS = 10000
COUNTED_TABLE = 8_000_000
# Subgradient steps on the multipliers of duties per role, at most, per pricing,
# and at most this many array cells worked through in them (at least two steps):
# a person of Curtois-Qu 19 with a table of 19 million cells took 0.7 s in twelve.
LAGRANGE_STEPS = 12
LAGRANGE_CELLS = 40_000_000
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
        # Array cells worked through so far: a deterministic measure of the time taken.
        self.work = 0
        self.day_start = np.cumsum([0, *(len(day) for day in rules.days)]).astype(np.int64)
        # Roles with the same forbidden successors share a class (one state for them
        # all; Curtois-Qu 13: 15 roles of a person, 5 classes); roles whose forbidden
        # predecessor classes are the same share a column.
        rows = [tuple(row) for row in rules.forbidden.tolist()]
        class_of = [sorted(set(rows)).index(row) for row in rows]
        self.kinds = len(set(rows))
        by_class = np.zeros((self.kinds, self.role_count), dtype=bool)
        for role, kind in enumerate(class_of):
            by_class[kind] = rules.forbidden[role]
        columns = [tuple(column) for column in by_class.T.tolist()]
        # Fewest allowed predecessors first: each column's minimum starts from the
        # largest earlier one whose classes it also allows (forbidden successions
        # are mostly nested: night after day is fine, day after night is not).
        distinct = sorted(set(columns), key=lambda column: (-sum(column), column))
        column_of = [distinct.index(column) for column in columns]
        self.forbidden = np.array(distinct, dtype=bool).reshape(len(distinct), self.kinds).T.copy()
        allowed_of = [{kind for kind, no in enumerate(column) if not no} for column in distinct]
        self.column_base = np.full(len(distinct), -1, dtype=np.int64)
        self.column_extra = np.zeros((len(distinct), self.kinds), dtype=bool)
        for position, allowed in enumerate(allowed_of):
            bases = [earlier for earlier in range(position) if allowed_of[earlier] <= allowed]
            extra = set(allowed)
            if bases:
                base = max(bases, key=lambda earlier: len(allowed_of[earlier]))
                self.column_base[position] = base
                extra -= allowed_of[base]
            for kind in extra:
                self.column_extra[position, kind] = True
        options = rules.options
        self.option_class = np.array([class_of[option.role] for option in options], dtype=np.int64)
        self.option_column = np.array(
            [column_of[option.role] for option in options], dtype=np.int64
        )
        self.index = {option.shift: position for position, option in enumerate(options)}
        self.lengths, self.merged = self._lengths()
        self.left = self._left()
        # Limits of duties per role start priced; one the cheapest path breaks is
        # counted from then on, while it fits (``_count``).
        self.counted: list[int] = []
        self.priced = {
            role: most for role, most in rules.role_limits.items() if role not in self.merged
        }
        self._lay_out()

    def _lengths(self) -> tuple[tuple[int, ...], dict[int, int]]:
        """Duty lengths to count minutes by, and the role limits that come free with them.

        Minutes are one axis (in units) unless counting duties per length is no
        bigger and counts a role's limit exactly on the way: when a limited role
        is the only one of its length, its limit caps that length's axis
        (Curtois-Qu 19: 480-minute duties and at most 12 600-minute nights make
        55 × 13 cells with the nights exact, where 217 minute cells left the
        nights to a multiplier).
        Returns the lengths in units (none: one axis of minutes) and, per role
        counted so, its axis.
        """
        rules = self.rules
        if rules.max_units is None:
            return (), {}
        lengths = sorted({option.units for option in rules.options if option.units > 0})
        roles_of = {
            length: {option.role for option in rules.options if option.units == length}
            for length in lengths
        }
        merged: dict[int, int] = {}
        cells = 1
        counted_apart = rules.max_units + 1
        for axis, length in enumerate(lengths):
            most = rules.max_units // length
            (role,) = roles_of[length] if len(roles_of[length]) == 1 else (None,)
            if role is not None and role in rules.role_limits:
                merged[role] = axis
                counted_apart *= rules.role_limits[role] + 1
                most = min(most, rules.role_limits[role])
            cells *= most + 1
        if not merged or cells > counted_apart:
            return (), {}
        return tuple(lengths), merged

    def _lay_out(self) -> None:
        """The resource axes and each option's steps on them, for the counted roles."""
        rules = self.rules
        options = rules.options
        self.clamped = False
        if self.lengths and rules.max_units is not None:
            dims = [
                min(
                    [
                        rules.max_units // length,
                        *(rules.role_limits[role] for role, on in self.merged.items() if on == at),
                    ]
                )
                + 1
                for at, length in enumerate(self.lengths)
            ]
        elif rules.max_units is not None:
            dims = [rules.max_units + 1]
        elif rules.min_units is not None:
            dims, self.clamped = [rules.min_units + 1], True
        else:
            dims, self.clamped = [1], True
        minutes_axes = len(dims)
        dims.append(1 if rules.max_weekends is None else rules.max_weekends + 1)
        dims.extend(rules.role_limits[role] + 1 for role in self.counted)
        self.dims = tuple(dims)
        self.dims_array = np.array(self.dims, dtype=np.int64)
        self.strides = np.array(
            [math.prod(self.dims[axis + 1 :]) for axis in range(len(self.dims))], dtype=np.int64
        )
        self.digits = np.indices(self.dims, dtype=np.int64).reshape(len(self.dims), -1).T.copy()
        if self.lengths:
            units = self.digits[:, :minutes_axes] @ np.array(self.lengths, dtype=np.int64)
            self.allowed = units <= (rules.max_units or 0)
        else:
            units = self.digits[:, 0]
            self.allowed = np.ones(len(units), dtype=bool)
        # Final cells with minutes enough.
        if self.clamped:
            least = self.dims[0] - 1 if rules.min_units is not None else 0
        else:
            least = rules.min_units or 0
        self.accept = units >= least
        self.cell_units = units.astype(np.int64)
        self.need = least - self.left
        counting = rules.max_weekends is not None

        def steps(option: Option, weekend: int) -> tuple[int, ...]:
            if self.lengths:
                minutes = tuple(int(option.units == length) for length in self.lengths)
            else:
                minutes = (option.units,)
            counts = tuple(int(option.role == role) for role in self.counted)
            return (*minutes, weekend if counting else 0, *counts)

        # What one more duty adds: after a day off, a Saturday or Sunday starts a
        # worked weekend; after a worked day, only a Saturday does.
        self.after_off_steps = np.array(
            [steps(option, int(option.weekend > 0)) for option in options], dtype=np.int64
        ).reshape(-1, len(self.dims))
        self.after_work_steps = np.array(
            [steps(option, int(option.weekend == 1)) for option in options], dtype=np.int64
        ).reshape(-1, len(self.dims))
        # Each distinct step's cell after it from every cell (-1: past a limit).
        distinct, inverse = np.unique(
            np.concatenate([self.after_off_steps, self.after_work_steps]),
            axis=0,
            return_inverse=True,
        )
        inverse = inverse.reshape(-1)
        self.off_move = inverse[: len(options)].astype(np.int64)
        self.work_move = inverse[len(options) :].astype(np.int64)
        self.moves = np.array(
            [self._moved(step) for step in distinct] or [np.full(len(self.digits), -1)],
            dtype=np.int64,
        )
        # Options alike but for their cost (Curtois-Qu 13: a1, a2 and a3) form a group.
        alike = [
            (int(self.option_class[at]), int(self.option_column[at]), int(off), int(work))
            for at, (off, work) in enumerate(zip(self.off_move, self.work_move, strict=True))
        ]
        groups = {key: number for number, key in enumerate(dict.fromkeys(alike))}
        self.option_group = np.array([groups[key] for key in alike], dtype=np.int64)

    def _moved(self, step: np.ndarray) -> np.ndarray:
        """Every cell's cell after a duty of ``step`` (-1 where it breaks a limit)."""
        targets = self.digits + step
        dims = self.dims_array
        if self.clamped:
            targets[:, 0] = np.minimum(targets[:, 0], dims[0] - 1)
        inside = (targets < dims).all(axis=1)
        cells = np.where(inside, (np.minimum(targets, dims - 1) * self.strides).sum(axis=1), 0)
        return np.where(inside & self.allowed[cells], cells, -1)

    def _left(self) -> np.ndarray:
        """Per day, at most how many minutes (units) the days from then on can add.

        A path with fewer minutes by then than the least less this cannot reach
        the least: its cells are dropped (``day_paths.forward``). The bound:
        runs of at most the longest duties, each followed by the days off
        (the minimum run and the run already under way are left out, which only
        loosens it); without a longest run, every day's longest duty.
        """
        rules = self.rules
        days = len(rules.days)
        most = [max((option.units for option in day), default=-1) for day in rules.days]
        left = [0] * (days + 1)  # left[day]: the most units days day.. can add
        if rules.max_run is None:
            for day in range(days - 1, -1, -1):
                left[day] = left[day + 1] + max(most[day], 0)
            return np.array(left, dtype=np.int64)
        gap = max(rules.min_off or 1, 1)
        for day in range(days - 1, -1, -1):
            best = left[day + 1]
            total = 0
            for length in range(1, min(rules.max_run, days - day) + 1):
                if most[day + length - 1] < 0:
                    break  # nothing to take that day: the run ends before it
                total += most[day + length - 1]
                best = max(best, total + left[min(day + length + gap, days)])
            left[day] = best
        return np.array(left, dtype=np.int64)

    def _count(self, excess: Mapping[int, int]) -> bool:
        """Count exactly the priced limit broken by the most that fits; ``False`` if none."""
        cells = int(self.digits.shape[0])
        broken = sorted(
            (role for role, amount in excess.items() if amount > 0),
            key=lambda role: (-excess[role], self.priced[role], role),
        )
        for role in broken:
            most = self.priced[role]
            grown = cells * (most + 1)
            if grown <= COUNTED_CELLS and self.table() // cells * grown <= COUNTED_TABLE:
                self.counted.append(role)
                del self.priced[role]
                self.multipliers.pop(role, None)
                self._lay_out()
                return True
        return False

    @property
    def states(self) -> int:
        """States after a day: a class and the run it ends, or a run of days off."""
        return self.kinds * self.runs * 2 + self.offs * 2

    def table(self) -> int:
        """The cells of the table of values one pricing fills (8 bytes each)."""
        return (len(self.rules.days) + 1) * self.states * int(self.digits.shape[0])

    def most_steps(self) -> int:
        """Subgradient steps one pricing may take (one pass without multipliers)."""
        if not self.priced:
            return 1
        return max(2, min(LAGRANGE_STEPS, LAGRANGE_CELLS // max(self.table(), 1)))

    def estimate(self) -> int:
        """The array cells one pricing works through, at most (for time budgets)."""
        return self.table() * self.most_steps()

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
        steps = 0
        while True:
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
            if self._count(excess):
                continue  # the broken limit is counted now: price again
            steps += 1
            if steps >= self.most_steps():
                break
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

        ``solver.day_paths`` holds the loops: values per day, state (what the
        person did, the run it ends) and cell of the resources (minutes,
        weekends, counted roles).
        """
        rules = self.rules
        days = len(rules.days)
        values = np.empty((days + 1, self.states, int(self.digits.shape[0])))
        self.work += values.size
        shape = self._shape()
        _forward(costs, shape, values)
        final = values[days][:, self.accept]
        if final.size == 0 or not np.isfinite(final.min()):
            return math.inf, None
        state, position = np.unravel_index(int(final.argmin()), final.shape)
        cell = int(np.flatnonzero(self.accept)[position])
        value = float(values[days, state, cell])
        chosen = _backward(values, costs, shape, int(state), cell)
        if len(chosen) != days:
            raise AssertionError("day pricing could not retrace its own path")
        options = rules.options
        return value, [options[option].shift for option in chosen if option >= 0]

    def _shape(self) -> tuple[Any, ...]:
        """The arrays and numbers that describe the days to ``solver.day_paths``."""
        rules = self.rules
        return (
            self.day_start,
            self.option_class,
            self.option_column,
            self.after_off_steps,
            self.after_work_steps,
            self.dims_array,
            self.strides,
            self.digits,
            self.cell_units,
            self.need,
            self.forbidden,
            self.column_base,
            self.column_extra,
            self.moves,
            self.off_move,
            self.work_move,
            self.option_group,
            self.runs,
            self.offs,
            rules.min_run or 1,
            rules.min_off or 1,
            rules.max_run is None,
            self.clamped,
        )

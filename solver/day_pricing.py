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
        self.day_start = np.cumsum([0, *(len(day) for day in rules.days)]).astype(np.int64)
        self.option_role = np.array([option.role for option in rules.options], dtype=np.int64)
        self.dims_array = np.array(self.dims, dtype=np.int64)
        self.strides = np.array(
            [math.prod(self.dims[axis + 1 :]) for axis in range(len(self.dims))], dtype=np.int64
        )
        self.digits = np.indices(self.dims, dtype=np.int64).reshape(len(self.dims), -1).T.copy()
        # Final cells with minutes enough.
        minutes = self.digits[:, 0]
        if self.clamped:
            least = self.dims[0] - 1 if rules.min_units is not None else 0
        else:
            least = rules.min_units or 0
        self.accept = minutes >= least
        options = rules.options
        self.index = {option.shift: position for position, option in enumerate(options)}
        counting = rules.max_weekends is not None

        def steps(option: Option, weekend: int) -> tuple[int, ...]:
            counts = tuple(int(option.role == role) for role in self.counted)
            return (option.units, weekend if counting else 0, *counts)

        # What one more duty adds: after a day off, a Saturday or Sunday starts a
        # worked weekend; after a worked day, only a Saturday does.
        self.after_off_steps = np.array(
            [steps(option, int(option.weekend > 0)) for option in options], dtype=np.int64
        ).reshape(-1, len(self.dims))
        self.after_work_steps = np.array(
            [steps(option, int(option.weekend == 1)) for option in options], dtype=np.int64
        ).reshape(-1, len(self.dims))

    def table(self) -> int:
        """The cells of the table of values one pricing fills (8 bytes each)."""
        states = self.role_count * self.runs * 2 + self.offs * 2
        return (len(self.rules.days) + 1) * states * int(self.digits.shape[0])

    def estimate(self) -> int:
        """The array cells one pricing works through, at most (for time budgets)."""
        return self.table() * (LAGRANGE_STEPS if self.priced else 1)

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

        ``solver.day_paths`` holds the loops: values per day, state (what the
        person did, the run it ends) and cell of the resources (minutes,
        weekends, counted roles).
        """
        rules = self.rules
        days = len(rules.days)
        cells = int(self.digits.shape[0])
        states = self.role_count * self.runs * 2 + self.offs * 2
        values = np.empty((days + 1, states, cells))
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
            self.option_role,
            self.after_off_steps,
            self.after_work_steps,
            self.dims_array,
            self.strides,
            self.digits,
            rules.forbidden,
            self.runs,
            self.offs,
            rules.min_run or 1,
            rules.min_off or 1,
            rules.max_run is None,
            self.clamped,
        )

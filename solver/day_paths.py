"""The shortest path through a person's days: the compiled loops of ``solver.day_pricing``.

Kept apart because numba compiles them (once per machine: ``cache=True`` keeps
the machine code beside this file). Plain arrays in and out, no objects:

- a *state* is what the person did on the day: a worked day ends a run of
  ``run + 1`` worked days in a duty of *class* ``kind`` (``_work``), a day off
  ends a run of ``run + 1`` days off (``_off``); ``touching`` runs began on the
  horizon's first day (they may be shorter than the minimum). Roles whose
  forbidden successors are the same share a class: the next day cannot tell
  them apart, so one state serves them all;
- an option's *column* says which classes may precede it the day before
  (``forbidden[class, column]``); options of one column share that day's
  minimum over their predecessors;
- a *cell* is a flat index over the resource axes (minutes, weekends, counted
  roles), ``digits[cell]`` its index on each axis; a duty moves a cell by its
  ``steps`` on each axis (``moves[step, cell]``, worked out beforehand), and a
  cell past an axis's end, or with too many minutes where minutes are counted
  per duty length, is no pattern (-1) — except on a clamped minutes axis (only
  a minimum), whose last index means "enough";
- ``values[day, state, cell]`` is the least cost of the first ``day`` days
  ending in that state and cell (``values[0]`` is before the first day).

``forward`` fills ``values``; ``backward`` walks back from a final state and
cell and returns the option taken on each day (-1 for a day off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from numba import njit
from numba.types import Array, Tuple, boolean, float64, int64, none  # type: ignore[attr-defined]

# Explicit signatures: compiled on import (once per machine, then read from the
# cache), never in the middle of a timed search.
_INTS = Array(int64, 1, "A")
_TABLE = Array(int64, 2, "A")
_PATHS = Tuple(
    (
        _INTS,  # day_start
        _INTS,  # option_class
        _INTS,  # option_column
        _TABLE,  # after_off
        _TABLE,  # after_work
        _INTS,  # dims
        _INTS,  # strides
        _TABLE,  # digits
        _INTS,  # cell_units
        _INTS,  # need
        Array(boolean, 2, "A"),  # forbidden
        _INTS,  # column_base
        Array(boolean, 2, "A"),  # column_extra
        _TABLE,  # moves
        _INTS,  # off_move
        _INTS,  # work_move
        _INTS,  # option_group
        int64,  # runs
        int64,  # offs
        int64,  # min_run
        int64,  # min_off
        boolean,  # capped
        boolean,  # clamped
    )
)
_VALUES = Array(float64, 3, "A")
_COSTS = Array(float64, 1, "A")

_F = TypeVar("_F", bound=Callable[..., Any])


def _compiled(signature: Any) -> Callable[[_F], _F]:
    """numba's ``njit`` with an explicit signature, cached on disk; it lets go of the
    interpreter while it runs, so people are priced on every core."""
    return cast(Callable[[_F], _F], njit(signature, cache=True, nogil=True))


# Values this close count as equal when walking back (they are the same sums).
# (walking back repeats forward's very additions, so equal values are equal floats;
# a loose tolerance could take a neighbour's value when costs are large, e.g. a
# required duty's).
_TOLERANCE = 1e-12


@_compiled(int64(int64, int64, int64, int64, int64))
def _work(kind: int, run: int, touching: int, runs: int, min_run: int) -> int:
    """The state of a worked day; a run long enough forgets whether it touches the start."""
    if run + 1 >= min_run:
        touching = 0
    return (kind * runs + run) * 2 + touching


@_compiled(int64(int64, int64, int64, int64))
def _off(run: int, touching: int, first_off: int, offs: int) -> int:
    """The state of a day off; a run long enough forgets whether it touches the start."""
    if run == offs - 1:
        touching = 0
    return first_off + run * 2 + touching


@_compiled(int64(int64, int64, boolean))
def _longer(run: int, runs: int, capped: bool) -> int:
    """The run one day longer (-1: too long), capped at the last when there is no maximum."""
    if run + 1 < runs:
        return run + 1
    return runs - 1 if capped else -1


@_compiled(none(_COSTS, _PATHS, _VALUES))
def forward(costs: np.ndarray, paths: tuple[Any, ...], values: np.ndarray) -> None:
    """Fill ``values`` day by day (see the module's description)."""
    (day_start, option_class, option_column, _, _, _, _, _, cell_units, need, forbidden,
     column_base, column_extra, moves, off_move, work_move, option_group, runs, offs,
     min_run, min_off, capped, _) = paths  # fmt: skip
    days = day_start.shape[0] - 1
    kinds, columns = forbidden.shape
    states = values.shape[1]
    cells = values.shape[2]
    first_off = kinds * runs * 2
    infinity = np.inf
    values[0, :, :] = infinity
    # Per state, the cells with a finite value yesterday lie in lows[state]..highs[state]
    # (minutes grow day by day: a narrow band of them is reachable on any one day).
    lows = np.zeros(states, dtype=np.int64)
    highs = np.zeros(states, dtype=np.int64)
    # Per column: the least value yesterday over the classes that may precede it.
    befores = np.empty((columns, runs, 2, cells))
    before_low = np.zeros(columns, dtype=np.int64)
    before_high = np.zeros(columns, dtype=np.int64)
    starting = np.empty(cells)
    for day in range(days):
        last = values[day]
        now = values[day + 1]
        now[:, :] = infinity
        starting_low, starting_high = 0, 0
        if day == 0:
            now[_off(0, 1, first_off, offs), 0] = 0.0  # days off from the start: may be short
        else:
            # A day off: a run of days off goes on, or a long enough run of work ends.
            for run in range(offs):
                longer = run + 1 if run + 1 < offs else offs - 1
                for touching in range(2):
                    source = first_off + run * 2 + touching
                    target = _off(longer, touching, first_off, offs)
                    for cell in range(lows[source], highs[source]):
                        if last[source, cell] < now[target, cell]:
                            now[target, cell] = last[source, cell]
            ended = _off(0, 0, first_off, offs)
            for source in range(first_off):
                run = (source // 2) % runs
                if source % 2 == 0 and run + 1 < min_run:
                    continue
                for cell in range(lows[source], highs[source]):
                    if last[source, cell] < now[ended, cell]:
                        now[ended, cell] = last[source, cell]
            # Where a run of work may start: after enough days off, or off since the start.
            starting_low, starting_high = cells, 0
            for run in range(offs):
                for touching in range(2):
                    source = first_off + run * 2 + touching
                    if touching == 1 or min_off == 1 or run == offs - 1:
                        starting_low = min(starting_low, lows[source])
                        starting_high = max(starting_high, highs[source])
            starting[starting_low:starting_high] = infinity
            for run in range(offs):
                for touching in range(2):
                    source = first_off + run * 2 + touching
                    if touching == 0 and min_off > 1 and run != offs - 1:
                        continue
                    for cell in range(lows[source], highs[source]):
                        if last[source, cell] < starting[cell]:
                            starting[cell] = last[source, cell]
        if day > 0:
            # Each column's minimum over the classes that may precede it: from its
            # base column's (a subset of those classes, worked out before it) and
            # the classes it adds.
            for column in range(columns):
                before = befores[column]
                base = column_base[column]
                low, high = cells, 0
                if base >= 0:
                    low, high = before_low[base], before_high[base]
                for earlier in range(kinds):
                    if column_extra[column, earlier]:
                        for source in range(earlier * runs * 2, (earlier + 1) * runs * 2):
                            low = min(low, lows[source])
                            high = max(high, highs[source])
                before_low[column], before_high[column] = low, high
                before[:, :, low:high] = infinity
                if base >= 0:
                    base_low, base_high = before_low[base], before_high[base]
                    before[:, :, base_low:base_high] = befores[base][:, :, base_low:base_high]
                for earlier in range(kinds):
                    if not column_extra[column, earlier]:
                        continue
                    for run in range(runs):
                        for touching in range(2):
                            source = (earlier * runs + run) * 2 + touching
                            for cell in range(lows[source], highs[source]):
                                if last[source, cell] < before[run, touching, cell]:
                                    before[run, touching, cell] = last[source, cell]
        for option in range(day_start[day], day_start[day + 1]):
            cost = costs[option]
            # Options of one group lead to the same states and cells: the cheapest
            # (the first of equals) stands for them all.
            cheaper = False
            for other in range(day_start[day], day_start[day + 1]):
                alike = other != option and option_group[other] == option_group[option]
                if alike and (costs[other] < cost or (costs[other] == cost and other < option)):
                    cheaper = True
            if cheaper:
                continue
            kind = option_class[option]
            column = option_column[option]
            if day == 0:
                cell = moves[off_move[option], 0]
                target = _work(kind, 0, 1, runs, min_run)
                if cell >= 0 and cost < now[target, cell]:
                    now[target, cell] = cost
                continue
            target = _work(kind, 0, 0, runs, min_run)
            move = moves[off_move[option]]
            for cell in range(starting_low, starting_high):
                value = starting[cell]
                if value == infinity:
                    continue
                after = move[cell]
                if after >= 0 and value + cost < now[target, after]:
                    now[target, after] = value + cost
            before = befores[column]
            move = moves[work_move[option]]
            for run in range(runs):
                longer = _longer(run, runs, capped)
                if longer < 0:
                    continue
                for touching in range(2):
                    target = _work(kind, longer, touching, runs, min_run)
                    for cell in range(before_low[column], before_high[column]):
                        value = before[run, touching, cell]
                        if value == infinity:
                            continue
                        after = move[cell]
                        if after >= 0 and value + cost < now[target, after]:
                            now[target, after] = value + cost
        # Cells too short of minutes for what the days left can add are no pattern.
        for state in range(states):
            low, high = cells, 0
            for cell in range(cells):
                if now[state, cell] < infinity:
                    if cell_units[cell] < need[day + 1]:
                        now[state, cell] = infinity
                    else:
                        low = min(low, cell)
                        high = cell + 1
            lows[state], highs[state] = low, high


@_compiled(boolean(float64, float64))
def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(1e3, abs(b))


@_compiled(_INTS(int64, _INTS, _TABLE, _INTS, _INTS, boolean))
def _sources(cell: int, steps: np.ndarray, digits: np.ndarray, dims: np.ndarray,
             strides: np.ndarray, clamped: bool) -> np.ndarray:  # fmt: skip
    """The cells a duty of ``steps`` moves to ``cell``."""
    base = cell
    for axis in range(1, dims.shape[0]):
        if digits[cell, axis] < steps[axis]:
            return np.empty(0, dtype=np.int64)
        base -= steps[axis] * strides[axis]
    index = digits[cell, 0]
    if clamped and index == dims[0] - 1 and steps[0] > 0:
        low = max(index - steps[0], 0)
        found = np.empty(index - low + 1, dtype=np.int64)
        for position in range(index - low + 1):
            found[position] = base + (low + position - index) * strides[0]
        return found
    if index < steps[0]:
        return np.empty(0, dtype=np.int64)
    found = np.empty(1, dtype=np.int64)
    found[0] = base - steps[0] * strides[0]
    return found


@_compiled(_INTS(_VALUES, _COSTS, _PATHS, int64, int64))
def backward(
    values: np.ndarray, costs: np.ndarray, paths: tuple[Any, ...], state: int, cell: int
) -> np.ndarray:
    """The option taken on each day (-1: off) on a least path to ``state`` and ``cell``.

    Each day's transitions are those of ``forward``, tried from every state of
    the day before; the first whose value explains today's is taken.
    """
    (day_start, option_class, option_column, after_off, after_work, dims, strides, digits,
     _, _, forbidden, _, _, moves, off_move, _, _, runs, offs, min_run, min_off, capped,
     clamped) = paths  # fmt: skip
    days = day_start.shape[0] - 1
    kinds = forbidden.shape[0]
    first_off = kinds * runs * 2
    chosen = np.full(days, -2, dtype=np.int64)
    value = values[days, state, cell]
    for day in range(days - 1, -1, -1):
        last = values[day]
        found = False
        if state >= first_off:
            chosen[day] = -1
            if day == 0:
                found = state == _off(0, 1, first_off, offs)
                if not found:
                    return chosen[:0]
                continue
            if state == _off(0, 0, first_off, offs):
                for source in range(first_off):
                    run = (source // 2) % runs
                    if source % 2 == 0 and run + 1 < min_run:
                        continue
                    if not found and _equal(last[source, cell], value):
                        state, found, value = source, True, last[source, cell]
            for run in range(offs):
                longer = run + 1 if run + 1 < offs else offs - 1
                for touching in range(2):
                    source = first_off + run * 2 + touching
                    if found or _off(longer, touching, first_off, offs) != state:
                        continue
                    if _equal(last[source, cell], value):
                        state, found, value = source, True, last[source, cell]
            if not found:
                return chosen[:0]
            continue
        kind = (state // 2) // runs
        for option in range(day_start[day], day_start[day + 1]):
            if found or option_class[option] != kind:
                continue
            cost = costs[option]
            column = option_column[option]
            if day == 0:
                start = moves[off_move[option], 0]
                if (
                    state == _work(kind, 0, 1, runs, min_run)
                    and start == cell
                    and _equal(cost, value)
                ):
                    chosen[day], found = option, True
                continue
            if state == _work(kind, 0, 0, runs, min_run):
                sources = _sources(cell, after_off[option], digits, dims, strides, clamped)
                for source_cell in sources:
                    for run in range(offs):
                        for touching in range(2):
                            if touching == 0 and min_off > 1 and run != offs - 1:
                                continue
                            source = first_off + run * 2 + touching
                            if not found and _equal(last[source, source_cell] + cost, value):
                                chosen[day], found = option, True
                                state, cell = source, source_cell
                                value = last[source, source_cell]  # as stored, not recomputed
            if found:
                continue
            sources = _sources(cell, after_work[option], digits, dims, strides, clamped)
            for source_cell in sources:
                for earlier in range(kinds):
                    if forbidden[earlier, column]:
                        continue
                    for run in range(runs):
                        longer = _longer(run, runs, capped)
                        if longer < 0:
                            continue
                        for touching in range(2):
                            if found or _work(kind, longer, touching, runs, min_run) != state:
                                continue
                            source = (earlier * runs + run) * 2 + touching
                            if _equal(last[source, source_cell] + cost, value):
                                chosen[day], found = option, True
                                state, cell = source, source_cell
                                value = last[source, source_cell]  # as stored, not recomputed
        if not found:
            return chosen[:0]
    return chosen

"""Which loads a person or zone can reach at all, as tight domains for deviation variables.

A load is a sum of shift loads, so only some values are reachable: in the demo
year every SB shift load is even and only two are not a multiple of 8, so a
zone's SB load can never be ≡ 4 (mod 8). CP-SAT's linear relaxation does not
see such facts and spends its whole budget failing to prove that a deviation
of 0 is impossible. Stating the reachable deviations as the variable's domain
(a subset sum, computed once with an integer used as a bitset) makes those
bounds immediate.

The sets ignore every rule between duties (rest, gaps, counts), so they are
supersets of what a rota can reach: restricting a deviation to them is sound.
"""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model

# Beyond this many distinct reachable deviations the domain is closed into one
# interval: the lower bound lives in the smallest ones, the rest only costs presolve.
EXACT_VALUES = 96


def reachable_sums(loads: Iterable[tuple[int, int]]) -> int:
    """The subset sums of ``(load, copies)`` items, as a bitset (bit ``s`` set: ``s`` reachable)."""
    reach = 1
    for load, copies in loads:
        for _ in range(copies):
            reach |= reach << load
    return reach


def deviation_domain(reach: int, goal: int) -> cp_model.Domain:
    """The possible values of ``|sum − goal|`` for reachable sums, exact for the smallest ones."""
    deviations: set[int] = set()
    value = 0
    bits = reach
    while bits:
        low = bits & -bits
        value = low.bit_length() - 1
        deviations.add(abs(value - goal))
        bits ^= low
    ordered = sorted(deviations)
    if len(ordered) > EXACT_VALUES:
        exact, rest = ordered[:EXACT_VALUES], ordered[EXACT_VALUES:]
        return cp_model.Domain.from_intervals(
            [[point, point] for point in exact] + [[rest[0], ordered[-1]]]
        )
    return cp_model.Domain.from_values(ordered)

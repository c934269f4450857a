"""Reachable loads as deviation domains (solver.model.reachable): exact, and sound."""

from __future__ import annotations

from itertools import combinations

from solver.model.reachable import EXACT_VALUES, deviation_domain, reachable_sums


def sums_of(bits: int) -> set[int]:
    return {value for value in range(bits.bit_length()) if bits >> value & 1}


def test_subset_sums_of_copies_are_exact() -> None:
    items = [(216, 2), (214, 1), (218, 1)]
    loads = [216, 216, 214, 218]
    expected = {sum(chosen) for size in range(5) for chosen in combinations(loads, size)}
    assert sums_of(reachable_sums(items)) == expected


def test_a_target_no_subset_hits_has_a_positive_least_deviation() -> None:
    # Zone loads ≡ 4 (mod 8) are unreachable with these shifts: the demo year's SB case.
    reach = reachable_sums([(216, 28), (214, 1), (218, 1)])
    domain = deviation_domain(reach, 216 * 28 + 4)
    assert domain.min() == 2
    assert not domain.contains(0) and not domain.contains(1)


def test_a_reachable_target_allows_deviation_zero() -> None:
    domain = deviation_domain(reachable_sums([(15, 3), (111, 2)]), 141)
    assert domain.contains(0)


def test_many_deviations_close_into_one_interval_that_keeps_every_value() -> None:
    reach = reachable_sums([(1, 500)])
    domain = deviation_domain(reach, 250)
    assert all(domain.contains(value) for value in range(251))
    assert len(domain.flattened_intervals()) <= 2 * (EXACT_VALUES + 1)

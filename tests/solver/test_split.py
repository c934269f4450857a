"""Split duties (partial cover): part ids, tiling of a shift, loads that add up, and the
validator's reading of parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest

from solver.rota import Assignment
from solver.shifts import ExpandedScenario
from solver.split import cover, is_part, normalize, parent_shift, part_id, validate
from solver.validate import Violation
from tests.solver.conftest import assign, assign_all, local, make_expanded, make_role

WEEK = "OVW@2026-03-09T08:00"
WEDNESDAY_EVENING = ("2026-03-11T18:00", "2026-03-12T08:00")


def rules_of(violations: Sequence[Violation]) -> set[str]:
    return {violation.rule for violation in violations}


def expanded_with(**fields: Any) -> ExpandedScenario:
    fields.setdefault("rules", {"min_rest": "PT11H"})
    return make_expanded(**fields)


def plain_rota(expanded: ExpandedScenario) -> list[Assignment]:
    return assign_all(
        expanded,
        [
            ("OVW@2026-03-02T08:00", "hh-01"),
            (WEEK, "hh-02"),
            ("OVW@2026-03-16T08:00", "rt-01"),
            ("OVW@2026-03-23T08:00", "rt-02"),
        ],
    )


def covered(
    expanded: ExpandedScenario, taker: str = "rt-02", span: tuple[str, str] = WEDNESDAY_EVENING
) -> list[Assignment]:
    return cover(
        expanded,
        plain_rota(expanded),
        duty=WEEK,
        holder="hh-02",
        start=local(expanded, span[0]),
        end=local(expanded, span[1]),
        taker=taker,
        taker_zone=expanded.scenario.person(taker).zone,
    )


class TestIds:
    def test_a_part_is_named_after_its_shift_and_local_start(self) -> None:
        part = part_id(WEEK, datetime(2026, 3, 11, 18, 0))
        assert part == "OVW@2026-03-09T08:00~2026-03-11T18:00"
        assert is_part(part) and not is_part(WEEK)
        assert parent_shift(part) == WEEK == parent_shift(WEEK)


class TestCover:
    def test_a_cover_splits_the_duty_in_three_parts_whose_loads_add_up(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded)
        parts = [item for item in rota if parent_shift(item.shift) == WEEK]
        assert [(item.shift, item.person) for item in parts] == [
            ("OVW@2026-03-09T08:00~2026-03-09T08:00", "hh-02"),
            ("OVW@2026-03-09T08:00~2026-03-11T18:00", "rt-02"),
            ("OVW@2026-03-09T08:00~2026-03-12T08:00", "hh-02"),
        ]
        assert parts[1].load == 14.0  # a weekday night, weight 1
        assert parts[1].zone == "RT"
        assert sum(item.load for item in parts) == pytest.approx(expanded.by_id[WEEK].load)
        assert parts[0].end == parts[1].start and parts[1].end == parts[2].start
        assert validate(expanded, rota, uncovered_allowed=False) == []

    def test_a_cover_at_the_start_leaves_two_parts(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded, span=("2026-03-09T08:00", "2026-03-10T08:00"))
        parts = [item.person for item in rota if parent_shift(item.shift) == WEEK]
        assert parts == ["rt-02", "hh-02"]
        assert validate(expanded, rota, uncovered_allowed=False) == []

    def test_covering_the_rest_gives_the_whole_shift_its_plain_id_back(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded)
        first = next(item for item in rota if item.shift.endswith("~2026-03-09T08:00"))
        rota = cover(
            expanded,
            rota,
            duty=first.shift,
            holder="hh-02",
            start=first.start,
            end=first.end,
            taker="rt-02",
            taker_zone="RT",
        )
        last = next(item for item in rota if item.shift.endswith("~2026-03-12T08:00"))
        rota = cover(
            expanded,
            rota,
            duty=last.shift,
            holder="hh-02",
            start=last.start,
            end=last.end,
            taker="rt-02",
            taker_zone="RT",
        )
        week = [item for item in rota if parent_shift(item.shift) == WEEK]
        assert week == [assign(expanded, WEEK, "rt-02")]

    def test_a_range_outside_the_duty_is_refused(self) -> None:
        expanded = expanded_with()
        with pytest.raises(ValueError, match="inside the duty"):
            covered(expanded, span=("2026-03-16T06:00", "2026-03-16T10:00"))
        with pytest.raises(ValueError, match="inside the duty"):
            covered(expanded, span=("2026-03-11T18:00", "2026-03-11T18:00"))

    def test_normalize_merges_adjacent_parts_of_one_person(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded)
        rota = [item.model_copy(update={"person": "hh-02", "zone": "HH"}) for item in rota]
        assert [
            item.shift for item in normalize(expanded, rota) if parent_shift(item.shift) == WEEK
        ] == [WEEK]


class TestValidateParts:
    def test_a_gap_in_a_split_shift_is_understaffing_with_the_hours_named(self) -> None:
        expanded = expanded_with()
        rota = [item for item in covered(expanded) if item.person != "rt-02"]
        violations = validate(expanded, rota, uncovered_allowed=False)
        assert rules_of(violations) == {"staffing"}
        assert "from 2026-03-11 18:00 to 2026-03-12 08:00" in violations[0].message
        assert validate(expanded, rota, uncovered_allowed=True) == []

    def test_overlapping_parts_are_overstaffing(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded)
        rota.append(assign(expanded, WEEK, "hh-01").model_copy())
        violations = validate(expanded, rota, uncovered_allowed=True)
        assert "staffing" in rules_of(violations)
        assert any("needs only 1" in violation.message for violation in violations)

    def test_a_part_outside_its_shift_or_misnamed_breaks_rule_split(self) -> None:
        expanded = expanded_with()
        rota = covered(expanded)
        middle = next(item for item in rota if item.person == "rt-02")
        moved = middle.model_copy(update={"start": local(expanded, "2026-03-11T19:00")})
        rota = [moved if item is middle else item for item in rota]
        assert "split" in rules_of(validate(expanded, rota, uncovered_allowed=True))

    def test_the_taker_must_be_free_only_during_the_part(self) -> None:
        absent_thursday = [{"person": "rt-02", "start": "2026-03-12T09:00", "end": "2026-03-13"}]
        expanded = expanded_with(absences=absent_thursday)
        assert validate(expanded, covered(expanded), uncovered_allowed=False) == []
        absent_wednesday = [{"person": "rt-02", "start": "2026-03-11T20:00", "end": "2026-03-12"}]
        expanded = expanded_with(absences=absent_wednesday)
        assert rules_of(validate(expanded, covered(expanded), uncovered_allowed=False)) == {
            "absence"
        }

    def test_the_giver_keeps_no_rest_rule_between_their_own_parts(self) -> None:
        # hh-02 rests only 2 h between the parts around a short cover: one duty with a hole.
        expanded = expanded_with()
        rota = covered(expanded, span=("2026-03-11T18:00", "2026-03-11T20:00"))
        assert validate(expanded, rota, uncovered_allowed=False) == []

    def test_the_taker_is_held_to_min_gap_with_their_other_duties(self) -> None:
        # rt-01 holds the next week; covering Wednesday evening is within 14 days of it.
        expanded = expanded_with(roles=[make_role(min_gap="P14D")])
        violations = validate(expanded, covered(expanded, taker="rt-01"), uncovered_allowed=False)
        assert rules_of(violations) == {"min_gap"}
        assert violations[0].person == "rt-01"

    def test_the_taker_is_held_to_min_rest(self) -> None:
        # hh-01's week ends Monday 08:00; covering from Monday 10:00 leaves 2 h rest.
        expanded = expanded_with()
        violations = validate(
            expanded,
            covered(expanded, taker="hh-01", span=("2026-03-09T10:00", "2026-03-09T20:00")),
            uncovered_allowed=False,
        )
        assert rules_of(violations) == {"min_rest"}
        assert "only 2 h 00 min rest" in violations[0].message

    def test_parts_of_one_shift_count_once_towards_max_duties(self) -> None:
        roles = [make_role(max_duties=[{"count": 1, "window": "P7D"}])]
        expanded = expanded_with(roles=roles)
        assert validate(expanded, covered(expanded), uncovered_allowed=False) == []

    def test_a_pinned_duty_that_is_split_breaks_its_pin(self) -> None:
        expanded = expanded_with(fixed=[{"shift": WEEK, "person": "hh-02"}])
        violations = validate(expanded, covered(expanded), uncovered_allowed=False)
        assert rules_of(violations) == {"fixed"}

    def test_a_rota_without_parts_validates_as_before(self) -> None:
        expanded = expanded_with(roles=[make_role(min_gap="P14D")])
        rota = plain_rota(expanded)
        assert validate(expanded, rota, uncovered_allowed=False) == []
        rota[1] = assign(expanded, WEEK, "hh-01")
        assert "min_gap" in rules_of(validate(expanded, rota, uncovered_allowed=False))


class TestCheckRota:
    def test_a_rota_with_a_covered_part_passes_the_rota_check(self) -> None:
        from solver.rota import Rota
        from solver.split import check_rota

        expanded = expanded_with()
        rota = Rota(scenario="test", status="FEASIBLE", assignments=covered(expanded))
        assert check_rota(expanded, rota) == []

    def test_a_gap_between_parts_must_be_listed_as_uncovered(self) -> None:
        from solver.rota import Rota, Uncovered
        from solver.split import check_rota

        expanded = expanded_with()
        taken = [item for item in covered(expanded) if item.person == "rt-02" and "~" in item.shift]
        parts = [item for item in covered(expanded) if item not in taken]
        rota = Rota(scenario="test", status="FEASIBLE", assignments=parts)
        assert rules_of(check_rota(expanded, rota)) == {"uncovered"}
        shift = expanded.by_id[WEEK]
        listed = rota.model_copy(
            update={
                "uncovered": [Uncovered(shift=WEEK, role="OVW", start=shift.start, end=shift.end)]
            }
        )
        assert check_rota(expanded, listed) == []

"""The independent validator: one class per hard rule, each naming its rule once (``RULE``)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver.rota import Assignment, Rota, Uncovered
from solver.shifts import ExpandedScenario
from solver.validate import Duty, Validator, Violation, check_rota, validate
from tests.solver.conftest import assign, assign_all, make_expanded, make_person, make_role

MONDAYS = ("OVW@2026-03-02T08:00", "OVW@2026-03-09T08:00", "OVW@2026-03-16T08:00")
LAST_MONDAY = "OVW@2026-03-23T08:00"  # crosses the change to summer time on 29 March


def rules_of(violations: Sequence[Violation]) -> set[str]:
    return {violation.rule for violation in violations}


def of_rule(violations: Sequence[Violation], rule: str) -> list[Violation]:
    return [violation for violation in violations if violation.rule == rule]


def day_and_night(
    night_start: str, *, rules: dict[str, Any] | None = None, **fields: Any
) -> ExpandedScenario:
    """A daily DAY role 08:00–17:00 and a daily NIGHT role starting at ``night_start`` (2 h)."""
    return make_expanded(
        roles=[
            make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT9H"),
            make_role("NIGHT", rrule="FREQ=DAILY", start=night_start, duration="PT2H"),
        ],
        rules=rules if rules is not None else {"min_rest": "PT11H"},
        **fields,
    )


class TestStaffing:
    RULE = "staffing"

    def test_fully_staffed_rota_is_valid(self) -> None:
        expanded = make_expanded(priorities=["person_fairness"])
        pairs = zip([*MONDAYS, LAST_MONDAY], ["hh-01", "hh-02", "rt-01", "rt-02"], strict=True)
        assert validate(expanded, assign_all(expanded, pairs)) == []

    def test_overstaffed_shift_is_never_allowed(self) -> None:
        expanded = make_expanded()
        assignments = assign_all(expanded, [(MONDAYS[0], "hh-01"), (MONDAYS[0], "hh-02")])
        violations = validate(expanded, assignments, uncovered_allowed=True)
        assert rules_of(violations) == {self.RULE}
        assert violations[0].shifts == (MONDAYS[0],)
        assert "has 2 people (hh-01, hh-02) but needs only 1" in violations[0].message

    def test_understaffing_is_a_violation_when_coverage_is_hard(self) -> None:
        expanded = make_expanded(priorities=["person_fairness"])
        violations = validate(expanded, assign_all(expanded, [(MONDAYS[0], "hh-01")]))
        assert rules_of(violations) == {self.RULE}
        assert {violation.shifts[0] for violation in violations} == {
            MONDAYS[1],
            MONDAYS[2],
            LAST_MONDAY,
        }
        assert "OVW 2026-03-09 08:00 has 0 of the 1 person it needs" in violations[0].message

    def test_understaffing_is_allowed_when_coverage_is_soft(self) -> None:
        expanded = make_expanded(priorities=["coverage", "person_fairness"])
        assert validate(expanded, []) == []

    def test_explicit_uncovered_allowed_overrides_the_priorities(self) -> None:
        soft = make_expanded(priorities=["coverage"])
        hard = make_expanded(priorities=["preferences"])
        assert rules_of(validate(soft, [], uncovered_allowed=False)) == {self.RULE}
        assert validate(hard, [], uncovered_allowed=True) == []

    def test_staff_override_needs_two_people(self) -> None:
        expanded = make_expanded(
            priorities=["preferences"],
            shift_overrides=[{"shift": MONDAYS[0], "staff": 2}],
        )
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-02"), (MONDAYS[2], "rt-01")]
        pairs.append((LAST_MONDAY, "rt-02"))
        one_short = validate(expanded, assign_all(expanded, pairs))
        assert [violation.shifts for violation in of_rule(one_short, self.RULE)] == [(MONDAYS[0],)]
        full = assign_all(expanded, [*pairs, (MONDAYS[0], "rt-02")])
        assert validate(expanded, full) == []


class TestDuplicate:
    RULE = "duplicate"

    def test_same_person_twice_on_one_shift(self) -> None:
        expanded = make_expanded()
        assignments = assign_all(expanded, [(MONDAYS[0], "hh-01"), (MONDAYS[0], "hh-01")])
        violations = validate(expanded, assignments)
        # The duplicate counts once, so the shift is not also overstaffed.
        assert rules_of(violations) == {self.RULE}
        assert violations[0].person == "hh-01"


class TestUnknownShiftAndPerson:
    def test_unknown_shift(self) -> None:
        rule = "unknown_shift"
        expanded = make_expanded()
        bogus = assign(expanded, MONDAYS[0], "hh-01").model_copy(
            update={"shift": "OVW@2026-03-03T08:00"}
        )
        violations = validate(expanded, [bogus])
        assert rules_of(violations) == {rule}
        assert violations[0].shifts == ("OVW@2026-03-03T08:00",)

    def test_unknown_person(self) -> None:
        rule = "unknown_person"
        expanded = make_expanded()
        bogus = assign(expanded, MONDAYS[0], "hh-01").model_copy(update={"person": "xx-99"})
        violations = validate(expanded, [bogus])
        assert rules_of(violations) == {rule}
        assert violations[0].person == "xx-99"


class TestLoadMismatch:
    RULE = "load_mismatch"

    def test_correct_copy_passes(self) -> None:
        expanded = make_expanded()
        assert validate(expanded, [assign(expanded, LAST_MONDAY, "hh-01")]) == []

    def test_week_across_the_march_change_loads_167_hours(self) -> None:
        expanded = make_expanded()
        assert expanded.by_id[LAST_MONDAY].load == 167
        claimed_168 = assign(expanded, LAST_MONDAY, "hh-01").model_copy(update={"load": 168.0})
        violations = validate(expanded, [claimed_168])
        assert rules_of(violations) == {self.RULE}
        assert "load 168" in violations[0].message

    def test_rounding_within_tolerance_passes(self) -> None:
        expanded = make_expanded()
        rounded = assign(expanded, LAST_MONDAY, "hh-01").model_copy(update={"load": 167.004})
        assert validate(expanded, [rounded]) == []

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("zone", "RT"),
            ("role", "SB"),
            ("start", "2026-03-02T09:00:00+01:00"),
            ("end", "2026-03-09T07:00:00+01:00"),
        ],
    )
    def test_wrong_copied_field(self, field: str, value: str) -> None:
        expanded = make_expanded()
        wrong = Assignment.model_validate(
            assign(expanded, MONDAYS[0], "hh-01").model_dump() | {field: value}
        )
        violations = validate(expanded, [wrong])
        assert rules_of(violations) == {self.RULE}
        assert f"{field} " in violations[0].message

    def test_same_instant_in_another_offset_passes(self) -> None:
        expanded = make_expanded()
        in_utc = assign(expanded, MONDAYS[0], "hh-01").model_copy(
            update={
                "start": expanded.by_id[MONDAYS[0]].start.astimezone(tz=None).astimezone(),
            }
        )
        assert validate(expanded, [in_utc]) == []


class TestQualification:
    RULE = "qualification"

    def test_unqualified_person_is_rejected(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01"), make_person("hh-02", qualifications=["OGP"])]
        )
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-02")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message == (
            "hh-02 cannot take OVW 2026-03-02 08:00: not qualified: lacks OBP"
        )

    def test_every_required_qualification_is_needed(self) -> None:
        expanded = make_expanded(
            roles=[make_role(requires=["OBP", "ICT"])],
            people=[make_person("hh-01", qualifications=["OBP", "ICT"]), make_person("hh-02")],
        )
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-02")])
        assert rules_of(violations) == {self.RULE}
        assert "lacks ICT" in violations[0].message


class TestActiveWindow:
    RULE = "active_window"

    def midnight_days(self, active: dict[str, str | None]) -> ExpandedScenario:
        return make_expanded(
            roles=[make_role("DAY", rrule="FREQ=DAILY", start="00:00", duration="P1D")],
            people=[make_person("hh-01", active=active)],
        )

    def test_duty_starting_at_active_start_passes(self) -> None:
        expanded = self.midnight_days({"start": "2026-03-03"})
        assert validate(expanded, [assign(expanded, "DAY@2026-03-03T00:00", "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, "DAY@2026-03-02T00:00", "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message.endswith("not active before 2026-03-03")

    def test_duty_ending_at_active_end_passes(self) -> None:
        expanded = self.midnight_days({"start": None, "end": "2026-03-03"})
        assert validate(expanded, [assign(expanded, "DAY@2026-03-02T00:00", "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, "DAY@2026-03-03T00:00", "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message.endswith("not active from 2026-03-03")

    def test_duty_reaching_past_active_end_is_rejected(self) -> None:
        expanded = make_expanded(people=[make_person("hh-01", active={"end": "2026-03-16"})])
        # The week of 9 March ends on 16 March 08:00, after the last active day.
        violations = validate(expanded, [assign(expanded, MONDAYS[1], "hh-01")])
        assert rules_of(violations) == {self.RULE}


class TestAbsence:
    RULE = "absence"

    def absent(self, start: str, end: str) -> ExpandedScenario:
        return make_expanded(
            absences=[{"person": "hh-01", "start": start, "end": end, "reason": "leave"}]
        )

    def test_absence_ending_exactly_at_duty_start_passes(self) -> None:
        expanded = self.absent("2026-02-20", "2026-03-02T08:00")
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")]) == []

    def test_absence_ending_a_minute_into_the_duty_is_rejected(self) -> None:
        expanded = self.absent("2026-02-20", "2026-03-02T08:01")
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message == (
            "hh-01 cannot take OVW 2026-03-02 08:00: on leave 2026-02-20 → 2026-03-02 08:01"
        )

    def test_absence_starting_exactly_at_duty_end_passes(self) -> None:
        expanded = self.absent("2026-03-09T08:00", "2026-03-10")
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")]) == []

    def test_absence_inside_the_duty_is_rejected(self) -> None:
        expanded = self.absent("2026-03-04", "2026-03-05")
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}


class TestFixed:
    RULE = "fixed"

    def test_pin_honoured_passes_and_pin_ignored_is_reported(self) -> None:
        expanded = make_expanded(fixed=[{"shift": MONDAYS[0], "person": "hh-02"}])
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-02")]) == []
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].person == "hh-02"
        assert violations[0].shifts == (MONDAYS[0],)

    def test_pin_on_a_removed_shift_cannot_be_honoured(self) -> None:
        expanded = make_expanded(
            fixed=[{"shift": MONDAYS[0], "person": "hh-02"}],
            shift_overrides=[{"shift": MONDAYS[0], "staff": 0}],
        )
        violations = validate(expanded, [])
        assert rules_of(violations) == {self.RULE}
        assert "shift_overrides removes that shift" in violations[0].message


class TestMaxConcurrent:
    RULE = "max_concurrent"

    def overlapping(self, max_concurrent: int) -> ExpandedScenario:
        return make_expanded(
            roles=[
                make_role("OVW"),
                make_role("SB", rrule="FREQ=DAILY", start="17:00", duration="PT15H"),
                make_role("ICT", rrule="FREQ=DAILY", start="18:00", duration="PT2H"),
            ],
            rules={"max_concurrent": max_concurrent},
        )

    def test_two_overlapping_duties_across_roles_are_rejected(self) -> None:
        expanded = self.overlapping(1)
        assignments = assign_all(
            expanded, [(MONDAYS[0], "hh-01"), ("SB@2026-03-03T17:00", "hh-01")]
        )
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE}
        assert violations[0].shifts == (MONDAYS[0], "SB@2026-03-03T17:00")

    def test_back_to_back_duties_do_not_overlap(self) -> None:
        expanded = self.overlapping(1)
        # SB 2026-03-08 17:00 ends 2026-03-09 08:00, exactly when the next OVW week starts.
        assignments = assign_all(
            expanded, [("SB@2026-03-08T17:00", "hh-01"), (MONDAYS[1], "hh-01")]
        )
        assert validate(expanded, assignments) == []

    def test_limit_two_allows_two_but_not_three(self) -> None:
        expanded = self.overlapping(2)
        two = assign_all(expanded, [(MONDAYS[0], "hh-01"), ("SB@2026-03-03T17:00", "hh-01")])
        assert validate(expanded, two) == []
        three = [*two, assign(expanded, "ICT@2026-03-03T18:00", "hh-01")]
        violations = validate(expanded, three)
        assert rules_of(violations) == {self.RULE}
        assert "3 duties at once (maximum 2)" in violations[0].message

    def test_history_duty_overlapping_the_horizon_counts(self) -> None:
        expanded = make_expanded(
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-26T08:00",
                        "end": "2026-03-02T09:00",
                    },
                ]
            }
        )
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert "(history)" in violations[0].message

    def test_overlapping_history_duties_alone_are_never_reported(self) -> None:
        expanded = make_expanded(
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-20T08:00",
                        "end": "2026-02-27T08:00",
                    },
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-21T08:00",
                        "end": "2026-02-22T08:00",
                    },
                ]
            },
            rules={"min_rest": "PT11H", "weekends": {"max": 0, "window": 1}},
        )
        assert validate(expanded, []) == []


class TestMinRest:
    RULE = "min_rest"

    def test_10_h_59_min_rest_is_rejected(self) -> None:
        expanded = day_and_night("03:59")
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-02"), ("NIGHT@2026-03-04T03:59", "hh-02")]
        )
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message == (
            "hh-02 would have only 10 h 59 min rest between DAY 2026-03-03 08:00 and "
            "NIGHT 2026-03-04 03:59 (minimum 11 h)"
        )
        assert violations[0].person == "hh-02"
        assert violations[0].shifts == ("DAY@2026-03-03T08:00", "NIGHT@2026-03-04T03:59")

    def test_11_h_00_min_rest_passes(self) -> None:
        expanded = day_and_night("04:00")
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-02"), ("NIGHT@2026-03-04T04:00", "hh-02")]
        )
        assert validate(expanded, assignments) == []

    def test_rest_before_a_duty_counts_too(self) -> None:
        expanded = day_and_night("03:00")
        # NIGHT 03:00–05:00 then DAY 08:00 the same day: 3 h rest.
        assignments = assign_all(
            expanded, [("NIGHT@2026-03-04T03:00", "hh-02"), ("DAY@2026-03-04T08:00", "hh-02")]
        )
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE}
        assert "only 3 h 00 min rest" in violations[0].message

    def test_different_people_need_no_rest_between_them(self) -> None:
        expanded = day_and_night("03:59")
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-01"), ("NIGHT@2026-03-04T03:59", "hh-02")]
        )
        assert validate(expanded, assignments) == []

    def test_rest_uses_real_elapsed_time_when_clocks_go_forward(self) -> None:
        # DAY ends Sat 28 March 17:00; NIGHT Sun 29 March 05:00 is 12 h on the wall clock
        # but only 11 h of real time because 02:00 became 03:00.
        expanded = day_and_night("05:00", rules={"min_rest": "PT12H"})
        assignments = assign_all(
            expanded, [("DAY@2026-03-28T08:00", "hh-01"), ("NIGHT@2026-03-29T05:00", "hh-01")]
        )
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE}
        assert "only 11 h 00 min rest" in violations[0].message

    def test_rest_uses_real_elapsed_time_when_clocks_go_back(self) -> None:
        # 11 h on the wall clock from Sat 24 October 17:00 to Sun 25 October 04:00 is 12 h.
        expanded = day_and_night(
            "04:00", rules={"min_rest": "PT12H"}, horizon=("2026-10-19", "2026-11-02")
        )
        assignments = assign_all(
            expanded, [("DAY@2026-10-24T08:00", "hh-01"), ("NIGHT@2026-10-25T04:00", "hh-01")]
        )
        assert validate(expanded, assignments) == []

    def test_history_duty_blocks_across_the_horizon_start(self) -> None:
        expanded = make_expanded(
            rules={"min_rest": "PT11H"},
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-03-01T20:00",
                        "end": "2026-03-01T22:00",
                    },
                ]
            },
        )
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message == (
            "hh-01 would have only 10 h 00 min rest between OVW 2026-03-01 20:00 (history) "
            "and OVW 2026-03-02 08:00 (minimum 11 h)"
        )
        assert violations[0].shifts == ("OVW@2026-03-01T20:00", MONDAYS[0])

    def test_history_duty_far_enough_passes(self) -> None:
        expanded = make_expanded(
            rules={"min_rest": "PT11H"},
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-03-01T19:00",
                        "end": "2026-03-01T21:00",
                    },
                ]
            },
        )
        assert validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")]) == []

    def test_overlap_breaks_min_rest_when_one_duty_at_a_time(self) -> None:
        expanded = day_and_night("16:00")
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-01"), ("NIGHT@2026-03-03T16:00", "hh-01")]
        )
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE, "max_concurrent"}
        assert "no rest: they overlap" in of_rule(violations, self.RULE)[0].message

    def test_overlap_is_left_to_max_concurrent_when_it_allows_two(self) -> None:
        expanded = day_and_night("16:00", rules={"min_rest": "PT11H", "max_concurrent": 2})
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-01"), ("NIGHT@2026-03-03T16:00", "hh-01")]
        )
        assert validate(expanded, assignments) == []

    def test_no_rule_no_violation(self) -> None:
        expanded = day_and_night("03:59", rules={})
        assignments = assign_all(
            expanded, [("DAY@2026-03-03T08:00", "hh-02"), ("NIGHT@2026-03-04T03:59", "hh-02")]
        )
        assert validate(expanded, assignments) == []


class TestMinGap:
    RULE = "min_gap"

    def weekly(self, min_gap: str, **fields: Any) -> ExpandedScenario:
        return make_expanded(
            roles=[make_role(min_gap=min_gap), make_role("SB", requires=[])], **fields
        )

    def test_exact_gap_passes(self) -> None:
        expanded = self.weekly("P7D")
        # Week of 2 March ends 9 March 08:00; the week of 16 March starts 7 days later.
        assignments = assign_all(expanded, [(MONDAYS[0], "hh-01"), (MONDAYS[2], "hh-01")])
        assert validate(expanded, assignments) == []

    def test_one_minute_short_is_rejected(self) -> None:
        expanded = self.weekly("P7DT1M")
        assignments = assign_all(expanded, [(MONDAYS[0], "hh-01"), (MONDAYS[2], "hh-01")])
        violations = validate(expanded, assignments)
        assert rules_of(violations) == {self.RULE}
        assert violations[0].message == (
            "hh-01 would have only 7 days 0 h 00 min between OVW 2026-03-02 08:00 and "
            "OVW 2026-03-16 08:00 (minimum gap between OVW duties: 7 days 1 min)"
        )

    def test_days_are_nominal_across_the_dst_change(self) -> None:
        # 16 March (ends 23 March 08:00) and 30 March 08:00: 7 local days, 167 real hours.
        expanded = self.weekly("P7D", horizon=("2026-03-02", "2026-04-06"))
        assignments = assign_all(
            expanded, [(MONDAYS[2], "hh-01"), ("OVW@2026-03-30T08:00", "hh-01")]
        )
        assert validate(expanded, assignments) == []

    def test_other_roles_do_not_count(self) -> None:
        expanded = self.weekly("P21D")
        assignments = assign_all(
            expanded, [(MONDAYS[0], "hh-01"), ("SB@2026-03-09T08:00", "hh-01")]
        )
        assert validate(expanded, assignments) == []

    def test_history_duty_of_the_role_blocks(self) -> None:
        expanded = self.weekly(
            "P21D",
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-09T08:00",
                        "end": "2026-02-16T08:00",
                    },
                ]
            },
        )
        assert validate(expanded, [assign(expanded, MONDAYS[1], "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert "OVW 2026-02-09 08:00 (history)" in violations[0].message


class TestMaxDuties:
    RULE = "max_duties"

    def weekly(self, count: int, window: str, **fields: Any) -> ExpandedScenario:
        return make_expanded(
            roles=[make_role(max_duties=[{"count": count, "window": window}])], **fields
        )

    def test_third_start_inside_the_window_is_rejected(self) -> None:
        expanded = self.weekly(2, "P21D")
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-01"), (MONDAYS[2], "hh-01")]
        violations = validate(expanded, assign_all(expanded, pairs))
        assert rules_of(violations) == {self.RULE}
        assert violations[0].shifts == MONDAYS
        assert "3 OVW duties starting within 21 days (maximum 2)" in violations[0].message

    def test_start_exactly_at_the_window_end_passes(self) -> None:
        expanded = self.weekly(2, "P21D")
        # 23 March 08:00 is exactly 21 days after 2 March 08:00: outside [t, t + 21 days).
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-01"), (LAST_MONDAY, "hh-01")]
        assert validate(expanded, assign_all(expanded, pairs)) == []

    def test_window_one_minute_longer_catches_it(self) -> None:
        expanded = self.weekly(2, "P21DT1M")
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-01"), (LAST_MONDAY, "hh-01")]
        assert rules_of(validate(expanded, assign_all(expanded, pairs))) == {self.RULE}

    def test_history_duties_count(self) -> None:
        expanded = self.weekly(
            1,
            "P14D",
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-23T08:00",
                        "end": "2026-03-02T08:00",
                    },
                ]
            },
        )
        assert validate(expanded, [assign(expanded, MONDAYS[1], "hh-01")]) == []
        violations = validate(expanded, [assign(expanded, MONDAYS[0], "hh-01")])
        assert rules_of(violations) == {self.RULE}

    def test_a_long_run_is_reported_once(self) -> None:
        expanded = self.weekly(1, "P28D")
        pairs = [(shift, "hh-01") for shift in [*MONDAYS, LAST_MONDAY]]
        assert len(validate(expanded, assign_all(expanded, pairs))) == 2


class TestWeekends:
    RULE = "weekends"

    def one_duty(self, rrule: str, start: str, duration: str) -> ExpandedScenario:
        return make_expanded(
            roles=[make_role("X", rrule=rrule, start=start, duration=duration)],
            rules={"weekends": {"max": 0, "window": 1}},
        )

    def test_duty_ending_exactly_saturday_midnight_does_not_count(self) -> None:
        expanded = self.one_duty("FREQ=WEEKLY;BYDAY=FR", "16:00", "PT8H")
        assert validate(expanded, [assign(expanded, "X@2026-03-06T16:00", "hh-01")]) == []

    def test_duty_ending_a_minute_into_saturday_counts(self) -> None:
        expanded = self.one_duty("FREQ=WEEKLY;BYDAY=FR", "16:00", "PT8H1M")
        violations = validate(expanded, [assign(expanded, "X@2026-03-06T16:00", "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert "weekends of 2026-03-07" in violations[0].message

    def test_duty_starting_sunday_23_59_counts(self) -> None:
        expanded = self.one_duty("FREQ=WEEKLY;BYDAY=SU", "23:59", "PT1H")
        violations = validate(expanded, [assign(expanded, "X@2026-03-08T23:59", "hh-01")])
        assert rules_of(violations) == {self.RULE}

    def test_duty_starting_monday_midnight_does_not_count(self) -> None:
        expanded = self.one_duty("FREQ=WEEKLY;BYDAY=MO", "00:00", "PT1H")
        assert validate(expanded, [assign(expanded, "X@2026-03-09T00:00", "hh-01")]) == []

    def two_of_three(self, **fields: Any) -> ExpandedScenario:
        return make_expanded(
            roles=[make_role("WE", rrule="FREQ=WEEKLY;BYDAY=SA", start="08:00", duration="PT8H")],
            rules={"weekends": {"max": 2, "window": 3}},
            **fields,
        )

    def test_three_consecutive_weekends_are_rejected(self) -> None:
        expanded = self.two_of_three()
        saturdays = ("WE@2026-03-07T08:00", "WE@2026-03-14T08:00", "WE@2026-03-21T08:00")
        violations = validate(expanded, assign_all(expanded, [(s, "hh-01") for s in saturdays]))
        assert rules_of(violations) == {self.RULE}
        assert violations[0].shifts == saturdays

    def test_a_free_weekend_in_between_passes(self) -> None:
        expanded = self.two_of_three()
        saturdays = ("WE@2026-03-07T08:00", "WE@2026-03-14T08:00", "WE@2026-03-28T08:00")
        assert validate(expanded, assign_all(expanded, [(s, "hh-01") for s in saturdays])) == []

    def test_week_long_duty_works_one_weekend(self) -> None:
        expanded = make_expanded(rules={"weekends": {"max": 1, "window": 2}})
        # Monday 08:00 → Monday 08:00 overlaps only the weekend inside it.
        assert validate(expanded, assign_all(expanded, [(MONDAYS[0], "hh-01")])) == []
        violations = validate(expanded, assign_all(expanded, [(m, "hh-01") for m in MONDAYS[:2]]))
        assert rules_of(violations) == {self.RULE}

    def test_history_weekends_count(self) -> None:
        history = {
            "duties": [
                {
                    "role": "WE",
                    "person": "hh-01",
                    "start": "2026-02-21T08:00",
                    "end": "2026-02-21T16:00",
                },
                {
                    "role": "WE",
                    "person": "hh-01",
                    "start": "2026-02-28T08:00",
                    "end": "2026-02-28T16:00",
                },
            ]
        }
        expanded = self.two_of_three(history=history)
        # Two history weekends alone are fine; a third in a row is not.
        assert validate(expanded, []) == []
        violations = validate(expanded, [assign(expanded, "WE@2026-03-07T08:00", "hh-01")])
        assert rules_of(violations) == {self.RULE}
        assert validate(expanded, [assign(expanded, "WE@2026-03-14T08:00", "hh-01")]) == []


class TestCheckRota:
    RULE = "uncovered"

    def rota(self, expanded: ExpandedScenario, **fields: Any) -> Rota:
        return Rota(scenario="test", status="FEASIBLE", **fields)

    def uncovered(self, expanded: ExpandedScenario, shift_id: str, missing: int = 1) -> Uncovered:
        shift = expanded.by_id[shift_id]
        return Uncovered(
            shift=shift_id, role=shift.role, start=shift.start, end=shift.end, missing=missing
        )

    def test_listed_understaffing_passes(self) -> None:
        expanded = make_expanded(priorities=["coverage"])
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-02"), (MONDAYS[2], "rt-01")]
        rota = self.rota(
            expanded,
            assignments=assign_all(expanded, pairs),
            uncovered=[self.uncovered(expanded, LAST_MONDAY)],
        )
        assert check_rota(expanded, rota) == []

    def test_silent_understaffing_is_reported(self) -> None:
        expanded = make_expanded(priorities=["coverage"])
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-02"), (MONDAYS[2], "rt-01")]
        violations = check_rota(
            expanded, self.rota(expanded, assignments=assign_all(expanded, pairs))
        )
        assert rules_of(violations) == {self.RULE}
        assert violations[0].shifts == (LAST_MONDAY,)

    def test_listing_a_staffed_shift_or_a_wrong_count_is_reported(self) -> None:
        expanded = make_expanded(priorities=["coverage"])
        pairs = [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-02"), (MONDAYS[2], "rt-01")]
        rota = self.rota(
            expanded,
            assignments=assign_all(expanded, pairs),
            uncovered=[
                self.uncovered(expanded, MONDAYS[0]),
                self.uncovered(expanded, LAST_MONDAY, missing=2),
            ],
        )
        violations = check_rota(expanded, rota)
        assert rules_of(violations) == {self.RULE}
        assert [violation.shifts for violation in violations] == [(MONDAYS[0],), (LAST_MONDAY,)]

    def test_understaffing_with_hard_coverage_is_a_staffing_violation(self) -> None:
        expanded = make_expanded(priorities=["preferences"])
        rota = self.rota(expanded, uncovered=[self.uncovered(expanded, s) for s in MONDAYS])
        violations = check_rota(expanded, rota)
        assert rules_of(violations) == {"staffing", self.RULE}


class TestDutyConflicts:
    def test_names_the_conflicting_duty_of_the_candidate(self) -> None:
        expanded = day_and_night("03:59")
        validator = Validator(expanded)
        others = assign_all(expanded, [("DAY@2026-03-03T08:00", "hh-02")])
        conflicts = validator.duty_conflicts("hh-02", "NIGHT@2026-03-04T03:59", others)
        assert [conflict.rule for conflict in conflicts] == ["min_rest"]
        assert validator.duty_conflicts("hh-01", "NIGHT@2026-03-04T03:59", others) == []


# --- Property: valid rotas pass; one mutation breaks the expected rule --------------------------

PROPERTY_PEOPLE = [
    make_person("hh-01"),
    make_person("hh-02"),
    make_person("hh-03"),
    make_person("rt-01"),
    make_person("rt-02"),
    make_person("rt-03", qualifications=["OGP"]),  # never qualified
]
PROPERTY_SCENARIO = make_expanded(
    horizon=("2026-03-02", "2026-03-16"),
    people=PROPERTY_PEOPLE,
    roles=[
        make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT8H"),
        make_role("EVE", rrule="FREQ=DAILY", start="20:00", duration="PT2H"),
    ],
    rules={"min_rest": "PT11H"},
    absences=[{"person": "hh-01", "start": "2026-03-05", "end": "2026-03-08"}],
    priorities=["coverage", "person_fairness"],
)
DAY_SHIFTS = [shift for shift in PROPERTY_SCENARIO.shifts if shift.role == "DAY"]
QUALIFIED = ["hh-01", "hh-02", "hh-03", "rt-01", "rt-02"]


@st.composite
def valid_day_rotas(draw: st.DrawFn) -> list[Assignment]:
    """DAY shifts (08:00–16:00, 16 h rest between days) each staffed by an available person."""
    assignments = []
    for shift in DAY_SHIFTS:
        candidates = [
            person
            for person in QUALIFIED
            if not (person == "hh-01" and "2026-03-05" <= shift.id[4:14] < "2026-03-08")
        ]
        assignments.append(assign(PROPERTY_SCENARIO, shift.id, draw(st.sampled_from(candidates))))
    return assignments


def mutate(rota: list[Assignment], mutation: str, index: int) -> list[Assignment]:
    expanded = PROPERTY_SCENARIO
    target = rota[index]
    if mutation == "absence":
        absent_day = DAY_SHIFTS[3 + index % 3]  # 5, 6 or 7 March
        return [
            assign(expanded, absent_day.id, "hh-01") if a.shift == absent_day.id else a
            for a in rota
        ]
    if mutation == "qualification":
        return [*rota[:index], assign(expanded, target.shift, "rt-03"), *rota[index + 1 :]]
    if mutation == "min_rest":
        # The evening of the same day: 4 h after the day duty ends.
        evening = "EVE@" + target.shift[4:14] + "T20:00"
        return [*rota, assign(expanded, evening, target.person)]
    if mutation == "duplicate":
        return [*rota, target]
    if mutation == "staffing":
        other = next(person for person in QUALIFIED[1:] if person != target.person)
        return [*rota, assign(expanded, target.shift, other)]
    if mutation == "load_mismatch":
        return [*rota[:index], target.model_copy(update={"load": target.load + 1})]
    raise AssertionError(mutation)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rota=valid_day_rotas(),
    mutation=st.sampled_from(
        ["absence", "qualification", "min_rest", "duplicate", "staffing", "load_mismatch"]
    ),
    index=st.integers(min_value=0, max_value=len(DAY_SHIFTS) - 1),
)
def test_valid_rotas_pass_and_a_mutation_breaks_its_rule(
    rota: list[Assignment], mutation: str, index: int
) -> None:
    assert validate(PROPERTY_SCENARIO, rota) == []
    violations = validate(PROPERTY_SCENARIO, mutate(rota, mutation, index))
    assert mutation in rules_of(violations)


# --- Property: rotas built greedily under every rule pass; each mutation breaks its rule -------

RICH_SCENARIO = make_expanded(
    horizon=("2026-03-02", "2026-04-13"),
    people=[
        make_person("hh-01", qualifications=["OBP", "SB"]),
        make_person("hh-02", qualifications=["OBP", "SB"]),
        make_person("hh-03", qualifications=["OBP", "SB"], active={"start": "2026-03-23"}),
        make_person("rt-01", qualifications=["OBP", "SB"]),
        make_person("rt-02", qualifications=["OBP", "SB"]),
        make_person("rt-03", qualifications=["OBP", "SB"]),
    ],
    roles=[
        make_role("OVW", min_gap="P14D", max_duties=[{"count": 2, "window": "P35D"}]),
        make_role("SB", requires=["SB"], rrule="FREQ=DAILY", start="17:00", duration="PT15H"),
    ],
    rules={"min_rest": "PT11H", "weekends": {"max": 2, "window": 3}},
    absences=[{"person": "hh-02", "start": "2026-03-09", "end": "2026-03-20"}],
    fixed=[{"shift": "OVW@2026-03-02T08:00", "person": "rt-01"}],
    history={
        "duties": [
            {
                "role": "OVW",
                "person": "rt-02",
                "start": "2026-02-23T08:00",
                "end": "2026-03-02T08:00",
            },
        ]
    },
    priorities=["coverage"],
)
RICH_VALIDATOR = Validator(RICH_SCENARIO)
RICH_WEEKS = [shift.id for shift in RICH_SCENARIO.shifts if shift.role == "OVW"]


@st.composite
def greedy_rotas(draw: st.DrawFn) -> list[Assignment]:
    """Each shift gets the first person, in a drawn order, that breaks no rule."""
    order = draw(st.permutations([person.id for person in RICH_SCENARIO.scenario.people]))
    rota = [assign(RICH_SCENARIO, pin.shift, pin.person) for pin in RICH_SCENARIO.scenario.fixed]
    pinned = {pin.shift for pin in RICH_SCENARIO.scenario.fixed}
    for shift in RICH_SCENARIO.shifts:
        if shift.id in pinned:
            continue
        for person in order:
            if RICH_VALIDATOR.eligibility.is_eligible(
                person, shift.id
            ) and not RICH_VALIDATOR.duty_conflicts(person, shift.id, rota):
                rota.append(assign(RICH_SCENARIO, shift.id, person))
                break
    return rota


def replace(rota: list[Assignment], shift_id: str, person: str) -> list[Assignment]:
    kept = [assignment for assignment in rota if assignment.shift != shift_id]
    return [*kept, assign(RICH_SCENARIO, shift_id, person)]


def rich_mutation(
    rota: list[Assignment], mutation: str, week: int, person: str
) -> list[Assignment]:
    if mutation == "fixed":
        return replace(rota, RICH_WEEKS[0], "hh-01")
    if mutation == "active_window":
        return replace(rota, RICH_WEEKS[week % 3], "hh-03")
    if mutation == "max_concurrent":
        evening = f"SB@{RICH_WEEKS[week][4:14]}T17:00"
        return replace(replace(rota, RICH_WEEKS[week], person), evening, person)
    if mutation in ("min_gap", "max_duties"):
        start = min(week, len(RICH_WEEKS) - 3)
        for shift in RICH_WEEKS[start : start + 3]:
            rota = replace(rota, shift, "rt-03")
        return rota
    if mutation == "weekends":
        for saturday in ("2026-03-07", "2026-03-14", "2026-03-21"):
            rota = replace(rota, f"SB@{saturday}T17:00", person)
        return rota
    raise AssertionError(mutation)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rota=greedy_rotas(),
    mutation=st.sampled_from(
        ["fixed", "active_window", "max_concurrent", "min_gap", "max_duties", "weekends"]
    ),
    week=st.integers(min_value=0, max_value=len(RICH_WEEKS) - 1),
    person=st.sampled_from(["hh-01", "rt-01", "rt-02", "rt-03"]),
)
def test_greedy_rotas_pass_and_each_mutation_breaks_its_rule(
    rota: list[Assignment], mutation: str, week: int, person: str
) -> None:
    assert validate(RICH_SCENARIO, rota) == []
    violations = validate(RICH_SCENARIO, rich_mutation(rota, mutation, week, person))
    assert mutation in rules_of(violations)


# --- Performance ------------------------------------------------------------------------------


def test_a_year_of_duties_validates_in_well_under_a_second() -> None:
    people = [make_person(f"hh-{n:02d}", qualifications=["OBP", "ICT", "SB"]) for n in range(15)]
    people += [make_person(f"rt-{n:02d}", qualifications=["OBP", "ICT", "SB"]) for n in range(15)]
    expanded = make_expanded(
        horizon=("2026-01-05", "2027-01-04"),
        people=people,
        roles=[
            make_role("OVW", min_gap="P21D", max_duties=[{"count": 2, "window": "P56D"}]),
            make_role(
                "ICT",
                requires=["ICT"],
                staff=2,
                shifts=[
                    {
                        "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
                        "start": "17:00",
                        "duration": "PT15H",
                    },
                    {"rrule": "FREQ=WEEKLY;BYDAY=FR", "start": "17:00", "duration": "PT63H"},
                ],
            ),
            make_role("SB", requires=["SB"], staff=2, min_gap="P14D"),
            make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT9H", staff=2),
        ],
        rules={"min_rest": "PT11H", "weekends": {"max": 2, "window": 3}},
        absences=[
            {"person": f"hh-{n:02d}", "start": "2026-07-13", "end": "2026-08-03"} for n in range(5)
        ],
    )
    ids = [person["id"] for person in people]
    slots = [(shift.id, seat) for shift in expanded.shifts for seat in range(shift.staff)]
    assignments = [
        assign(expanded, shift_id, ids[(index * 7 + seat) % len(ids)])
        for index, (shift_id, seat) in enumerate(slots)
    ]
    assert len(assignments) > 1400
    validator = Validator(expanded)
    started = time.perf_counter()
    violations = validator.validate(assignments)
    elapsed = time.perf_counter() - started
    assert violations  # a round-robin rota breaks rules: the messages are part of the cost
    assert elapsed < 1.0


def test_weekends_of_a_duty() -> None:
    expanded = make_expanded()
    validator = Validator(expanded)
    shift = expanded.by_id[MONDAYS[0]]
    duty = Duty(shift.id, "OVW", "hh-01", shift.start, shift.end)
    assert [f"{day}" for day in validator.weekends_of(duty.start, duty.end)] == ["2026-03-07"]
    assert validator.weekends_of(shift.start, shift.start + timedelta(hours=1)) == []

"""Pre-check explanations and uncovered-shift reasons, in a planner's words."""

from __future__ import annotations

from typing import Any

from solver.precheck import precheck, uncovered_reasons
from solver.shifts import ExpandedScenario
from tests.solver.conftest import assign_all, make_expanded, make_person, make_role

MONDAYS = (
    "OVW@2026-03-02T08:00",
    "OVW@2026-03-09T08:00",
    "OVW@2026-03-16T08:00",
    "OVW@2026-03-23T08:00",
)


def sb_evenings(*absences: dict[str, Any], **fields: Any) -> ExpandedScenario:
    """A daily SB role 17:00 → 08:00 held by hh-01 and hh-02 only."""
    fields.setdefault(
        "people",
        [
            make_person("hh-01", qualifications=["SB"]),
            make_person("hh-02", qualifications=["SB"]),
            make_person("rt-01", qualifications=["OBP"]),
        ],
    )
    return make_expanded(
        roles=[
            make_role("SB", requires=["SB"], rrule="FREQ=DAILY", start="17:00", duration="PT15H")
        ],
        absences=list(absences),
        **fields,
    )


class TestNoEligiblePerson:
    def test_a_feasible_scenario_has_nothing_to_say(self) -> None:
        assert precheck(make_expanded()) == []

    def test_names_every_absent_holder(self) -> None:
        expanded = sb_evenings(
            {
                "person": "hh-01",
                "start": "2026-03-09T12:00",
                "end": "2026-03-10T06:00",
                "reason": "leave",
            },
            {"person": "hh-02", "start": "2026-03-09T16:00", "end": "2026-03-09T18:00"},
        )
        assert precheck(expanded) == [
            "SB 2026-03-09 17:00 → no eligible person: 2 of 2 holders of SB are absent "
            "(hh-01 on leave 2026-03-09 12:00 → 2026-03-10 06:00; "
            "hh-02 absent 2026-03-09 16:00 → 2026-03-09 18:00)"
        ]

    def test_consecutive_shifts_with_the_same_cause_are_reported_once(self) -> None:
        expanded = sb_evenings(
            {"person": "hh-01", "start": "2026-03-09", "end": "2026-03-13"},
            {"person": "hh-02", "start": "2026-03-09", "end": "2026-03-13"},
        )
        # 8 March 17:00 ends 9 March 08:00, inside both absences; so does 12 March 17:00.
        messages = precheck(expanded)
        assert len(messages) == 1
        assert messages[0].startswith(
            "SB 2026-03-08 17:00 and 4 later SB shifts until 2026-03-12 17:00 → no eligible person"
        )

    def test_different_causes_are_reported_apart(self) -> None:
        expanded = sb_evenings(
            {"person": "hh-01", "start": "2026-03-09", "end": "2026-03-11"},
            {"person": "hh-02", "start": "2026-03-09", "end": "2026-03-10"},
            {"person": "hh-02", "start": "2026-03-10", "end": "2026-03-11"},
        )
        assert len(precheck(expanded)) == 2

    def test_inactive_and_absent_holders_are_told_apart(self) -> None:
        people = [
            make_person("hh-01", qualifications=["SB"], active={"start": "2026-03-20"}),
            make_person("hh-02", qualifications=["SB"]),
        ]
        expanded = sb_evenings(
            {"person": "hh-02", "start": "2026-03-02", "end": "2026-03-03", "reason": "training"},
            people=people,
        )
        messages = precheck(expanded)
        assert messages[0] == (
            "SB 2026-03-02 17:00 → no eligible person: 1 of 2 holders of SB is not active "
            "(hh-01 not active before 2026-03-20), 1 of 2 holders of SB is absent "
            "(hh-02 on training 2026-03-02 → 2026-03-03)"
        )

    def test_nobody_holding_the_qualification_is_one_message_per_role(self) -> None:
        people = [make_person("hh-01", qualifications=["SB"])]
        assert precheck(make_expanded(people=people)) == [
            "OVW → nobody holds OBP: none of its 4 shifts can be staffed"
        ]

    def test_too_few_for_a_shift_needing_two(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01"), make_person("hh-02")],
            shift_overrides=[{"shift": MONDAYS[1], "staff": 2}],
            absences=[{"person": "hh-02", "start": "2026-03-10", "end": "2026-03-11"}],
        )
        assert precheck(expanded) == [
            "OVW 2026-03-09 08:00 → needs 2 people but only 1 is eligible (hh-01): "
            "1 of 2 holders of OBP is absent (hh-02 absent 2026-03-10 → 2026-03-11)"
        ]

    def test_too_few_holders_for_the_staff(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01"), make_person("hh-02")],
            shift_overrides=[{"shift": MONDAYS[0], "staff": 3}],
        )
        assert precheck(expanded) == [
            "OVW 2026-03-02 08:00 → needs 3 people but only 2 are eligible (hh-01, hh-02): "
            "only 2 people hold OBP"
        ]

    def test_long_lists_are_shortened(self) -> None:
        people = [make_person(f"hh-{n:02d}", qualifications=["SB"]) for n in range(10)]
        absences = [
            {"person": f"hh-{n:02d}", "start": "2026-03-02", "end": "2026-03-03"} for n in range(10)
        ]
        messages = precheck(sb_evenings(*absences, people=people))
        assert "10 of 10 holders of SB are absent" in messages[0]
        assert messages[0].endswith("and 2 more)")


class TestExclusion:
    def test_min_gap_needs_four_people_for_weekly_duties(self) -> None:
        people = [make_person("hh-01"), make_person("hh-02"), make_person("rt-01")]
        expanded = make_expanded(people=people, roles=[make_role(min_gap="P21D")])
        assert precheck(expanded) == [
            "OVW 2026-03-02 08:00 to OVW 2026-03-23 08:00: these 4 OVW shifts need "
            "4 different people (min_gap 21 days), but only 3 people are eligible for them "
            "(hh-01, hh-02, rt-01)"
        ]

    def test_four_people_are_enough(self) -> None:
        assert precheck(make_expanded(roles=[make_role(min_gap="P21D")])) == []

    def test_who_is_available_when_matters(self) -> None:
        # Five people, but three of them are only free in the first week.
        people = [make_person(p) for p in ("hh-01", "hh-02", "rt-01", "rt-02", "rt-03")]
        absences = [
            {"person": person, "start": "2026-03-09T08:00", "end": "2026-04-01"}
            for person in ("hh-01", "hh-02", "rt-03")
        ]
        expanded = make_expanded(
            people=people, roles=[make_role(min_gap="P21D")], absences=absences
        )
        messages = precheck(expanded)
        assert len(messages) == 1
        assert "can cover at most 3 of them" in messages[0]

    def test_min_rest_makes_back_to_back_shifts_exclusive(self) -> None:
        # Weekly back-to-back duties leave no rest: one person cannot do two in a row.
        expanded = make_expanded(people=[make_person("hh-01")], rules={"min_rest": "PT11H"})
        messages = precheck(expanded)
        assert messages == [
            "OVW 2026-03-02 08:00 to OVW 2026-03-09 08:00: these 2 OVW shifts need "
            "2 different people (min_rest 11 h), but only 1 person is eligible for them (hh-01) "
            "(and 1 later period like it)"
        ]


class TestCrossRoleExclusion:
    def two_weekly_roles(self, people: list[dict[str, Any]], **fields: Any) -> ExpandedScenario:
        return make_expanded(
            people=people, roles=[make_role("OVW"), make_role("SB", requires=["SB"])], **fields
        )

    def test_one_person_cannot_hold_two_overlapping_roles(self) -> None:
        people = [make_person("hh-01", qualifications=["OBP", "SB"])]
        messages = precheck(self.two_weekly_roles(people))
        assert messages == [
            "OVW 2026-03-02 08:00 to SB 2026-03-02 08:00: these 2 shifts of OVW and SB need "
            "2 different people (one duty at a time), but only 1 person is eligible for them "
            "(hh-01) (and 3 later periods like it)"
        ]

    def test_two_people_holding_both_are_enough(self) -> None:
        people = [
            make_person("hh-01", qualifications=["OBP", "SB"]),
            make_person("hh-02", qualifications=["OBP", "SB"]),
        ]
        assert precheck(self.two_weekly_roles(people)) == []

    def test_concurrent_duties_allowed_means_no_exclusion(self) -> None:
        people = [make_person("hh-01", qualifications=["OBP", "SB"])]
        expanded = self.two_weekly_roles(people, rules={"max_concurrent": 2})
        assert precheck(expanded) == []

    def test_rest_between_roles_counts(self) -> None:
        # DAY 08:00–17:00 and NIGHT 03:00–05:00 the next day: 10 h apart, rest 11 h.
        expanded = make_expanded(
            people=[make_person("hh-01")],
            roles=[
                make_role("DAY", rrule="FREQ=DAILY", start="08:00", duration="PT9H"),
                make_role("NIGHT", rrule="FREQ=DAILY", start="03:00", duration="PT2H"),
            ],
            rules={"min_rest": "PT11H"},
            horizon=("2026-03-02", "2026-03-04"),
        )
        messages = precheck(expanded)
        assert len(messages) == 1
        assert messages[0].startswith("NIGHT 2026-03-02 03:00 to DAY 2026-03-02 08:00")
        assert "(min_rest 11 h)" in messages[0]

    def test_a_roles_min_gap_joins_the_cross_role_run(self) -> None:
        # hh-02 alone can take OVW in the first week, which overlaps the weekend's SB
        # shifts; those two need different people under SB's min_gap, and only hh-00 is left.
        expanded = make_expanded(
            people=[
                make_person("hh-00", qualifications=["OBP", "SB"], active={"start": "2026-03-05"}),
                make_person("hh-02", qualifications=["OBP", "SB"]),
            ],
            roles=[
                make_role("OVW"),
                make_role(
                    "SB",
                    requires=["SB"],
                    rrule="FREQ=WEEKLY;BYDAY=SA,SU",
                    start="08:00",
                    duration="PT15H",
                    min_gap="P1D",
                ),
            ],
            horizon=("2026-03-02", "2026-03-09"),
        )
        assert precheck(expanded) == [
            "OVW 2026-03-02 08:00 to SB 2026-03-08 08:00: these 3 shifts of OVW and SB need "
            "3 different people (one duty at a time and min_gap of SB 1 day), but only "
            "2 people are eligible for them (hh-02, hh-00)"
        ]


class TestMaxDuties:
    def test_too_few_people_for_the_duty_limit(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01")],
            roles=[make_role(max_duties=[{"count": 1, "window": "P14D"}])],
        )
        assert precheck(expanded) == [
            "from OVW 2026-03-02 08:00: OVW needs 2 duties starting within 14 days, but its "
            "1 eligible person may take at most 1 (max_duties 1 per 14 days) "
            "(and 1 later period like it)"
        ]

    def test_window_edge_leaves_room(self) -> None:
        # With a 7-day window each week's duty starts in a window of its own.
        expanded = make_expanded(
            people=[make_person("hh-01")],
            roles=[make_role(max_duties=[{"count": 1, "window": "P7D"}])],
        )
        assert precheck(expanded) == []


class TestPins:
    def test_pin_on_an_absent_person(self) -> None:
        expanded = make_expanded(
            fixed=[{"shift": MONDAYS[0], "person": "hh-01"}],
            absences=[
                {"person": "hh-01", "start": "2026-03-03", "end": "2026-03-04", "reason": "leave"}
            ],
        )
        assert precheck(expanded) == [
            "fixed duties: hh-01 cannot take OVW 2026-03-02 08:00: on leave 2026-03-03 → 2026-03-04"
        ]

    def test_pins_breaking_min_gap_together(self) -> None:
        expanded = make_expanded(
            roles=[make_role(min_gap="P14D")],
            fixed=[
                {"shift": MONDAYS[0], "person": "hh-01"},
                {"shift": MONDAYS[2], "person": "hh-01"},
            ],
        )
        messages = precheck(expanded)
        assert len(messages) == 1
        assert messages[0].startswith("fixed duties: hh-01 would have only 7 days 0 h 00 min")
        assert "(minimum gap between OVW duties: 14 days)" in messages[0]

    def test_pin_against_a_history_duty(self) -> None:
        expanded = make_expanded(
            rules={"min_rest": "PT11H"},
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-23T08:00",
                        "end": "2026-03-02T08:00",
                    }
                ]
            },
            fixed=[{"shift": MONDAYS[0], "person": "hh-01"}],
        )
        messages = precheck(expanded)
        assert messages == [
            "fixed duties: hh-01 would have only 0 h 00 min rest between "
            "OVW 2026-02-23 08:00 (history) and OVW 2026-03-02 08:00 (minimum 11 h)"
        ]

    def test_two_pins_on_a_one_person_shift(self) -> None:
        expanded = make_expanded(
            fixed=[
                {"shift": MONDAYS[0], "person": "hh-01"},
                {"shift": MONDAYS[0], "person": "hh-02"},
            ]
        )
        assert precheck(expanded) == [
            "fixed duties: OVW 2026-03-02 08:00 has 2 people (hh-01, hh-02) but needs only 1"
        ]

    def test_pin_on_a_removed_shift(self) -> None:
        expanded = make_expanded(
            fixed=[{"shift": MONDAYS[0], "person": "hh-01"}],
            shift_overrides=[{"shift": MONDAYS[0], "staff": 0}],
        )
        assert precheck(expanded) == [
            f"fixed duties: {MONDAYS[0]} is pinned to hh-01, but shift_overrides removes "
            "that shift (staff 0)"
        ]

    def test_compatible_pins_pass(self) -> None:
        expanded = make_expanded(
            roles=[make_role(min_gap="P14D")],
            fixed=[
                {"shift": MONDAYS[0], "person": "hh-01"},
                {"shift": MONDAYS[3], "person": "hh-01"},
            ],
        )
        assert precheck(expanded) == []


class TestUncoveredReasons:
    def test_nobody_holds_the_qualification(self) -> None:
        expanded = make_expanded(people=[make_person("hh-01", qualifications=[])])
        assert uncovered_reasons(expanded, expanded.by_id[MONDAYS[0]]) == ["nobody holds OBP"]

    def test_without_a_rota_available_people_are_named_as_such(self) -> None:
        expanded = make_expanded(
            people=[
                make_person("hh-01"),
                make_person("hh-02"),
                make_person("rt-01", qualifications=[]),
            ],
            absences=[{"person": "hh-01", "start": "2026-03-03", "end": "2026-03-04"}],
        )
        assert uncovered_reasons(expanded, expanded.by_id[MONDAYS[0]]) == [
            "hh-01: absent 2026-03-03 → 2026-03-04",
            "hh-02: available, but rest, gap, weekend or duty-count rules or other duties "
            "may block them",
        ]

    def test_with_a_rota_the_conflicting_duty_is_named(self) -> None:
        expanded = make_expanded(
            roles=[make_role(min_gap="P14D")],
            absences=[
                {
                    "person": "rt-02",
                    "start": "2026-03-20",
                    "end": "2026-03-21",
                    "reason": "training",
                }
            ],
        )
        rota = assign_all(
            expanded, [(MONDAYS[0], "hh-01"), (MONDAYS[1], "hh-02"), (MONDAYS[3], "rt-01")]
        )
        assert uncovered_reasons(expanded, expanded.by_id[MONDAYS[2]], rota) == [
            "hh-01: would have only 7 days 0 h 00 min between OVW 2026-03-02 08:00 and "
            "OVW 2026-03-16 08:00 (minimum gap between OVW duties: 14 days)",
            "hh-02: would have only 0 h 00 min between OVW 2026-03-09 08:00 and "
            "OVW 2026-03-16 08:00 (minimum gap between OVW duties: 14 days)",
            "rt-01: would have only 0 h 00 min between OVW 2026-03-16 08:00 and "
            "OVW 2026-03-23 08:00 (minimum gap between OVW duties: 14 days)",
            "rt-02: on training 2026-03-20 → 2026-03-21",
        ]

    def test_a_history_duty_can_be_the_conflict(self) -> None:
        expanded = make_expanded(
            people=[make_person("hh-01")],
            rules={"min_rest": "PT11H"},
            history={
                "duties": [
                    {
                        "role": "OVW",
                        "person": "hh-01",
                        "start": "2026-02-23T08:00",
                        "end": "2026-03-02T08:00",
                    }
                ]
            },
        )
        assert uncovered_reasons(expanded, expanded.by_id[MONDAYS[0]], []) == [
            "hh-01: would have only 0 h 00 min rest between OVW 2026-02-23 08:00 (history) and "
            "OVW 2026-03-02 08:00 (minimum 11 h)"
        ]

    def test_people_already_on_the_shift_and_free_people(self) -> None:
        expanded = make_expanded(shift_overrides=[{"shift": MONDAYS[0], "staff": 3}])
        rota = assign_all(expanded, [(MONDAYS[0], "hh-01")])
        reasons = uncovered_reasons(expanded, expanded.by_id[MONDAYS[0]], rota)
        assert reasons[0] == "hh-01: already on this shift"
        assert reasons[1] == "hh-02: available; no hard rule blocks them in this rota"

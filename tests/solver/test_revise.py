"""Revised rotas: what is derived from hand-changed assignments is recomputed."""

from __future__ import annotations

from solver.revise import preference_violations, revised_rota
from solver.rota import Assignment, Rota
from solver.shifts import ExpandedScenario
from solver.split import cover
from tests.solver.conftest import assign_all, local, make_expanded

WEEKS = ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
PEOPLE = ("hh-01", "hh-02", "rt-01", "rt-02")


def plain() -> tuple[ExpandedScenario, list[Assignment]]:
    expanded = make_expanded(
        preferences=[
            # Ends exactly when hh-02's week starts: no overlap (half-open).
            {"person": "hh-02", "start": "2026-03-02", "end": "2026-03-09T08:00", "kind": "avoid"},
            {"person": "rt-01", "start": "2026-03-20", "end": "2026-03-21", "kind": "avoid",
             "weight": 3},
        ]
    )  # fmt: skip
    duties = assign_all(
        expanded,
        [(f"OVW@{week}T08:00", person) for week, person in zip(WEEKS, PEOPLE, strict=True)],
    )
    return expanded, duties


def test_only_overlapped_avoid_preferences_cost() -> None:
    expanded, duties = plain()
    found = preference_violations(expanded, duties)
    assert [(item.person, item.shift, item.weight) for item in found] == [
        ("rt-01", "OVW@2026-03-16T08:00", 3)
    ]


def test_a_cleared_shift_is_uncovered_and_fairness_follows() -> None:
    expanded, duties = plain()
    rota = Rota(scenario="test", status="FEASIBLE", assignments=duties)
    revised = revised_rota(expanded, rota, duties[1:])
    assert [item.shift for item in revised.uncovered] == ["OVW@2026-03-02T08:00"]
    assert revised.uncovered[0].reasons  # says who could have taken it
    assert revised.fairness["OVW"].people["hh-01"].load == 0
    assert [item.rule for item in revised.soft_violations] == ["preference"]


def test_a_split_shift_stays_covered() -> None:
    expanded, duties = plain()
    parts = cover(
        expanded,
        duties,
        duty="OVW@2026-03-09T08:00",
        holder="hh-02",
        start=local(expanded, "2026-03-11T18:00"),
        end=local(expanded, "2026-03-12T08:00"),
        taker="rt-02",
        taker_zone="RT",
    )
    rota = Rota(scenario="test", status="FEASIBLE", assignments=duties)
    revised = revised_rota(expanded, rota, parts)
    assert revised.uncovered == []
    assert revised.fairness["OVW"].people["rt-02"].load > duties[3].load

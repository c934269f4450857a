"""The greedy first rota (a hint only): respects rest, gap and concurrency, spreads duties."""

from __future__ import annotations

from collections import Counter

from solver.model import build_model
from solver.model.start import greedy_duties
from solver.validate import validate
from tests.solver.conftest import assign_all, make_expanded, make_role


def test_greedy_rota_spreads_duties_and_keeps_rest_and_gap_rules() -> None:
    history = {
        "duties": [
            {
                "role": "OVW",
                "person": "rt-02",
                "start": "2026-02-23T08:00",
                "end": "2026-03-02T08:00",
            }
        ]
    }
    expanded = make_expanded(
        roles=[make_role(min_gap="P14D")],
        rules={"min_rest": "PT11H"},
        history=history,
        fixed=[{"shift": "OVW@2026-03-23T08:00", "person": "hh-01"}],
    )
    duties = greedy_duties(build_model(expanded).context)
    pairs = [(shift, person) for person, shift in duties]
    assert validate(expanded, assign_all(expanded, pairs)) == []
    assert Counter(person for person, _ in duties) == Counter(
        {"hh-01": 1, "hh-02": 1, "rt-01": 1, "rt-02": 1}
    )
    assert ("hh-01", "OVW@2026-03-23T08:00") in duties
    assert ("rt-02", "OVW@2026-03-02T08:00") not in duties  # min_gap after history

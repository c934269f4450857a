"""Candidates for a duty: who could take it without breaking a hard rule, most owed first,
and why everyone else cannot (planners only). The rota is the one of ``test_swaps``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy.engine import Engine

from scheduler.errors import Invalid, NotFound
from scheduler.services.candidates import Candidates, duty_candidates
from tests.scheduler.test_swaps import NOW, OVW_9, SB_28, SwapWorld, build_world, make_absence_for


@pytest.fixture
def swap_world(committed_engine: Engine) -> Iterator[SwapWorld]:
    yield build_world(committed_engine)


def candidates_for(world: SwapWorld, shift: str, *, planner: bool = True) -> Candidates:
    actor = world.planning.planner_hh if planner else world.officers["hh-02"]
    with world.session() as session:
        return duty_candidates(
            session=session, actor=actor, cooperation_id=world.cooperation_id, shift=shift, now=NOW
        )


class TestCandidates:
    def test_ranked_by_who_is_owed_load_and_the_others_excluded_with_their_rule(
        self, swap_world: SwapWorld
    ) -> None:
        result = candidates_for(swap_world, OVW_9)
        assert result.holder == "hh-02" and result.role == "OVW"
        # rt-03 has no OVW load yet, rt-02 one week: rt-03 is owed more.
        assert [candidate.person for candidate in result.candidates] == ["rt-03", "rt-02"]
        first, second = result.candidates
        assert first.deviation < second.deviation
        assert first.load == 0 and second.load == 216
        assert first.deviation_after == pytest.approx(first.deviation + 216)
        excluded = {item.person: (item.rule, item.reason) for item in result.excluded}
        assert excluded["rt-04"] == ("qualification", "not qualified: lacks OBP")
        # hh-01's week ends when this one starts; rt-01's starts when it ends.
        assert excluded["hh-01"][0] == "min_rest"
        assert excluded["rt-01"][0] == "min_rest"
        # hh-03 is on SB on Saturday 14 March, inside the week.
        assert excluded["hh-03"][0] == "max_concurrent"
        assert set(excluded) | {"rt-02", "rt-03"} == {
            "hh-01", "hh-03", "rt-01", "rt-02", "rt-03", "rt-04"
        }  # fmt: skip

    def test_an_absent_person_is_excluded_with_the_absence(self, swap_world: SwapWorld) -> None:
        make_absence_for(swap_world, "rt-03", datetime(2026, 3, 15), datetime(2026, 3, 20), "leave")
        result = candidates_for(swap_world, OVW_9)
        assert [candidate.person for candidate in result.candidates] == ["rt-02"]
        excluded = {item.person: (item.rule, item.reason) for item in result.excluded}
        assert excluded["rt-03"] == ("absence", "on leave 2026-03-15 → 2026-03-20")

    def test_weekend_and_gap_rules_exclude_too(self, swap_world: SwapWorld) -> None:
        result = candidates_for(swap_world, SB_28)
        excluded = {item.person: item.rule for item in result.excluded}
        assert excluded["hh-02"] == "weekends"  # already works 14 and 21 March
        assert "rt-04" in [candidate.person for candidate in result.candidates]

    def test_officers_see_the_ranking_but_not_the_reasons(self, swap_world: SwapWorld) -> None:
        result = candidates_for(swap_world, OVW_9, planner=False)
        assert [candidate.person for candidate in result.candidates] == ["rt-03", "rt-02"]
        assert result.excluded == []

    def test_an_unknown_duty_is_not_found(self, swap_world: SwapWorld) -> None:
        with pytest.raises(NotFound):
            candidates_for(swap_world, "OVW@2026-03-10T08:00")
        with pytest.raises(Invalid):
            candidates_for(swap_world, "not-a-shift")


@pytest.mark.slow
def test_candidates_for_a_demo_duty_match_the_validator(committed_engine: Engine) -> None:
    """On the demo data (four weeks solved): candidates are ranked by fairness, and giving
    the duty to each candidate breaks no rule while each excluded person breaks theirs."""
    from sqlmodel import select

    from scheduler.models import RotaVersion
    from scheduler.services.rotas import publish_in_session, store_version
    from scheduler.services.swaps import load_published
    from solver.demo import demo_scenario
    from solver.solve import solve
    from tests.scheduler.conftest import import_planning

    start, end = date(2026, 3, 2), date(2026, 3, 30)
    scenario = demo_scenario(horizon_start=start, horizon_end=end)
    planning = import_planning(committed_engine, scenario)
    rota = solve(scenario, time_limit=8)
    assert rota.status in ("OPTIMAL", "FEASIBLE")
    with planning.session() as session:
        version = store_version(
            session,
            cooperation_id=planning.cooperation_id,
            horizon_start=start,
            horizon_end=end,
            rota=rota,
            source="solver",
        )
        publish_in_session(session, version, None)
        session.commit()
    duty = next(item for item in rota.assignments if item.role == "OVW")
    with planning.session() as session:
        result = duty_candidates(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            shift=duty.shift,
            now=NOW,
        )
        published = session.exec(select(RotaVersion).where(RotaVersion.status == "published")).one()
        loaded = load_published(session, published, now=NOW)
    assert result.holder == duty.person
    deviations = [candidate.deviation for candidate in result.candidates]
    assert result.candidates and deviations == sorted(deviations)
    people = {person.id: person for person in scenario.people}
    assert len(result.candidates) + len(result.excluded) == len(people) - 1
    for excluded in result.excluded:
        if "OBP" not in people[excluded.person].qualifications:
            assert excluded.rule == "qualification"

    def given_to(code: str) -> list[str]:
        taker_zone = people[code].zone
        changed = [
            item.model_copy(update={"person": code, "zone": taker_zone})
            if item.shift == duty.shift and item.person == duty.person
            else item
            for item in loaded.rota.assignments
        ]
        return [violation.rule for violation in loaded.new_violations(changed)]

    for candidate in result.candidates:
        assert given_to(candidate.person) == [], candidate.person
    for excluded in result.excluded:
        assert excluded.rule in given_to(excluded.person), excluded

"""Swap requests as services, against a database whose writes commit: every kind, every
transition, the refusals with the rule named, re-validation at apply time, expiry, duty
locks, approvals, notifications and audit.

The rota is written by hand (no solver) so each test knows who holds what:

    OVW (Mon 08:00, 7 days, min gap 14 days)   SB (Sat 10:00–18:00)
    2 Mar  hh-01                               7 Mar  rt-03
    9 Mar  hh-02                               14 Mar hh-03
    16 Mar rt-01                               21 Mar hh-02
    23 Mar hh-03                               28 Mar rt-01
    30 Mar rt-02                               4 Apr  hh-01

Rules: 11 h rest, at most 2 worked weekends in any 3. rt-04 holds no OBP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.auth import Actor, load_actor
from scheduler.errors import Conflict, Invalid, NotPermitted
from scheduler.models import (
    Assignment,
    AuditEvent,
    NotificationOutbox,
    Person,
    RotaVersion,
    SwapDutyLock,
    SwapRequest,
)
from scheduler.models.types import utcnow
from scheduler.services import rotas, swaps
from scheduler.services.rotas import generation_scenario, publish_in_session, store_version
from scheduler.services.swaps import PolicyPublic, SwapCreate
from solver.rota import Assignment as RotaAssignment
from solver.rota import Rota
from solver.shifts import expand
from solver.split import parent_shift
from solver.split import validate as validate_rota
from tests.factories import make_absence, make_user
from tests.scheduler.conftest import PLANNING_HORIZON, Planning, import_planning, planning_scenario
from tests.solver.conftest import make_person, make_role

START, END = PLANNING_HORIZON
NOW = datetime(2026, 2, 1, tzinfo=UTC)  # before every duty of the rota

OVW_2, OVW_9, OVW_16, OVW_23, OVW_30 = (
    f"OVW@2026-03-{day:02d}T08:00" for day in (2, 9, 16, 23, 30)
)
SB_7, SB_14, SB_21, SB_28, SB_4 = (
    "SB@2026-03-07T10:00",
    "SB@2026-03-14T10:00",
    "SB@2026-03-21T10:00",
    "SB@2026-03-28T10:00",
    "SB@2026-04-04T10:00",
)
ROTA = [
    (OVW_2, "hh-01"),
    (OVW_9, "hh-02"),
    (OVW_16, "rt-01"),
    (OVW_23, "hh-03"),
    (OVW_30, "rt-02"),
    (SB_7, "rt-03"),
    (SB_14, "hh-03"),
    (SB_21, "hh-02"),
    (SB_28, "rt-01"),
    (SB_4, "hh-01"),
]


def swap_scenario() -> Any:
    people = [
        make_person(code, qualifications=("OBP", "SB"))
        for code in ("hh-01", "hh-02", "hh-03", "rt-01", "rt-02", "rt-03")
    ]
    people.append(make_person("rt-04", qualifications=("SB",)))
    return planning_scenario(
        people=people,
        roles=[
            make_role("OVW", min_gap="P14D"),
            make_role(
                "SB", requires=["SB"], rrule="FREQ=WEEKLY;BYDAY=SA", start="10:00", duration="PT8H"
            ),
        ],
        rules={"min_rest": "PT11H", "weekends": {"max": 2, "window": 3}},
    )


@dataclass
class SwapWorld:
    planning: Planning
    officers: dict[str, Actor]

    @property
    def engine(self) -> Engine:
        return self.planning.engine

    @property
    def cooperation_id(self) -> int:
        return self.planning.cooperation_id

    def session(self) -> Session:
        return self.planning.session()

    def person(self, code: str) -> Person:
        with self.session() as session:
            return session.exec(
                select(Person).where(
                    Person.cooperation_id == self.cooperation_id, Person.code == code
                )
            ).one()

    def published(self) -> RotaVersion:
        with self.session() as session:
            return session.exec(
                select(RotaVersion).where(
                    RotaVersion.cooperation_id == self.cooperation_id,
                    RotaVersion.status == "published",
                )
            ).one()

    def holders(self, shift: str) -> list[str]:
        rota = Rota.model_validate(self.published().rota)
        return sorted(item.person for item in rota.assignments if item.shift == shift)

    def create(self, code: str, **fields: Any) -> swaps.SwapPublic:
        with self.session() as session:
            return swaps.create_request(
                session=session,
                actor=self.officers[code],
                cooperation_id=self.cooperation_id,
                request_in=SwapCreate(**fields),
                now=NOW,
            )

    def act(self, action: str, actor: Actor, request_id: int, **kwargs: Any) -> swaps.SwapPublic:
        function = getattr(swaps, f"{action}_request")
        if action in ("accept", "approve", "apply"):
            kwargs.setdefault("now", NOW)
        with self.session() as session:
            result: swaps.SwapPublic = function(
                session=session,
                actor=actor,
                cooperation_id=self.cooperation_id,
                request_id=request_id,
                **kwargs,
            )
            return result

    def set_policy(self, approval: str, *, each_zone: bool = False) -> None:
        with self.session() as session:
            swaps.set_policy(
                session=session,
                actor=self.planning.planner_hh,
                cooperation_id=self.cooperation_id,
                policy_in=PolicyPublic(approval=approval, each_zone=each_zone),
            )

    def validate_published(self) -> list[Any]:
        """The independent validator on the published version (uncovered shifts allowed)."""
        version = self.published()
        with self.session() as session:
            scenario = generation_scenario(
                session,
                cooperation_id=self.cooperation_id,
                start=version.horizon_start,
                end=version.horizon_end,
                now=NOW,
            )
        rota = Rota.model_validate(version.rota)
        return validate_rota(expand(scenario), rota.assignments, uncovered_allowed=False)


def publish_rota(
    planning: Planning, pairs: list[tuple[str, str]], *, start: date = START, end: date = END
) -> RotaVersion:
    """Publish a hand-written rota of ``(shift, person)`` pairs for the horizon."""
    with planning.session() as session:
        scenario = generation_scenario(
            session, cooperation_id=planning.cooperation_id, start=start, end=end, now=NOW
        )
        expanded = expand(scenario)
        zone_of = {person.id: person.zone for person in scenario.people}
        assignments = [
            RotaAssignment(
                shift=shift,
                role=expanded.by_id[shift].role,
                start=expanded.by_id[shift].start,
                end=expanded.by_id[shift].end,
                person=person,
                zone=zone_of[person],
                load=expanded.by_id[shift].load,
            )
            for shift, person in pairs
        ]
        rota = Rota(scenario=scenario.name, status="FEASIBLE", assignments=assignments)
        version = store_version(
            session,
            cooperation_id=planning.cooperation_id,
            horizon_start=start,
            horizon_end=end,
            rota=rota,
            source="import",
        )
        publish_in_session(session, version, None)
        session.commit()
        return version


def build_world(engine: Engine) -> SwapWorld:
    planning = import_planning(engine, swap_scenario())
    publish_rota(planning, ROTA)
    officers = {}
    with planning.session() as session:
        for person in session.exec(
            select(Person).where(Person.cooperation_id == planning.cooperation_id)
        ).all():
            user = make_user(session, role="officer", person=person)
            officers[person.code] = load_actor(session, user)
    return SwapWorld(planning=planning, officers=officers)


@pytest.fixture
def world(committed_engine: Engine) -> Iterator[SwapWorld]:
    yield build_world(committed_engine)


def violation_rules(error: Invalid) -> set[str]:
    return {problem.field for problem in error.fields}


def giveaway(world: SwapWorld, shift: str, holder: str, target: str) -> swaps.SwapPublic:
    return world.create(holder, kind="giveaway", shift=shift, target=target)


class TestGiveaway:
    def test_accepted_giveaway_is_applied_as_a_new_published_version(
        self, world: SwapWorld
    ) -> None:
        before = world.published()
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        assert request.status == "open"
        assert request.check is not None and request.check.valid
        # rt-02's next OVW starts exactly 14 days after this one ends: the gap holds.
        assert request.zones == ["HH", "RT"]
        done = world.act("accept", world.officers["rt-02"], request.id)
        assert done.status == "applied"
        after = world.published()
        assert after.id == done.applied_version_id and after.parent_id == before.id
        assert after.source == "swap"
        with world.session() as session:
            assert session.get(RotaVersion, before.id).status == "superseded"  # type: ignore[union-attr]
            rows = session.exec(
                select(Assignment).where(
                    Assignment.version_id == after.id, Assignment.shift == OVW_9
                )
            ).all()
        assert [row.zone for row in rows] == ["RT"]
        assert world.holders(OVW_9) == ["rt-02"]
        assert world.validate_published() == []

    def test_the_check_shows_fairness_deltas_per_person_and_zone(self, world: SwapWorld) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        assert request.check is not None
        deltas = {(delta.kind, delta.id): delta for delta in request.check.fairness}
        assert (
            deltas[("person", "hh-02")].load_after == deltas[("person", "hh-02")].load_before - 216
        )
        assert (
            deltas[("person", "rt-02")].load_after == deltas[("person", "rt-02")].load_before + 216
        )
        assert deltas[("zone", "HH")].deviation_after < deltas[("zone", "HH")].deviation_before
        assert deltas[("zone", "RT")].deviation_after > deltas[("zone", "RT")].deviation_before

    def test_a_broken_avoid_preference_is_a_soft_effect(self, world: SwapWorld) -> None:
        from scheduler.models import Preference

        with world.session() as session:
            session.add(
                Preference(
                    cooperation_id=world.cooperation_id,
                    person_id=world.person("rt-02").id,  # type: ignore[arg-type]
                    start=datetime(2026, 3, 10),
                    end=datetime(2026, 3, 11),
                    kind="avoid",
                    weight=3,
                )
            )
            session.commit()
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        assert request.check is not None and request.check.valid
        assert request.check.preferences == [
            f"rt-02 asked to avoid duties then ({OVW_9}, weight 3)"
        ]


class TestRefusedWithTheRuleNamed:
    """Taking a duty that breaks a hard rule is refused at request time, the rule named."""

    def refused(self, world: SwapWorld, **fields: Any) -> Invalid:
        with pytest.raises(Invalid) as caught:
            world.create(fields.pop("holder"), **fields)
        return caught.value

    def test_qualification(self, world: SwapWorld) -> None:
        error = self.refused(world, holder="hh-02", kind="giveaway", shift=OVW_9, target="rt-04")
        assert violation_rules(error) == {"qualification"}
        assert "rt-04 cannot take OVW 2026-03-09 08:00: not qualified: lacks OBP" in error.detail

    def test_min_rest(self, world: SwapWorld) -> None:
        # rt-03's SB ends Saturday 7 March 18:00; covering from Sunday 03:00 leaves 9 h.
        error = self.refused(
            world,
            holder="hh-01",
            kind="partial",
            shift=OVW_2,
            target="rt-03",
            cover_start="2026-03-08T03:00",
            cover_end="2026-03-09T08:00",
        )
        assert violation_rules(error) == {"min_rest"}
        assert "rt-03 would have only 9 h 00 min rest between SB 2026-03-07 10:00" in error.detail

    def test_min_rest_boundary_eleven_hours_pass(self, world: SwapWorld) -> None:
        request = world.create(
            "hh-01",
            kind="partial",
            shift=OVW_2,
            target="rt-03",
            cover_start="2026-03-08T05:00",
            cover_end="2026-03-09T08:00",
        )
        assert request.check is not None and request.check.valid

    def test_min_gap(self, world: SwapWorld) -> None:
        error = self.refused(world, holder="rt-01", kind="giveaway", shift=OVW_16, target="rt-02")
        assert violation_rules(error) == {"min_gap"}
        assert "rt-02 would have only 6 days 23 h 00 min between OVW 2026-03-16" in error.detail

    def test_weekends(self, world: SwapWorld) -> None:
        # hh-02 already works the weekends of 14 and 21 March.
        error = self.refused(world, holder="rt-01", kind="giveaway", shift=SB_28, target="hh-02")
        assert violation_rules(error) == {"weekends"}
        assert "hh-02 would work 3 weekends within 3 consecutive weekends" in error.detail

    def test_absence(self, world: SwapWorld) -> None:
        make_absence_for(world, "rt-02", datetime(2026, 3, 10), datetime(2026, 3, 12), "sick")
        error = self.refused(world, holder="hh-02", kind="giveaway", shift=OVW_9, target="rt-02")
        assert violation_rules(error) == {"absence"}
        assert "on sick 2026-03-10 → 2026-03-12" in error.detail

    def test_nothing_is_written_when_refused(self, world: SwapWorld) -> None:
        self.refused(world, holder="hh-02", kind="giveaway", shift=OVW_9, target="rt-04")
        with world.session() as session:
            assert session.exec(select(SwapRequest)).all() == []
            assert session.exec(select(SwapDutyLock)).all() == []


class TestPinnedDuties:
    def test_a_duty_pinned_by_a_planner_cannot_be_traded(self, world: SwapWorld) -> None:
        from scheduler.services.rotas import DutyEdit, edit_version

        with world.session() as session:
            edit_version(
                session=session,
                actor=world.planning.planner_hh,
                cooperation_id=world.cooperation_id,
                version_id=world.published().id,  # type: ignore[arg-type]
                edit=DutyEdit(action="pin", shift=OVW_9, person="hh-02"),
            )
        with pytest.raises(Invalid) as caught:
            world.create("hh-02", kind="open", shift=OVW_9)
        assert violation_rules(caught.value) == {"fixed"}
        with pytest.raises(Invalid) as caught:
            giveaway(world, OVW_9, "hh-02", "rt-02")
        assert violation_rules(caught.value) == {"fixed"}


def make_absence_for(
    world: SwapWorld, code: str, start: datetime, end: datetime, reason: str
) -> None:
    with world.session() as session:
        make_absence(session, person=world.person(code), start=start, end=end, reason=reason)


class TestSwap:
    def test_a_swap_exchanges_both_duties(self, world: SwapWorld) -> None:
        request = world.create(
            "rt-01", kind="swap", shift=OVW_16, target="rt-02", counter_shift=OVW_30
        )
        assert request.zones == []  # same zone, same loads: no zone's load changes
        done = world.act("accept", world.officers["rt-02"], request.id)
        assert done.status == "applied"
        assert world.holders(OVW_16) == ["rt-02"] and world.holders(OVW_30) == ["rt-01"]
        assert world.validate_published() == []

    def test_a_swap_needs_the_targets_own_duty(self, world: SwapWorld) -> None:
        with pytest.raises(Invalid) as caught:
            world.create("rt-01", kind="swap", shift=OVW_16, target="rt-02", counter_shift=OVW_9)
        assert {problem.field for problem in caught.value.fields} == {"counter_shift"}

    def test_a_swap_that_breaks_a_rule_for_either_side_is_refused(self, world: SwapWorld) -> None:
        # hh-03 would hold OVW 9 March while on SB 14 March: one duty at a time.
        with pytest.raises(Invalid) as caught:
            world.create("hh-02", kind="swap", shift=OVW_9, target="hh-03", counter_shift=OVW_23)
        assert "max_concurrent" in violation_rules(caught.value)


class TestOpenOffer:
    def test_the_first_valid_acceptance_wins(self, world: SwapWorld) -> None:
        offer = world.create("hh-02", kind="open", shift=OVW_9)
        assert offer.check is None and offer.target is None
        with pytest.raises(Invalid) as caught:
            world.act("accept", world.officers["rt-04"], offer.id)
        assert violation_rules(caught.value) == {"qualification"}
        done = world.act("accept", world.officers["rt-02"], offer.id)
        assert done.status == "applied" and done.taker == "rt-02"
        with pytest.raises(Conflict):
            world.act("accept", world.officers["rt-03"], offer.id)
        assert world.holders(OVW_9) == ["rt-02"]

    def test_officers_see_open_offers_only_when_they_could_take_them(
        self, world: SwapWorld
    ) -> None:
        offer = world.create("hh-02", kind="open", shift=OVW_9)

        def seen_by(code: str) -> dict[int, str | None]:
            with world.session() as session:
                rows, _ = swaps.list_requests(
                    session=session,
                    actor=world.officers[code],
                    cooperation_id=world.cooperation_id,
                    now=NOW,
                )
            return {row.id: row.relation for row in rows}

        assert seen_by("hh-02") == {offer.id: "mine"}
        assert seen_by("rt-02") == {offer.id: "open_offer"}
        assert seen_by("rt-04") == {}  # not qualified
        assert seen_by("hh-01") == {}  # would have no rest after OVW 2 March


class TestPartialCover:
    def test_the_duty_is_split_and_the_loads_add_up(self, world: SwapWorld) -> None:
        request = world.create(
            "hh-02",
            kind="partial",
            shift=OVW_9,
            target="rt-02",
            cover_start="2026-03-11T18:00",
            cover_end="2026-03-12T08:00",
        )
        done = world.act("accept", world.officers["rt-02"], request.id)
        assert done.status == "applied"
        rota = Rota.model_validate(world.published().rota)
        parts = [item for item in rota.assignments if parent_shift(item.shift) == OVW_9]
        assert [(item.shift, item.person, item.load) for item in parts] == [
            ("OVW@2026-03-09T08:00~2026-03-09T08:00", "hh-02", 58.0),
            ("OVW@2026-03-09T08:00~2026-03-11T18:00", "rt-02", 14.0),
            ("OVW@2026-03-09T08:00~2026-03-12T08:00", "hh-02", 144.0),
        ]
        assert sum(item.load for item in parts) == 216.0
        assert rota.fairness["OVW"].people["rt-02"].load == 216.0 + 14.0
        assert world.validate_published() == []

    def test_a_planner_can_still_edit_a_rota_with_a_split_duty(self, world: SwapWorld) -> None:
        request = world.create(
            "hh-02",
            kind="partial",
            shift=OVW_9,
            target="rt-02",
            cover_start="2026-03-11T18:00",
            cover_end="2026-03-12T08:00",
        )
        world.act("accept", world.officers["rt-02"], request.id)
        with world.session() as session:
            result = rotas.edit_version(
                session=session,
                actor=world.planning.planner_hh,
                cooperation_id=world.cooperation_id,
                version_id=world.published().id,  # type: ignore[arg-type]
                edit=rotas.DutyEdit(action="clear", shift=OVW_30, person="rt-02"),
            )
        assert result.version.status == "published"
        rota = Rota.model_validate(world.published().rota)
        # The split shift is still fully staffed; only the cleared one is uncovered.
        assert [item.shift for item in rota.uncovered] == [OVW_30]
        violations = world.validate_published()
        assert [(item.rule, item.shifts) for item in violations] == [("staffing", (OVW_30,))]

    def test_a_part_can_be_given_away_again(self, world: SwapWorld) -> None:
        request = world.create(
            "hh-02",
            kind="partial",
            shift=OVW_9,
            target="rt-02",
            cover_start="2026-03-11T18:00",
            cover_end="2026-03-12T08:00",
        )
        world.act("accept", world.officers["rt-02"], request.id)
        again = giveaway(world, "OVW@2026-03-09T08:00~2026-03-11T18:00", "rt-02", "rt-03")
        world.act("accept", world.officers["rt-03"], again.id)
        assert world.holders("OVW@2026-03-09T08:00~2026-03-11T18:00") == ["rt-03"]
        assert world.validate_published() == []

    def test_an_open_partial_cover_goes_to_whoever_accepts_first(self, world: SwapWorld) -> None:
        request = world.create(
            "hh-02",
            kind="partial",
            shift=OVW_9,
            cover_start="2026-03-14T08:00",
            cover_end="2026-03-16T08:00",
        )
        assert request.target is None and request.status == "open"
        # hh-03 is on SB that Saturday: the cover would overlap it.
        with pytest.raises(Invalid) as caught:
            world.act("accept", world.officers["hh-03"], request.id)
        assert "max_concurrent" in violation_rules(caught.value)
        done = world.act("accept", world.officers["rt-03"], request.id)
        assert done.status == "applied" and done.taker == "rt-03"
        assert world.holders("OVW@2026-03-09T08:00~2026-03-14T08:00") == ["rt-03"]
        assert world.validate_published() == []

    def test_a_range_outside_the_duty_is_refused(self, world: SwapWorld) -> None:
        with pytest.raises(Invalid) as caught:
            world.create(
                "hh-02",
                kind="partial",
                shift=OVW_9,
                target="rt-02",
                cover_start="2026-03-16T06:00",
                cover_end="2026-03-16T10:00",
            )
        assert "inside the duty" in caught.value.detail


class TestWhoMayDoWhat:
    def test_accepting_your_own_request_is_refused(self, world: SwapWorld) -> None:
        offer = world.create("hh-02", kind="open", shift=OVW_9)
        with pytest.raises(NotPermitted, match="your own request"):
            world.act("accept", world.officers["hh-02"], offer.id)

    def test_accepting_a_request_not_addressed_to_you_is_refused(self, world: SwapWorld) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        with pytest.raises(NotPermitted, match="addressed to someone else"):
            world.act("accept", world.officers["rt-03"], request.id)

    def test_approving_as_an_officer_is_refused(self, world: SwapWorld) -> None:
        world.set_policy("planner")
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        with pytest.raises(NotPermitted):
            world.act("approve", world.officers["rt-02"], request.id)

    def test_offering_someone_elses_duty_is_refused(self, world: SwapWorld) -> None:
        with pytest.raises(NotPermitted):
            world.create("hh-01", kind="open", shift=OVW_9, person="hh-02")

    def test_a_planner_may_offer_for_a_person_of_their_zone(self, world: SwapWorld) -> None:
        with world.session() as session:
            request = swaps.create_request(
                session=session,
                actor=world.planning.planner_hh,
                cooperation_id=world.cooperation_id,
                request_in=SwapCreate(kind="open", shift=OVW_9, person="hh-02"),
                now=NOW,
            )
        assert request.person == "hh-02"

    def test_only_the_target_declines_and_only_the_requester_cancels(
        self, world: SwapWorld
    ) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        with pytest.raises(NotPermitted):
            world.act("decline", world.officers["rt-03"], request.id)
        with pytest.raises(NotPermitted):
            world.act("cancel", world.officers["rt-02"], request.id)
        assert world.act("decline", world.officers["rt-02"], request.id).status == "declined"
        with pytest.raises(Conflict):
            world.act("cancel", world.officers["hh-02"], request.id)


class TestLifecycle:
    def test_cancel_releases_the_duty_for_a_new_request(self, world: SwapWorld) -> None:
        first = giveaway(world, OVW_9, "hh-02", "rt-02")
        with pytest.raises(Conflict, match="already promised"):
            world.create("hh-02", kind="open", shift=OVW_9)
        assert world.act("cancel", world.officers["hh-02"], first.id).status == "cancelled"
        assert world.create("hh-02", kind="open", shift=OVW_9).status == "open"

    def test_the_counter_duty_of_a_swap_is_promised_too(self, world: SwapWorld) -> None:
        world.create("rt-01", kind="swap", shift=OVW_16, target="rt-02", counter_shift=OVW_30)
        with pytest.raises(Conflict):
            world.create("rt-02", kind="open", shift=OVW_30)

    def test_planner_approval_then_apply(self, world: SwapWorld) -> None:
        world.set_policy("planner")
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        accepted = world.act("accept", world.officers["rt-02"], request.id)
        assert accepted.status == "accepted"
        assert world.holders(OVW_9) == ["hh-02"]
        approved = world.act("approve", world.planning.planner_rt, request.id)
        assert approved.status == "applied" and approved.approvals == ["*"]
        assert world.holders(OVW_9) == ["rt-02"]

    def test_cross_zone_swaps_need_a_planner_of_each_zone(self, world: SwapWorld) -> None:
        world.set_policy("planner", each_zone=True)
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        first = world.act("approve", world.planning.planner_hh, request.id)
        assert first.status == "accepted" and first.approvals == ["HH"]
        with pytest.raises(Conflict, match="already approved"):
            world.act("approve", world.planning.planner_hh, request.id)
        second = world.act("approve", world.planning.planner_rt, request.id)
        assert second.status == "applied" and second.approvals == ["HH", "RT"]

    def test_a_planner_rejects(self, world: SwapWorld) -> None:
        world.set_policy("planner")
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        assert world.act("reject", world.planning.planner_hh, request.id).status == "rejected"
        assert world.holders(OVW_9) == ["hh-02"]
        with pytest.raises(Conflict):
            world.act("approve", world.planning.planner_hh, request.id)

    def test_applying_after_the_taker_fell_ill_is_refused_by_revalidation(
        self, world: SwapWorld
    ) -> None:
        world.set_policy("planner")
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        make_absence_for(world, "rt-02", datetime(2026, 3, 10), datetime(2026, 3, 12), "sick")
        approved = world.act("approve", world.planning.planner_hh, request.id)
        assert approved.status == "approved"
        assert any("on sick 2026-03-10" in problem for problem in approved.problems)
        with pytest.raises(Invalid) as caught:
            world.act("apply", world.officers["hh-02"], request.id)
        assert violation_rules(caught.value) == {"absence"}
        assert world.holders(OVW_9) == ["hh-02"]
        with world.session() as session:
            from scheduler.models import Absence

            for absence in session.exec(select(Absence)).all():
                session.delete(absence)
            session.commit()
        assert world.act("apply", world.officers["hh-02"], request.id).status == "applied"
        assert world.holders(OVW_9) == ["rt-02"]

    def test_accept_revalidates_against_rules_changed_since_the_request(
        self, world: SwapWorld
    ) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        make_absence_for(world, "rt-02", datetime(2026, 3, 10), datetime(2026, 3, 12), "sick")
        with pytest.raises(Invalid) as caught:
            world.act("accept", world.officers["rt-02"], request.id)
        assert violation_rules(caught.value) == {"absence"}
        with world.session() as session:
            assert session.get(SwapRequest, request.id).status == "open"  # type: ignore[union-attr]

    def test_a_request_applies_on_the_version_published_since(self, world: SwapWorld) -> None:
        first = giveaway(world, OVW_9, "hh-02", "rt-03")
        swap = world.create(
            "rt-01", kind="swap", shift=OVW_16, target="rt-02", counter_shift=OVW_30
        )
        world.act("accept", world.officers["rt-02"], swap.id)
        # The first request was made on the version before the swap; it applies on the new
        # one and keeps the swap.
        assert world.act("accept", world.officers["rt-03"], first.id).status == "applied"
        assert world.holders(OVW_9) == ["rt-03"] and world.holders(OVW_16) == ["rt-02"]


def test_a_duty_reassigned_by_a_planner_since_the_request_is_a_conflict(
    world: SwapWorld,
) -> None:
    from scheduler.services.rotas import DutyEdit, edit_version

    request = giveaway(world, OVW_9, "hh-02", "rt-02")
    with world.session() as session:
        edit_version(
            session=session,
            actor=world.planning.planner_hh,
            cooperation_id=world.cooperation_id,
            version_id=world.published().id,  # type: ignore[arg-type]
            edit=DutyEdit(action="reassign", shift=OVW_9, person="rt-03"),
        )
    with pytest.raises(Conflict, match="no longer holds"):
        world.act("accept", world.officers["rt-02"], request.id)


class TestExpiry:
    def test_expire_requests_after_their_expiry_time(self, world: SwapWorld) -> None:
        expires = datetime(2026, 2, 10, tzinfo=UTC)
        request = world.create("hh-02", kind="open", shift=OVW_9, expires_at=expires)
        with world.session() as session:
            assert swaps.expire_requests(session, expires - timedelta(seconds=1)) == []
            assert swaps.expire_requests(session, expires) == [request.id]
            assert session.exec(select(SwapDutyLock)).all() == []
        with pytest.raises(Conflict):
            world.act("accept", world.officers["rt-02"], request.id)
        assert world.create("hh-02", kind="open", shift=OVW_9).status == "open"

    def test_a_request_expires_when_its_duty_starts(self, world: SwapWorld) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        duty_start = datetime(2026, 3, 9, 7, tzinfo=UTC)  # 08:00 Brussels
        with world.session() as session:
            assert swaps.expire_requests(session, duty_start - timedelta(minutes=1)) == []
        with pytest.raises(Conflict, match="expired"):
            world.act("accept", world.officers["rt-02"], request.id, now=duty_start)
        with world.session() as session:
            assert session.get(SwapRequest, request.id).status == "expired"  # type: ignore[union-attr]

    def test_a_duty_that_already_started_cannot_be_offered(self, world: SwapWorld) -> None:
        with world.session() as session, pytest.raises(Invalid, match="already started"):
            swaps.create_request(
                session=session,
                actor=world.officers["hh-02"],
                cooperation_id=world.cooperation_id,
                request_in=SwapCreate(kind="open", shift=OVW_9),
                now=datetime(2026, 3, 9, 7, tzinfo=UTC),
            )


class TestNotificationsAndAudit:
    def test_each_state_change_notifies_the_people_and_planners_involved(
        self, world: SwapWorld
    ) -> None:
        world.set_policy("planner")
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        world.act("approve", world.planning.planner_hh, request.id)
        with world.session() as session:
            rows = session.exec(
                select(NotificationOutbox).order_by(col(NotificationOutbox.id))
            ).all()
        people = {world.person(code).id: code for code in ("hh-02", "rt-02")}
        created = [row for row in rows if row.event == "swap.created"]
        assert {people[row.recipient_person_id] for row in created} == {"hh-02", "rt-02"}
        assert all(row.recipient_user_id is None for row in created)
        accepted = [row for row in rows if row.event == "swap.accepted"]
        planners = {row.recipient_user_id for row in accepted if row.recipient_user_id}
        assert planners == {world.planning.planner_hh.user.id, world.planning.planner_rt.user.id}
        events = [row.event for row in rows]
        assert {"swap.created", "swap.accepted", "swap.approved", "swap.applied"} <= set(events)
        assert rows[-1].payload["status"] == "applied"

    def test_everything_is_audited(self, world: SwapWorld) -> None:
        request = giveaway(world, OVW_9, "hh-02", "rt-02")
        world.act("accept", world.officers["rt-02"], request.id)
        with world.session() as session:
            events = session.exec(
                select(AuditEvent).where(AuditEvent.entity == "swap_request")
            ).all()
            actions = [event.action for event in events]
            version_events = session.exec(
                select(AuditEvent).where(AuditEvent.action == "swap")
            ).all()
        assert actions == ["create", "accepted", "approved", "apply"]
        assert len(version_events) == 1


def test_utcnow_is_after_the_fixture_rota() -> None:
    # The fixture rota lies in 2026; services default to the real clock.
    assert utcnow() > NOW

"""Who could take a duty: the people who may take it without breaking a hard rule, ranked
by fairness (who is owed load first), and why everyone else cannot.

A candidate must pass the per-duty rules (qualification, active window,
absence) and the rules between their duties (one at a time, rest, gaps, duty
counts, weekends), read by the same validator as swaps (``solver.split``). The
ranking puts first the person furthest below their fair share of the role
(``load − target``, history included), then the one whose zone is furthest
below its share, then by code. Exclusion reasons name absences, so only
planners see them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session

from scheduler.auth import Actor
from scheduler.errors import FieldProblem, Invalid, NotFound
from scheduler.models.types import utcnow
from scheduler.services.swaps import load_published, published_for_day, shift_day
from solver.split import SplitValidator, with_parts


class Candidate(BaseModel):
    person: str
    name: str
    zone: str
    load: float = Field(description="The person's load of the role in this horizon.")
    target: float
    deviation: float = Field(description="load − target now; most negative is owed most.")
    deviation_after: float = Field(description="load − target if they take the duty.")
    zone_deviation: float


class Excluded(BaseModel):
    person: str
    name: str
    zone: str
    rule: str
    reason: str


class Candidates(BaseModel):
    shift: str
    role: str
    start: datetime
    end: datetime
    holder: str
    candidates: list[Candidate]
    excluded: list[Excluded] = Field(
        description="Everyone else with the first rule that stops them (planners only)."
    )


def duty_candidates(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    shift: str,
    holder: str | None = None,
    now: datetime | None = None,
) -> Candidates:
    """The people who could take ``holder``'s duty ``shift`` of the published rota, best first.

    ``holder`` may be omitted when one person holds the duty.
    """
    actor.require_read(cooperation_id)
    version = published_for_day(session, cooperation_id, shift_day(shift))
    rota = load_published(session, version, now=now or utcnow())
    holders = rota.holders(shift)
    if not holders:
        raise NotFound(f"no duty {shift} in the published rota")
    if holder is None:
        if len(holders) > 1:
            raise Invalid(
                f"{shift} has several people: say whose duty",
                fields=[FieldProblem("holder", f"one of {', '.join(sorted(holders))}")],
            )
        holder = holders[0]
    duty = rota.duty(shift, holder)
    if duty is None:
        raise Invalid(
            f"{holder} does not hold {shift}", fields=[FieldProblem("holder", "not on this duty")]
        )
    others = [item for item in rota.rota.assignments if item is not duty]
    view = with_parts(rota.expanded, rota.rota.assignments, uncovered_allowed=True)
    validator = SplitValidator(view.expanded)
    pinned = any(
        pin.shift == shift and pin.person == holder for pin in view.expanded.scenario.fixed
    )
    role_fairness = rota.fairness.get(duty.role)
    role_targets = rota.targets.get(duty.role)
    planned = {person.id for person in rota.expanded.scenario.people}
    candidates: list[Candidate] = []
    excluded: list[Excluded] = []
    for person in sorted(rota.people.values(), key=lambda person: person.code):
        if person.code == holder:
            continue
        zone = rota.zone_code(person)
        reason: tuple[str, str] | None = None
        if pinned:
            reason = ("fixed", f"the duty is pinned to {holder} by a planner")
        elif person.code not in planned:
            reason = ("active_window", "not in the planning data of this horizon")
        else:
            blocker = validator.eligibility.blocker(person.code, shift)
            if blocker is not None:
                reason = (blocker.rule, blocker.reason)
            else:
                conflicts = validator.duty_conflicts(person.code, shift, others)
                if conflicts:
                    reason = (conflicts[0].rule, conflicts[0].message)
        if reason is not None:
            excluded.append(
                Excluded(
                    person=person.code,
                    name=person.name,
                    zone=zone,
                    rule=reason[0],
                    reason=reason[1],
                )
            )
            continue
        person_row = role_fairness.people.get(person.code) if role_fairness else None
        zone_row = role_fairness.zones.get(zone) if role_fairness else None
        target = (
            role_targets.person_target.get(person.code, 0.0) if role_targets is not None else 0.0
        )
        load = person_row.load if person_row is not None else 0.0
        candidates.append(
            Candidate(
                person=person.code,
                name=person.name,
                zone=zone,
                load=load,
                target=round(target, 2),
                deviation=round(load - target, 2),
                deviation_after=round(load + duty.load - target, 2),
                zone_deviation=zone_row.deviation if zone_row is not None else 0.0,
            )
        )
    candidates.sort(key=lambda item: (item.deviation, item.zone_deviation, item.person))
    return Candidates(
        shift=shift,
        role=duty.role,
        start=duty.start,
        end=duty.end,
        holder=holder,
        candidates=candidates,
        excluded=excluded if actor.is_admin or actor.is_planner else [],
    )

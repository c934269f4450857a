"""Swap requests: officers trade duties of the published rota, checked by the validator.

Kinds: ``swap`` (A's duty X for B's duty Y), ``giveaway`` (A asks B to take X),
``open`` (A offers X to anyone who may take it; the first valid acceptance
wins) and ``partial`` (someone covers a time range inside X; the duty is split,
see ``solver.split``). A partial cover names its taker or, without one, is open
to anyone.

Lifecycle: ``open → accepted → approved → applied``, or ``declined`` (by the
target), ``cancelled`` (by the requester), ``rejected`` (by a planner),
``expired`` (its expiry time passed or a duty involved started). With the
cooperation's ``automatic`` policy an acceptance that passes every hard rule is
applied at once; with ``planner`` a planner approves (for cross-zone swaps,
optionally a planner of each zone whose load changes), then it is applied.
Applying supersedes the published version with a new published version, so
feeds and history follow.

Every check runs the independent validator (``solver.split.validate``) on the
whole rota after the change, at request, at acceptance and again when applying
(absences or rules may have changed); only violations the change introduces
refuse it, each named in words. Soft effects (fairness deltas per person and
zone, avoid-preferences broken) come with every check.

Concurrency is settled by the database: status changes are compare-and-set
updates (``UPDATE … WHERE status = 'open'``), a duty sits in one active request
at a time (``SwapDutyLock``'s unique key), and applying supersedes the
published version only if it is still the published one, in the same
transaction as the request's change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid, NotFound, NotPermitted
from scheduler.models import (
    Cooperation,
    Person,
    RotaVersion,
    SwapApproval,
    SwapDutyLock,
    SwapPolicy,
    SwapRequest,
    Zone,
)
from scheduler.models.swaps import ACTIVE_STATUSES, APPROVAL_POLICIES
from scheduler.models.types import utcnow
from scheduler.services import notifications
from scheduler.services.common import get_scoped
from scheduler.services.rotas import (
    generation_scenario,
    local_instant,
    publish_in_session,
    store_version,
)
from solver.fairness import RoleTargets, fairness_report, fairness_targets
from solver.revise import preference_violations, revised_rota
from solver.rota import Assignment as RotaAssignment
from solver.rota import RoleFairness, Rota
from solver.scenario import ShiftPerson
from solver.shifts import ExpandedScenario, expand
from solver.split import cover, normalize, parent_shift
from solver.split import validate as validate_rota
from solver.validate import Violation

Kind = Literal["swap", "giveaway", "open", "partial"]
Clock = Callable[[], datetime]
# Loads are shown to 2 decimals; smaller differences are rounding, not a change.
LOAD_EPSILON = 0.005
# People and planners hear about every change; planners also about these.
PLANNER_EVENTS = {"accepted", "approved", "applied", "rejected", "apply_failed"}


# --- Schemas ---------------------------------------------------------------------------------


class SwapCreate(BaseModel):
    """A new request. Times without an offset are local to the cooperation."""

    kind: Kind
    shift: str = Field(description="The requester's duty: a shift id or a part id.")
    person: str | None = Field(
        default=None, description="Who holds the duty (code); default: your own person."
    )
    target: str | None = Field(default=None, description="The colleague asked (code).")
    counter_shift: str | None = Field(default=None, description="For a swap: the target's duty.")
    cover_start: datetime | None = None
    cover_end: datetime | None = None
    message: str | None = Field(default=None, max_length=2000)
    expires_at: datetime | None = None


class ViolationPublic(BaseModel):
    rule: str
    message: str
    person: str | None
    shifts: list[str]


class FairnessDelta(BaseModel):
    """How one person's or zone's load of a role changes (load − target = deviation)."""

    role: str
    kind: Literal["person", "zone"]
    id: str
    load_before: float
    load_after: float
    target: float
    deviation_before: float
    deviation_after: float


class SwapCheck(BaseModel):
    """What a change would do: the hard rules it breaks (none when valid) and its soft effects."""

    valid: bool
    violations: list[ViolationPublic]
    fairness: list[FairnessDelta]
    preferences: list[str]
    zones: list[str] = Field(description="Zones whose load changes.")


class SwapPublic(BaseModel):
    id: int
    kind: str
    status: str
    shift: str
    person: str
    target: str | None
    taker: str | None
    counter_shift: str | None
    cover_start: datetime | None
    cover_end: datetime | None
    starts_at: datetime
    expires_at: datetime | None
    message: str | None
    zones: list[str]
    approvals: list[str]
    problems: list[str]
    version_id: int
    applied_version_id: int | None
    created_at: datetime
    updated_at: datetime
    relation: str | None = Field(
        default=None, description="For officers: mine, to_me, taken_by_me or open_offer."
    )
    check: SwapCheck | None = None


class PolicyPublic(BaseModel):
    approval: Literal["automatic", "planner"]
    each_zone: bool


# --- The published rota as the swap rules see it ---------------------------------------------


@dataclass
class PublishedRota:
    """A published version with its scenario (history and current absences included)."""

    session: Session
    cooperation: Cooperation
    version: RotaVersion
    rota: Rota
    expanded: ExpandedScenario
    people: dict[str, Person]  # by code
    zones: dict[int, Zone]  # by id
    _checks: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return self.expanded.scenario.tz

    def person_by_id(self, person_id: int | None) -> Person | None:
        for person in self.people.values():
            if person.id == person_id:
                return person
        return None

    def zone_code(self, person: Person) -> str:
        return self.zones[person.zone_id].code

    def duty(self, shift: str, person: str) -> RotaAssignment | None:
        return next(
            (
                item
                for item in self.rota.assignments
                if item.shift == shift and item.person == person
            ),
            None,
        )

    def holders(self, shift: str) -> list[str]:
        return [item.person for item in self.rota.assignments if item.shift == shift]

    @cached_property
    def targets(self) -> dict[str, RoleTargets]:
        return fairness_targets(self.expanded)

    @cached_property
    def fairness(self) -> dict[str, RoleFairness]:
        return fairness_report(self.expanded, self.rota.assignments, self.targets)

    @cached_property
    def violations_before(self) -> set[tuple[str, str | None, tuple[str, ...]]]:
        return {
            _violation_key(violation)
            for violation in validate_rota(
                self.expanded, self.rota.assignments, uncovered_allowed=True
            )
        }

    def new_violations(self, assignments: Sequence[RotaAssignment]) -> list[Violation]:
        """Violations of ``assignments`` that the published rota does not already have."""
        before = self.violations_before
        return [
            violation
            for violation in validate_rota(self.expanded, assignments, uncovered_allowed=True)
            if _violation_key(violation) not in before
        ]

    def check(self, assignments: Sequence[RotaAssignment]) -> SwapCheck:
        violations = self.new_violations(assignments)
        after = fairness_report(self.expanded, assignments, self.targets)
        deltas = _fairness_deltas(self.fairness, after)
        old = {(item.shift, item.person) for item in self.rota.assignments}
        added = [item for item in assignments if (item.shift, item.person) not in old]
        return SwapCheck(
            valid=not violations,
            violations=[
                ViolationPublic(
                    rule=violation.rule,
                    message=violation.message,
                    person=violation.person,
                    shifts=list(violation.shifts),
                )
                for violation in violations
            ],
            fairness=deltas,
            preferences=[
                f"{item.person} asked to avoid duties then ({item.shift}, weight {item.weight:g})"
                for item in preference_violations(self.expanded, added)
            ],
            zones=sorted({delta.id for delta in deltas if delta.kind == "zone"}),
        )


def _violation_key(violation: Violation) -> tuple[str, str | None, tuple[str, ...]]:
    return (violation.rule, violation.person, violation.shifts)


def _fairness_deltas(
    before: dict[str, RoleFairness], after: dict[str, RoleFairness]
) -> list[FairnessDelta]:
    deltas = []
    for role, report in after.items():
        old = before.get(role, RoleFairness())
        groups: list[tuple[Literal["person", "zone"], dict[str, Any], dict[str, Any]]] = [
            ("zone", dict(old.zones), dict(report.zones)),
            ("person", dict(old.people), dict(report.people)),
        ]
        for kind, old_rows, new_rows in groups:
            for key, row in new_rows.items():
                previous = old_rows.get(key)
                load_before = previous.load if previous is not None else 0.0
                if abs(row.load - load_before) < LOAD_EPSILON:
                    continue
                deltas.append(
                    FairnessDelta(
                        role=role,
                        kind=kind,
                        id=key,
                        load_before=load_before,
                        load_after=row.load,
                        target=row.target,
                        deviation_before=previous.deviation if previous is not None else 0.0,
                        deviation_after=row.deviation,
                    )
                )
    return deltas


def shift_day(duty_id: str) -> date:
    """The local start date in a shift or part id (``OVW@2026-03-02T08:00`` → 2026-03-02)."""
    try:
        return datetime.strptime(parent_shift(duty_id).partition("@")[2], "%Y-%m-%dT%H:%M").date()
    except ValueError:
        raise Invalid(
            f"'{duty_id}' is not a duty id",
            fields=[FieldProblem("shift", "expected ROLE@YYYY-MM-DDTHH:MM or a part id")],
        ) from None


def published_for_day(session: Session, cooperation_id: int, day: date) -> RotaVersion:
    version = session.exec(
        select(RotaVersion).where(
            RotaVersion.cooperation_id == cooperation_id,
            RotaVersion.status == "published",
            col(RotaVersion.horizon_start) <= day,
            col(RotaVersion.horizon_end) > day,
        )
    ).first()
    if version is None:
        raise NotFound(f"no published rota holds {day}")
    return version


def load_published(session: Session, version: RotaVersion, *, now: datetime) -> PublishedRota:
    """The published ``version`` as a ``PublishedRota``; its pins are its fixed duties."""
    cooperation = session.get(Cooperation, version.cooperation_id)
    assert cooperation is not None and cooperation.id is not None
    scenario = generation_scenario(
        session,
        cooperation_id=cooperation.id,
        start=version.horizon_start,
        end=version.horizon_end,
        now=now,
    )
    expanded = expand(scenario)
    rota = Rota.model_validate(version.rota)
    # As for manual edits: the pins are the version's fixed duties, so a pinned duty
    # cannot be traded away.
    pins = [
        ShiftPerson(shift=item.shift, person=item.person) for item in rota.assignments if item.fixed
    ]
    expanded = ExpandedScenario(
        scenario=scenario.model_copy(update={"fixed": pins}), shifts=expanded.shifts
    )
    people = {
        person.code: person
        for person in session.exec(
            select(Person).where(Person.cooperation_id == cooperation.id)
        ).all()
    }
    zones = {
        zone.id: zone
        for zone in session.exec(select(Zone).where(Zone.cooperation_id == cooperation.id)).all()
        if zone.id is not None
    }
    return PublishedRota(
        session=session,
        cooperation=cooperation,
        version=version,
        rota=rota,
        expanded=expanded,
        people=people,
        zones=zones,
    )


def current_for_request(session: Session, request: SwapRequest, *, now: datetime) -> PublishedRota:
    """The version now published for the horizon of the request's version."""
    original = session.get(RotaVersion, request.version_id)
    assert original is not None
    version = session.exec(
        select(RotaVersion).where(
            RotaVersion.cooperation_id == request.cooperation_id,
            RotaVersion.horizon_start == original.horizon_start,
            RotaVersion.horizon_end == original.horizon_end,
            RotaVersion.status == "published",
        )
    ).first()
    if version is None:
        raise Conflict("the rota of this request is no longer published")
    return load_published(session, version, now=now)


# --- Building the changed rota ---------------------------------------------------------------


def _reassign(
    assignments: Sequence[RotaAssignment], duty: RotaAssignment, taker: str, zone: str
) -> list[RotaAssignment]:
    return [
        item.model_copy(update={"person": taker, "zone": zone, "fixed": False})
        if item is duty
        else item
        for item in assignments
    ]


@dataclass(frozen=True)
class Change:
    """A request's change to a rota: who gives which duty to whom."""

    kind: str
    shift: str
    holder: Person
    taker: Person
    counter_shift: str | None = None
    cover_start: datetime | None = None
    cover_end: datetime | None = None


def changed_assignments(rota: PublishedRota, change: Change) -> list[RotaAssignment]:
    """The rota's assignments after ``change``; ``Conflict`` when a duty is no longer held."""
    duty = rota.duty(change.shift, change.holder.code)
    if duty is None:
        raise Conflict(f"{change.holder.code} no longer holds {change.shift}")
    taker_zone = rota.zone_code(change.taker)
    holder_zone = rota.zone_code(change.holder)
    assignments = list(rota.rota.assignments)
    if change.kind == "partial":
        assert change.cover_start is not None and change.cover_end is not None
        try:
            return cover(
                rota.expanded,
                assignments,
                duty=change.shift,
                holder=change.holder.code,
                start=change.cover_start,
                end=change.cover_end,
                taker=change.taker.code,
                taker_zone=taker_zone,
            )
        except ValueError as error:
            raise Invalid(str(error), fields=[FieldProblem("cover_start", str(error))]) from None
    assignments = _reassign(assignments, duty, change.taker.code, taker_zone)
    if change.kind == "swap":
        assert change.counter_shift is not None
        counter = rota.duty(change.counter_shift, change.taker.code)
        if counter is None:
            raise Conflict(f"{change.taker.code} no longer holds {change.counter_shift}")
        assignments = _reassign(assignments, counter, change.holder.code, holder_zone)
    return normalize(rota.expanded, assignments)


def _refuse(check: SwapCheck, what: str) -> Invalid:
    return Invalid(
        f"{what} breaks " + "; ".join(violation.message for violation in check.violations),
        fields=[FieldProblem(violation.rule, violation.message) for violation in check.violations],
    )


# --- Reading ---------------------------------------------------------------------------------


def get_policy(session: Session, cooperation_id: int) -> SwapPolicy:
    policy = session.get(SwapPolicy, cooperation_id)
    return policy or SwapPolicy(cooperation_id=cooperation_id)


def set_policy(
    *, session: Session, actor: Actor, cooperation_id: int, policy_in: PolicyPublic
) -> SwapPolicy:
    """Change how the cooperation approves swaps (planners). Commits."""
    actor.require_planner(cooperation_id)
    if policy_in.approval not in APPROVAL_POLICIES:
        raise Invalid(f"approval must be one of {', '.join(APPROVAL_POLICIES)}")
    policy = session.get(SwapPolicy, cooperation_id)
    before = audit.snapshot(policy) if policy else None
    if policy is None:
        policy = SwapPolicy(cooperation_id=cooperation_id)
    policy.approval = policy_in.approval
    policy.each_zone = policy_in.each_zone
    policy.updated_at = utcnow()
    session.add(policy)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity="swap_policy",
        entity_id=cooperation_id,
        cooperation_id=cooperation_id,
        before=before,
        after=audit.snapshot(policy),
    )
    session.commit()
    return policy


def get_request(
    *, session: Session, actor: Actor, cooperation_id: int, request_id: int
) -> SwapRequest:
    actor.require_read(cooperation_id)
    request = get_scoped(session, SwapRequest, request_id, cooperation_id)
    if not _may_see(session, actor, request):
        raise NotFound(f"swaprequest {request_id} not found")
    return request


def _load_request(
    session: Session, actor: Actor, cooperation_id: int, request_id: int
) -> SwapRequest:
    """The request for a state change; each change checks who may make it."""
    actor.require_read(cooperation_id)
    return get_scoped(session, SwapRequest, request_id, cooperation_id)


def _people_of(request: SwapRequest) -> list[int]:
    return [
        person_id
        for person_id in (request.requester_id, request.target_id, request.taker_id)
        if person_id is not None
    ]


def _may_see(session: Session, actor: Actor, request: SwapRequest) -> bool:
    if actor.is_admin:
        return True
    people = _people_of(request)
    if actor.person is not None and actor.person.id in people:
        return True
    if request.target_id is None and request.status == "open":
        return actor.person is not None
    if actor.is_planner:
        zone_ids = {
            person.zone_id for person_id in people if (person := session.get(Person, person_id))
        }
        return bool(zone_ids & actor.zone_ids)
    return False


def list_requests(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    status: str | None = None,
    kind: str | None = None,
    person: str | None = None,
    zone: str | None = None,
    offset: int = 0,
    limit: int = 100,
    now: datetime | None = None,
) -> tuple[list[SwapPublic], int]:
    """The requests ``actor`` may see, newest first.

    Officers: requests they made, requests addressed to them or taken by them,
    and open offers they could take without breaking a hard rule. Planners: all
    requests involving people of their zones; admins: all. Filters: status,
    kind, a person involved (code), a zone involved (code).
    """
    actor.require_read(cooperation_id)
    now = now or utcnow()
    query = select(SwapRequest).where(SwapRequest.cooperation_id == cooperation_id)
    if status is not None:
        query = query.where(SwapRequest.status == status)
    if kind is not None:
        query = query.where(SwapRequest.kind == kind)
    rows = list(session.exec(query.order_by(col(SwapRequest.id).desc())).all())
    people = {
        row.id: row
        for row in session.exec(select(Person).where(Person.cooperation_id == cooperation_id))
    }
    zones = {
        row.id: row.code
        for row in session.exec(select(Zone).where(Zone.cooperation_id == cooperation_id))
    }

    def involved(row: SwapRequest) -> list[Person]:
        return [people[person_id] for person_id in _people_of(row) if person_id in people]

    if person is not None:
        rows = [row for row in rows if any(who.code == person for who in involved(row))]
    if zone is not None:
        rows = [row for row in rows if any(zones[who.zone_id] == zone for who in involved(row))]

    visible: list[SwapPublic] = []
    if actor.is_admin or actor.is_planner:
        for row in rows:
            if actor.is_admin or {who.zone_id for who in involved(row)} & actor.zone_ids:
                visible.append(to_public(session, row))
    elif actor.person is not None:
        me = actor.person.id
        rotas: dict[int, PublishedRota | None] = {}
        for row in rows:
            relation = (
                "mine"
                if row.requester_id == me
                else "to_me"
                if row.target_id == me
                else "taken_by_me"
                if row.taker_id == me
                else None
            )
            if (
                relation is None
                and row.target_id is None
                and row.status == "open"
                and _valid_for(session, row, actor.person, rotas, now)
            ):
                relation = "open_offer"
            if relation is not None:
                public = to_public(session, row)
                public.relation = relation
                visible.append(public)
    count = len(visible)
    return visible[offset : offset + limit], count


def _valid_for(
    session: Session,
    request: SwapRequest,
    person: Person,
    rotas: dict[int, PublishedRota | None],
    now: datetime,
) -> bool:
    """Whether ``person`` could take the open ``request`` without breaking a hard rule."""
    if request.starts_at <= now or (request.expires_at and request.expires_at <= now):
        return False
    if request.version_id not in rotas:
        try:
            rotas[request.version_id] = current_for_request(session, request, now=now)
        except Conflict:
            rotas[request.version_id] = None
    rota = rotas[request.version_id]
    if rota is None:
        return False
    holder = rota.person_by_id(request.requester_id)
    taker = rota.people.get(person.code)
    if holder is None or taker is None:
        return False
    try:
        assignments = changed_assignments(rota, _change(request, holder, taker))
    except (Conflict, Invalid):
        return False
    return not rota.new_violations(assignments)


def to_public(session: Session, request: SwapRequest, check: SwapCheck | None = None) -> SwapPublic:
    def code(person_id: int | None) -> str | None:
        if person_id is None:
            return None
        person = session.get(Person, person_id)
        return person.code if person else None

    approvals = session.exec(
        select(SwapApproval.zone)
        .where(SwapApproval.request_id == request.id)
        .order_by(col(SwapApproval.zone))
    ).all()
    return SwapPublic(
        id=request.id or 0,
        kind=request.kind,
        status=request.status,
        shift=request.shift,
        person=code(request.requester_id) or "",
        target=code(request.target_id),
        taker=code(request.taker_id),
        counter_shift=request.counter_shift,
        cover_start=request.cover_start,
        cover_end=request.cover_end,
        starts_at=request.starts_at,
        expires_at=request.expires_at,
        message=request.message,
        zones=list(request.zones or []),
        approvals=list(approvals),
        problems=list(request.problems or []),
        version_id=request.version_id,
        applied_version_id=request.applied_version_id,
        created_at=request.created_at,
        updated_at=request.updated_at,
        check=check,
    )


# --- Creating --------------------------------------------------------------------------------


def _change(request: SwapRequest, holder: Person, taker: Person) -> Change:
    return Change(
        kind=request.kind,
        shift=request.shift,
        holder=holder,
        taker=taker,
        counter_shift=request.counter_shift,
        cover_start=request.cover_start,
        cover_end=request.cover_end,
    )


def _structure_problems(request_in: SwapCreate) -> list[FieldProblem]:
    problems = []
    kind = request_in.kind
    if kind in ("swap", "giveaway") and request_in.target is None:
        problems.append(FieldProblem("target", f"a {kind} names the colleague asked"))
    if kind == "open" and request_in.target is not None:
        problems.append(FieldProblem("target", "an open offer is for anyone; name no target"))
    if kind == "swap" and request_in.counter_shift is None:
        problems.append(FieldProblem("counter_shift", "a swap names the target's duty"))
    if kind != "swap" and request_in.counter_shift is not None:
        problems.append(FieldProblem("counter_shift", "only a swap has a counter duty"))
    if kind == "partial":
        if request_in.cover_start is None:
            problems.append(FieldProblem("cover_start", "a partial cover needs a start"))
        if request_in.cover_end is None:
            problems.append(FieldProblem("cover_end", "a partial cover needs an end"))
    elif request_in.cover_start is not None or request_in.cover_end is not None:
        problems.append(FieldProblem("cover_start", "only a partial cover has a time range"))
    for name in ("cover_start", "cover_end"):
        moment = getattr(request_in, name)
        if moment is not None and (moment.second or moment.microsecond):
            problems.append(FieldProblem(name, "give whole minutes"))
    return problems


def check_request(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_in: SwapCreate,
    taker: str | None = None,
    now: datetime | None = None,
) -> SwapCheck:
    """What ``request_in`` would do if accepted (by ``taker`` for an open offer); writes nothing."""
    now = now or utcnow()
    rota, _holder, change = _prepare(
        session, actor, cooperation_id, request_in, taker=taker, now=now
    )
    if change is None:
        raise Invalid(
            "an open offer has no taker yet: say who would take it",
            fields=[FieldProblem("taker", "required to check an open offer")],
        )
    return rota.check(changed_assignments(rota, change))


def _prepare(
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_in: SwapCreate,
    *,
    taker: str | None,
    now: datetime,
) -> tuple[PublishedRota, Person, Change | None]:
    actor.require_read(cooperation_id)
    problems = _structure_problems(request_in)
    if problems:
        raise Invalid(
            "; ".join(f"{item.field}: {item.message}" for item in problems), fields=problems
        )
    version = published_for_day(session, cooperation_id, shift_day(request_in.shift))
    rota = load_published(session, version, now=now)
    holder_code = request_in.person or (actor.person.code if actor.person else None)
    if holder_code is None:
        raise Invalid(
            "say whose duty this is", fields=[FieldProblem("person", "required for non-officers")]
        )
    holder = _person(rota, holder_code, "person")
    if not (actor.is_person(holder.id or 0) or actor.plans_zone(holder.zone_id)):
        raise NotPermitted(
            "only the officer holding a duty (or a planner of their zone) may offer it"
        )
    duty = rota.duty(request_in.shift, holder.code)
    if duty is None:
        raise Invalid(
            f"{holder.code} holds no duty {request_in.shift} in the published rota",
            fields=[FieldProblem("shift", f"{holder.code} holds no such duty")],
        )
    taker_code = request_in.target or taker
    if taker_code is None:
        return rota, holder, None
    taker_person = _person(rota, taker_code, "target" if request_in.target else "taker")
    if taker_person.id == holder.id:
        raise Invalid(
            "a duty cannot be given to its own holder",
            fields=[FieldProblem("target", "names the requester")],
        )
    cover_start = cover_end = None
    if request_in.kind == "partial":
        assert request_in.cover_start is not None and request_in.cover_end is not None
        cover_start = local_instant(rota.cooperation, request_in.cover_start)
        cover_end = local_instant(rota.cooperation, request_in.cover_end)
    if request_in.kind == "swap":
        assert request_in.counter_shift is not None
        if rota.duty(request_in.counter_shift, taker_person.code) is None:
            raise Invalid(
                f"{taker_person.code} holds no duty {request_in.counter_shift} in the same "
                "published rota",
                fields=[FieldProblem("counter_shift", f"{taker_person.code} holds no such duty")],
            )
    return (
        rota,
        holder,
        Change(
            kind=request_in.kind,
            shift=request_in.shift,
            holder=holder,
            taker=taker_person,
            counter_shift=request_in.counter_shift,
            cover_start=cover_start,
            cover_end=cover_end,
        ),
    )


def _person(rota: PublishedRota, code: str, field_name: str) -> Person:
    person = rota.people.get(code)
    if person is None:
        raise Invalid(
            f"no person '{code}' in this cooperation",
            fields=[FieldProblem(field_name, f"no person '{code}'")],
        )
    return person


def create_request(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_in: SwapCreate,
    now: datetime | None = None,
) -> SwapPublic:
    """Create a request, checked by the validator when it names its taker. Commits.

    ``Invalid`` names every hard rule the change would break; ``Conflict`` when
    a duty involved is already promised in another active request.
    """
    now = now or utcnow()
    rota, holder, change = _prepare(session, actor, cooperation_id, request_in, taker=None, now=now)
    duty = rota.duty(request_in.shift, holder.code)
    assert duty is not None
    check = None
    starts = [rota.expanded.scenario.instant(duty.start)]
    if change is not None:
        check = rota.check(changed_assignments(rota, change))
        if not check.valid:
            raise _refuse(check, "this request")
        if change.kind == "partial":
            assert change.cover_start is not None
            starts = [change.cover_start]
        if change.counter_shift is not None:
            counter = rota.duty(change.counter_shift, change.taker.code)
            assert counter is not None
            starts.append(rota.expanded.scenario.instant(counter.start))
    else:
        # Whoever takes it, the duty leaves its holder: a pinned duty cannot be offered.
        released = rota.new_violations([item for item in rota.rota.assignments if item is not duty])
        if released:
            raise Invalid(
                "offering this duty breaks " + "; ".join(item.message for item in released),
                fields=[FieldProblem(item.rule, item.message) for item in released],
            )
    starts_at = min(starts)
    if starts_at <= now:
        raise Invalid(
            "the duty has already started", fields=[FieldProblem("shift", "already started")]
        )
    expires_at = (
        local_instant(rota.cooperation, request_in.expires_at) if request_in.expires_at else None
    )
    if expires_at is not None and expires_at <= now:
        raise Invalid(
            "expires_at is in the past", fields=[FieldProblem("expires_at", "in the past")]
        )
    request = SwapRequest(
        cooperation_id=cooperation_id,
        kind=request_in.kind,
        version_id=rota.version.id,  # type: ignore[arg-type]
        shift=request_in.shift,
        requester_id=holder.id,  # type: ignore[arg-type]
        target_id=change.taker.id if change is not None and request_in.target else None,
        counter_shift=request_in.counter_shift,
        cover_start=change.cover_start if change is not None else None,
        cover_end=change.cover_end if change is not None else None,
        starts_at=starts_at,
        message=request_in.message,
        expires_at=expires_at,
        zones=check.zones if check is not None else [],
        created_by_id=actor.user.id,
    )
    if request_in.kind == "partial" and change is None:
        assert request_in.cover_start is not None and request_in.cover_end is not None
        request.cover_start = local_instant(rota.cooperation, request_in.cover_start)
        request.cover_end = local_instant(rota.cooperation, request_in.cover_end)
        request.starts_at = request.cover_start
        if not (
            rota.expanded.scenario.instant(duty.start)
            <= request.cover_start
            < request.cover_end
            <= rota.expanded.scenario.instant(duty.end)
        ):
            raise Invalid(
                "the range to cover must be a non-empty period inside the duty",
                fields=[FieldProblem("cover_start", "outside the duty")],
            )
    session.add(request)
    try:
        session.flush()
        _lock(session, request, request.shift, holder)
        if change is not None and change.counter_shift is not None:
            _lock(session, request, change.counter_shift, change.taker)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "a duty of this request is already promised in another active request"
        ) from None
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity="swap_request",
        entity_id=request.id,
        cooperation_id=cooperation_id,
        after=audit.snapshot(request),
    )
    _notify(session, request, "created")
    session.commit()
    return to_public(session, request, check)


def _lock(session: Session, request: SwapRequest, shift: str, person: Person) -> None:
    session.add(
        SwapDutyLock(
            cooperation_id=request.cooperation_id,
            shift=shift,
            person_id=person.id,  # type: ignore[arg-type]
            request_id=request.id,  # type: ignore[arg-type]
        )
    )


# --- Transitions -----------------------------------------------------------------------------


def _transition(
    session: Session,
    request: SwapRequest,
    *,
    from_statuses: Sequence[str],
    to_status: str,
    actor: Actor | None,
    values: dict[str, Any] | None = None,
) -> None:
    """Compare-and-set the request's status; ``Conflict`` when someone else changed it first.

    A final status releases the request's duty locks.
    """
    before = request.status
    changed = session.execute(
        update(SwapRequest)
        .where(col(SwapRequest.id) == request.id, col(SwapRequest.status).in_(from_statuses))
        .values(status=to_status, updated_at=utcnow(), **(values or {}))
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        session.rollback()
        session.refresh(request)
        raise Conflict(
            f"swap request {request.id} is {request.status}; it cannot become {to_status}"
        )
    if to_status not in ACTIVE_STATUSES:
        session.execute(delete(SwapDutyLock).where(col(SwapDutyLock.request_id) == request.id))
    session.refresh(request)
    audit.record(
        session,
        actor=actor.user if actor else None,
        action=to_status if to_status != "applied" else "apply",
        entity="swap_request",
        entity_id=request.id,
        cooperation_id=request.cooperation_id,
        before={"status": before},
        after={"status": to_status, **{k: _json(v) for k, v in (values or {}).items()}},
    )
    _notify(session, request, to_status)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _notify(session: Session, request: SwapRequest, event: str) -> None:
    people = [person for pid in _people_of(request) if (person := session.get(Person, pid))]
    zone_ids = {person.zone_id for person in people}
    zones = [zone for zone_id in zone_ids if (zone := session.get(Zone, zone_id))]
    codes = {person.id: person.code for person in people}
    notifications.notify(
        session,
        cooperation_id=request.cooperation_id,
        event=f"swap.{event}",
        people=people,
        planner_zones=zones if event in PLANNER_EVENTS else (),
        swap_request_id=request.id,
        payload={
            "request": request.id,
            "kind": request.kind,
            "status": request.status,
            "shift": request.shift,
            "counter_shift": request.counter_shift,
            "requester": codes.get(request.requester_id),
            "target": codes.get(request.target_id) if request.target_id else None,
            "taker": codes.get(request.taker_id) if request.taker_id else None,
            "problems": list(request.problems or []),
        },
    )


def _expire_if_due(session: Session, request: SwapRequest, now: datetime) -> None:
    """Expire a request whose time has passed (committed), then refuse with ``Conflict``."""
    if request.status in ACTIVE_STATUSES and _is_due(request, now):
        _transition(
            session, request, from_statuses=ACTIVE_STATUSES, to_status="expired", actor=None
        )
        session.commit()
        raise Conflict(f"swap request {request.id} has expired")


def _is_due(request: SwapRequest, now: datetime) -> bool:
    return request.starts_at <= now or (
        request.expires_at is not None and request.expires_at <= now
    )


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("the rota changed at the same time; reload and try again") from None


def accept_request(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_id: int,
    now: datetime | None = None,
) -> SwapPublic:
    """Accept a request addressed to you, or an open offer. Commits.

    Checked by the validator with you as the taker; exactly one acceptance of
    an open offer wins (the others get ``Conflict``). With automatic approval
    the change is applied at once.
    """
    now = now or utcnow()
    request = _load_request(session, actor, cooperation_id, request_id)
    if actor.person is None:
        raise NotPermitted("only an officer linked to a person can accept a request")
    taker = actor.person
    if taker.id == request.requester_id:
        raise NotPermitted("you cannot accept your own request")
    if request.target_id is not None and taker.id != request.target_id:
        raise NotPermitted("this request is addressed to someone else")
    if request.status != "open":
        raise Conflict(f"swap request {request_id} is {request.status}")
    _expire_if_due(session, request, now)
    rota = current_for_request(session, request, now=now)
    holder = rota.person_by_id(request.requester_id)
    assert holder is not None
    taker_person = rota.people[taker.code]
    assignments = changed_assignments(rota, _change(request, holder, taker_person))
    check = rota.check(assignments)
    if not check.valid:
        raise _refuse(check, "taking this duty")
    _transition(
        session,
        request,
        from_statuses=("open",),
        to_status="accepted",
        actor=actor,
        values={"taker_id": taker.id, "zones": check.zones},
    )
    policy = get_policy(session, cooperation_id)
    if policy.approval == "automatic":
        _transition(
            session, request, from_statuses=("accepted",), to_status="approved", actor=actor
        )
        _apply(session, request, rota, assignments, actor)
    _commit(session)
    return to_public(session, request, check)


def _required_approvals(policy: SwapPolicy, request: SwapRequest) -> set[str]:
    zones = list(request.zones or [])
    if policy.each_zone and len(zones) > 1:
        return set(zones)
    return {"*"}


def approve_request(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_id: int,
    now: datetime | None = None,
) -> SwapPublic:
    """A planner approves an accepted request; when every required zone has approved it is
    re-validated and applied. Commits.

    If the re-validation fails, the request stays ``approved`` with the reasons in
    ``problems``; ``apply`` can try again once they are resolved.
    """
    now = now or utcnow()
    request = _load_request(session, actor, cooperation_id, request_id)
    actor.require_planner(cooperation_id)
    if request.status != "accepted":
        raise Conflict(
            f"swap request {request_id} is {request.status}; only accepted ones are approved"
        )
    _expire_if_due(session, request, now)
    policy = get_policy(session, cooperation_id)
    required = _required_approvals(policy, request)
    involved_zones = {
        person.zone_id: session.get(Zone, person.zone_id)
        for pid in _people_of(request)
        if (person := session.get(Person, pid))
    }
    mine = {
        zone.code for zone_id, zone in involved_zones.items() if zone and actor.plans_zone(zone_id)
    }
    if required == {"*"}:
        mine_required = {"*"} if mine or actor.is_admin else set()
    else:
        mine_required = set(required) if actor.is_admin else required & mine
    if not mine_required:
        raise NotPermitted("you do not plan a zone this swap affects")
    done = set(
        session.exec(select(SwapApproval.zone).where(SwapApproval.request_id == request.id)).all()
    )
    granting = mine_required - done
    if not granting:
        raise Conflict("your zone has already approved this request")
    try:
        for zone in sorted(granting):
            session.add(
                SwapApproval(request_id=request.id, zone=zone, approved_by_id=actor.user.id)  # type: ignore[arg-type]
            )
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("your zone has already approved this request") from None
    audit.record(
        session,
        actor=actor.user,
        action="approve",
        entity="swap_request",
        entity_id=request.id,
        cooperation_id=cooperation_id,
        after={"zones": sorted(granting)},
    )
    check = None
    if done | granting >= required:
        _transition(
            session,
            request,
            from_statuses=("accepted",),
            to_status="approved",
            actor=actor,
            values={"decided_at": utcnow(), "decided_by_id": actor.user.id},
        )
        check = _try_apply(session, request, actor, now)
    _commit(session)
    return to_public(session, request, check)


def _try_apply(session: Session, request: SwapRequest, actor: Actor, now: datetime) -> SwapCheck:
    """Re-validate and apply an approved request; on failure record why (not applied)."""
    rota = current_for_request(session, request, now=now)
    holder = rota.person_by_id(request.requester_id)
    taker = rota.person_by_id(request.taker_id)
    assert holder is not None and taker is not None
    try:
        assignments = changed_assignments(rota, _change(request, holder, taker))
    except Conflict as error:
        _record_problems(session, request, [error.detail])
        return SwapCheck(valid=False, violations=[], fairness=[], preferences=[], zones=[])
    check = rota.check(assignments)
    if check.valid:
        _apply(session, request, rota, assignments, actor)
    else:
        _record_problems(session, request, [violation.message for violation in check.violations])
    return check


def _record_problems(session: Session, request: SwapRequest, problems: list[str]) -> None:
    session.execute(
        update(SwapRequest)
        .where(col(SwapRequest.id) == request.id)
        .values(problems=problems, updated_at=utcnow())
    )
    session.refresh(request)
    _notify(session, request, "apply_failed")


def apply_request(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_id: int,
    now: datetime | None = None,
) -> SwapPublic:
    """Apply an approved request again (after its problems were resolved). Commits.

    ``Invalid`` names the rules the change would break now.
    """
    now = now or utcnow()
    request = _load_request(session, actor, cooperation_id, request_id)
    people = _people_of(request)
    if not (
        (actor.person is not None and actor.person.id in people)
        or actor.is_admin
        or actor.is_planner
    ):
        raise NotPermitted("only the people of a request or a planner may apply it")
    if request.status != "approved":
        raise Conflict(f"swap request {request_id} is {request.status}; only approved ones apply")
    _expire_if_due(session, request, now)
    rota = current_for_request(session, request, now=now)
    holder = rota.person_by_id(request.requester_id)
    taker = rota.person_by_id(request.taker_id)
    assert holder is not None and taker is not None
    assignments = changed_assignments(rota, _change(request, holder, taker))
    check = rota.check(assignments)
    if not check.valid:
        raise _refuse(check, "applying this request")
    _apply(session, request, rota, assignments, actor)
    _commit(session)
    return to_public(session, request, check)


def _apply(
    session: Session,
    request: SwapRequest,
    rota: PublishedRota,
    assignments: list[RotaAssignment],
    actor: Actor | None,
) -> RotaVersion:
    """Publish the changed rota as a new version and mark the request applied (no commit).

    The old version is superseded only if it is still the published one, so two
    changes built on the same version cannot both apply.
    """
    base = rota.version
    superseded = session.execute(
        update(RotaVersion)
        .where(col(RotaVersion.id) == base.id, col(RotaVersion.status) == "published")
        .values(status="superseded")
    ).rowcount  # type: ignore[attr-defined]
    if not superseded:
        session.rollback()
        raise Conflict("the rota changed at the same time; reload and try again")
    new_rota = revised_rota(rota.expanded, rota.rota, assignments, rota.targets)
    version = store_version(
        session,
        cooperation_id=base.cooperation_id,
        horizon_start=base.horizon_start,
        horizon_end=base.horizon_end,
        rota=new_rota,
        source="swap",
        parent_id=base.id,
        created_by_id=actor.user.id if actor else None,
    )
    publish_in_session(session, version, actor)
    _transition(
        session,
        request,
        from_statuses=("approved",),
        to_status="applied",
        actor=actor,
        values={"applied_version_id": version.id, "problems": []},
    )
    audit.record(
        session,
        actor=actor.user if actor else None,
        action="swap",
        entity="rota_version",
        entity_id=version.id,
        cooperation_id=base.cooperation_id,
        before={"version": base.id},
        after={"version": version.id, "swap_request": request.id},
    )
    return version


def _simple_transition(
    session: Session,
    actor: Actor,
    cooperation_id: int,
    request_id: int,
    *,
    to_status: str,
    from_statuses: Sequence[str],
    allowed: Callable[[SwapRequest], bool],
    refusal: str,
) -> SwapPublic:
    request = _load_request(session, actor, cooperation_id, request_id)
    if not allowed(request):
        raise NotPermitted(refusal)
    if request.status not in from_statuses:
        raise Conflict(
            f"swap request {request_id} is {request.status}; it cannot become {to_status}"
        )
    _transition(
        session,
        request,
        from_statuses=from_statuses,
        to_status=to_status,
        actor=actor,
        values={"decided_at": utcnow(), "decided_by_id": actor.user.id},
    )
    session.commit()
    return to_public(session, request)


def decline_request(
    *, session: Session, actor: Actor, cooperation_id: int, request_id: int
) -> SwapPublic:
    """The colleague a request is addressed to says no. Commits."""
    return _simple_transition(
        session,
        actor,
        cooperation_id,
        request_id,
        to_status="declined",
        from_statuses=("open",),
        allowed=lambda request: (
            request.target_id is not None and actor.is_person(request.target_id)
        ),
        refusal="only the colleague a request is addressed to may decline it",
    )


def cancel_request(
    *, session: Session, actor: Actor, cooperation_id: int, request_id: int
) -> SwapPublic:
    """The requester (or a planner of their zone) withdraws a request not yet applied. Commits."""

    def allowed(request: SwapRequest) -> bool:
        requester = session.get(Person, request.requester_id)
        return actor.is_person(request.requester_id) or (
            requester is not None and actor.plans_zone(requester.zone_id)
        )

    return _simple_transition(
        session,
        actor,
        cooperation_id,
        request_id,
        to_status="cancelled",
        from_statuses=ACTIVE_STATUSES,
        allowed=allowed,
        refusal="only the requester or a planner of their zone may cancel a request",
    )


def reject_request(
    *, session: Session, actor: Actor, cooperation_id: int, request_id: int
) -> SwapPublic:
    """A planner of a zone involved refuses an accepted (or approved, unapplied) request."""
    actor.require_planner(cooperation_id)

    def allowed(request: SwapRequest) -> bool:
        return any(
            actor.plans_zone(person.zone_id)
            for pid in _people_of(request)
            if (person := session.get(Person, pid))
        )

    return _simple_transition(
        session,
        actor,
        cooperation_id,
        request_id,
        to_status="rejected",
        from_statuses=("open", "accepted", "approved"),
        allowed=allowed,
        refusal="you do not plan a zone this swap affects",
    )


# --- Expiry ----------------------------------------------------------------------------------


def expire_requests(session: Session, now: datetime) -> list[int]:
    """Expire every active request whose expiry time passed or whose duty started. Commits.

    The periodic job calls this; each request changes by compare-and-set, so a
    request accepted at the same moment is either applied or expired, never both.
    """
    due = session.exec(
        select(SwapRequest).where(
            col(SwapRequest.status).in_(ACTIVE_STATUSES),
            or_(
                col(SwapRequest.starts_at) <= now,
                col(SwapRequest.expires_at) <= now,
            ),
        )
    ).all()
    expired = []
    for request in due:
        try:
            _transition(
                session, request, from_statuses=ACTIVE_STATUSES, to_status="expired", actor=None
            )
        except Conflict:
            continue
        session.commit()
        expired.append(request.id or 0)
    return expired

"""Rota versions: drafts from the solver, one published version per horizon, diffs, edits.

A finished generation job stores a *draft*. Publishing makes a draft the
current version for its horizon and supersedes the one before; the database
enforces one published version per cooperation and horizon. Published
versions never change: a manual edit or an applied swap publishes a new
version whose parent is the old one, so feeds and history stay consistent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid, NotFound
from scheduler.models import Assignment, Cooperation, Person, Role, RotaVersion
from scheduler.models.types import utcnow
from scheduler.services import feeds
from scheduler.services.common import get_scoped, page
from solver import split
from solver.revise import preference_violations, revised_rota
from solver.rota import Assignment as RotaAssignment
from solver.rota import Rota
from solver.scenario import Scenario, ShiftPerson
from solver.shifts import ExpandedScenario, expand


class VersionSummary(BaseModel):
    id: int
    cooperation_id: int
    horizon_start: date
    horizon_end: date
    status: str
    source: str
    parent_id: int | None
    created_at: datetime
    published_at: datetime | None
    solver_status: str | None
    duties: int
    uncovered: int


class DutyPublic(BaseModel):
    shift: str
    role: str
    start: datetime
    end: datetime
    person: str
    person_name: str
    zone: str
    load: float
    fixed: bool


class VersionPublic(VersionSummary):
    duties_shown: list[DutyPublic]
    objective: dict[str, Any]
    explanation: list[str]
    uncovered_shifts: list[dict[str, Any]]


class DutyChange(BaseModel):
    shift: str
    role: str
    start: datetime
    before: list[str]
    after: list[str]


class Diff(BaseModel):
    base: int
    other: int
    changes: list[DutyChange]
    count: int


class DutyEdit(BaseModel):
    """One manual change to a duty: pin a person to a shift, reassign it, or clear it."""

    action: Literal["pin", "reassign", "clear"]
    shift: str
    person: str | None = Field(default=None, description="The person taking the shift (code).")
    replaces: str | None = Field(
        default=None, description="For a shift with several people: the person being replaced."
    )


class EditResult(BaseModel):
    version: VersionSummary
    warnings: list[str]


class OnCallDuty(BaseModel):
    shift: str
    start: datetime
    end: datetime
    person: str
    name: str
    zone: str
    phone: str | None
    email: str | None


class OnCallRole(BaseModel):
    role: str
    now: list[OnCallDuty]
    next: list[OnCallDuty]


class OnCall(BaseModel):
    at: datetime
    roles: list[OnCallRole]


# --- Storing and reading versions ------------------------------------------------------------


def summary(version: RotaVersion, duties: int | None = None) -> VersionSummary:
    rota = version.rota or {}
    return VersionSummary(
        id=version.id or 0,
        cooperation_id=version.cooperation_id,
        horizon_start=version.horizon_start,
        horizon_end=version.horizon_end,
        status=version.status,
        source=version.source,
        parent_id=version.parent_id,
        created_at=version.created_at,
        published_at=version.published_at,
        solver_status=rota.get("status"),
        duties=len(rota.get("assignments", [])) if duties is None else duties,
        uncovered=len(rota.get("uncovered", [])),
    )


def _people_by_code(session: Session, cooperation_id: int) -> dict[str, Person]:
    return {
        person.code: person
        for person in session.exec(select(Person).where(Person.cooperation_id == cooperation_id))
    }


def store_version(
    session: Session,
    *,
    cooperation_id: int,
    horizon_start: date,
    horizon_end: date,
    rota: Rota,
    source: str,
    status: str = "draft",
    parent_id: int | None = None,
    created_by_id: int | None = None,
) -> RotaVersion:
    """Add a version with its duties to the session (flushes; the caller commits)."""
    version = RotaVersion(
        cooperation_id=cooperation_id,
        horizon_start=horizon_start,
        horizon_end=horizon_end,
        status=status,
        source=source,
        rota=rota.model_dump(mode="json"),
        parent_id=parent_id,
        created_by_id=created_by_id,
    )
    session.add(version)
    session.flush()
    _add_duties(session, version, rota)
    return version


def _add_duties(session: Session, version: RotaVersion, rota: Rota) -> None:
    people = _people_by_code(session, version.cooperation_id)
    for duty in rota.assignments:
        person = people.get(duty.person)
        if person is None:
            raise Conflict(f"person '{duty.person}' of the rota no longer exists")
        session.add(
            Assignment(
                version_id=version.id,  # type: ignore[arg-type]
                shift=duty.shift,
                role=duty.role,
                person_id=person.id,  # type: ignore[arg-type]
                zone=duty.zone,
                start=duty.start,
                end=duty.end,
                load=duty.load,
                fixed=duty.fixed,
            )
        )
    session.flush()


def get_version(
    *, session: Session, actor: Actor, cooperation_id: int, version_id: int
) -> RotaVersion:
    actor.require_read(cooperation_id)
    return get_scoped(session, RotaVersion, version_id, cooperation_id)


def list_versions(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[RotaVersion], int]:
    actor.require_read(cooperation_id)
    query = select(RotaVersion).where(RotaVersion.cooperation_id == cooperation_id)
    if status is not None:
        query = query.where(RotaVersion.status == status)
    return page(session, query, offset=offset, limit=limit)


def version_duties(
    session: Session,
    version: RotaVersion,
    *,
    role: str | None = None,
    zone: str | None = None,
    person: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[DutyPublic]:
    """The duties of a version, filtered; ``start``/``end`` select duties overlapping them."""
    query = (
        select(Assignment, Person)
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .where(Assignment.version_id == version.id)
    )
    if role is not None:
        query = query.where(Assignment.role == role)
    if zone is not None:
        query = query.where(Assignment.zone == zone)
    if person is not None:
        query = query.where(Person.code == person)
    cooperation = session.get(Cooperation, version.cooperation_id)
    assert cooperation is not None
    if start is not None:
        query = query.where(col(Assignment.end) > local_instant(cooperation, start))
    if end is not None:
        query = query.where(col(Assignment.start) < local_instant(cooperation, end))
    query = query.order_by(col(Assignment.start), col(Assignment.shift), col(Person.code))
    return [
        DutyPublic(
            shift=duty.shift,
            role=duty.role,
            start=duty.start,
            end=duty.end,
            person=who.code,
            person_name=who.name,
            zone=duty.zone,
            load=duty.load,
            fixed=duty.fixed,
        )
        for duty, who in session.exec(query).all()
    ]


def to_public(session: Session, version: RotaVersion, duties: list[DutyPublic]) -> VersionPublic:
    rota = version.rota or {}
    return VersionPublic(
        **summary(version).model_dump(),
        duties_shown=duties,
        objective=rota.get("objective", {}),
        explanation=rota.get("explanation", []),
        uncovered_shifts=rota.get("uncovered", []),
    )


# --- Publishing ------------------------------------------------------------------------------


def publish_version(
    *, session: Session, actor: Actor, cooperation_id: int, version_id: int
) -> RotaVersion:
    """Make a draft the published version of its horizon; the old one is superseded. Commits."""
    version = get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    actor.require_planner(cooperation_id)
    if version.status != "draft":
        raise Conflict(f"version {version_id} is {version.status}; only drafts can be published")
    if (version.rota or {}).get("status") in ("INFEASIBLE", "UNKNOWN", "INVALID"):
        raise Conflict(f"version {version_id} holds no feasible rota")
    try:
        publish_in_session(session, version, actor)
        session.commit()
    except IntegrityError:
        # Another publish for this horizon committed first; the database kept one.
        session.rollback()
        raise Conflict(
            f"another version was published for {version.horizon_start} → "
            f"{version.horizon_end} at the same time; reload and try again"
        ) from None
    return version


def publish_in_session(session: Session, version: RotaVersion, actor: Actor | None) -> None:
    """Publish ``version`` in the session's transaction, superseding its horizon's current one."""
    current = session.exec(
        select(RotaVersion).where(
            RotaVersion.cooperation_id == version.cooperation_id,
            RotaVersion.horizon_start == version.horizon_start,
            RotaVersion.horizon_end == version.horizon_end,
            RotaVersion.status == "published",
        )
    ).first()
    if current is not None:
        current.status = "superseded"
        session.add(current)
        session.flush()
    version.status = "published"
    version.published_at = utcnow()
    version.published_by_id = actor.user.id if actor else None
    session.add(version)
    session.flush()
    feeds.mark_stale(session, version.cooperation_id)
    audit.record(
        session,
        actor=actor.user if actor else None,
        action="publish",
        entity="rota_version",
        entity_id=version.id,
        cooperation_id=version.cooperation_id,
        before={"superseded": current.id if current else None},
        after={"published": version.id},
    )


# --- Diff ------------------------------------------------------------------------------------


def _people_per_shift(
    session: Session, version_id: int
) -> dict[str, tuple[str, datetime, set[str]]]:
    rows = session.exec(
        select(Assignment.shift, Assignment.role, Assignment.start, Person.code)
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .where(Assignment.version_id == version_id)
    ).all()
    shifts: dict[str, tuple[str, datetime, set[str]]] = {}
    for shift, role, start, code in rows:
        shifts.setdefault(shift, (role, start, set()))[2].add(code)
    return shifts


def diff_versions(
    *, session: Session, actor: Actor, cooperation_id: int, base_id: int, other_id: int
) -> Diff:
    """The duties that differ between two versions, shift by shift."""
    get_version(session=session, actor=actor, cooperation_id=cooperation_id, version_id=base_id)
    get_version(session=session, actor=actor, cooperation_id=cooperation_id, version_id=other_id)
    before = _people_per_shift(session, base_id)
    after = _people_per_shift(session, other_id)
    changes = []
    for shift in before.keys() | after.keys():
        old = before.get(shift, ("", datetime.min, set()))
        new = after.get(shift, ("", datetime.min, set()))
        if old[2] != new[2]:
            role, start, _ = old if shift in before else new
            changes.append(
                DutyChange(
                    shift=shift, role=role, start=start, before=sorted(old[2]), after=sorted(new[2])
                )
            )
    changes.sort(key=lambda change: (change.start, change.shift))
    return Diff(base=base_id, other=other_id, changes=changes, count=len(changes))


# --- Manual edits ----------------------------------------------------------------------------


def edit_version(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    version_id: int,
    edit: DutyEdit,
) -> EditResult:
    """Pin, reassign or clear one duty, checked by the independent validator. Commits.

    A draft changes in place; a published version is superseded by a new
    published version. Any hard-rule violation refuses the edit with the rules
    named; soft effects come back as warnings.
    """
    version = get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    actor.require_planner(cooperation_id)
    if version.status == "superseded":
        raise Conflict(f"version {version_id} is superseded; edit the published version")
    rota = Rota.model_validate(version.rota)
    scenario = generation_scenario(
        session,
        cooperation_id=cooperation_id,
        start=version.horizon_start,
        end=version.horizon_end,
        now=utcnow(),
    )
    expanded = expand(scenario)
    shift = expanded.by_id.get(edit.shift)
    if shift is None:
        raise Invalid(
            f"no shift '{edit.shift}' in this horizon",
            fields=[FieldProblem("shift", f"no shift '{edit.shift}' in this horizon")],
        )
    duties = [duty for duty in rota.assignments if duty.shift == edit.shift]
    others = [duty for duty in rota.assignments if duty.shift != edit.shift]
    person = None
    if edit.action in ("pin", "reassign"):
        if edit.person is None:
            raise Invalid("person is required", fields=[FieldProblem("person", "required")])
        try:
            person = scenario.person(edit.person)
        except KeyError:
            raise Invalid(
                f"unknown person '{edit.person}'",
                fields=[FieldProblem("person", f"unknown person '{edit.person}'")],
            ) from None
    if edit.action == "clear":
        kept = [duty for duty in duties if edit.person is not None and duty.person != edit.person]
        if len(kept) == len(duties):
            raise Invalid(f"nobody to clear on {edit.shift}")
        duties = kept
    else:
        assert person is not None
        replaced = edit.replaces or (duties[0].person if len(duties) == 1 else None)
        if edit.action == "reassign" and replaced is None and len(duties) > 1:
            raise Invalid(
                "this shift has several people: say who is replaced",
                fields=[FieldProblem("replaces", "required for a shift with several people")],
            )
        duties = [duty for duty in duties if duty.person != replaced]
        duties = [duty for duty in duties if duty.person != person.id]
        duties.append(
            RotaAssignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=person.id,
                zone=person.zone,
                load=shift.load,
                fixed=edit.action == "pin",
            )
        )
    assignments = sorted(others + duties, key=lambda duty: (duty.start, duty.shift, duty.person))
    pins = [ShiftPerson(shift=duty.shift, person=duty.person) for duty in assignments if duty.fixed]
    checked = ExpandedScenario(
        scenario=scenario.model_copy(update={"fixed": pins}), shifts=expanded.shifts
    )
    violations = split.validate(checked, assignments, uncovered_allowed=True)
    if violations:
        raise Invalid(
            "the edit breaks " + "; ".join(violation.message for violation in violations),
            fields=[FieldProblem(violation.rule, violation.message) for violation in violations],
        )
    warnings = [
        f"{violation.person} asked to avoid duties then (weight {violation.weight:g})"
        for violation in preference_violations(expanded, assignments)
        if violation.shift == shift.id
    ]
    new_rota = revised_rota(expanded, rota, assignments)
    before = summary(version).model_dump(mode="json")
    if version.status == "draft":
        session.execute(delete(Assignment).where(col(Assignment.version_id) == version.id))
        version.rota = new_rota.model_dump(mode="json")
        version.source = "edit"
        session.add(version)
        _add_duties(session, version, new_rota)
        result = version
    else:
        result = store_version(
            session,
            cooperation_id=cooperation_id,
            horizon_start=version.horizon_start,
            horizon_end=version.horizon_end,
            rota=new_rota,
            source="edit",
            parent_id=version.id,
            created_by_id=actor.user.id,
        )
        publish_in_session(session, result, actor)
    audit.record(
        session,
        actor=actor.user,
        action="edit",
        entity="rota_version",
        entity_id=result.id,
        cooperation_id=cooperation_id,
        before=before,
        after={"edit": edit.model_dump(mode="json"), "version": result.id},
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("the rota changed at the same time; reload and try again") from None
    return EditResult(version=summary(result), warnings=warnings)


# --- Who is on call --------------------------------------------------------------------------


def local_instant(cooperation: Cooperation, moment: datetime) -> datetime:
    """``moment`` as an aware instant; a time without offset is local to the cooperation."""
    if moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo(cooperation.timezone))


def on_call(
    *, session: Session, actor: Actor, cooperation_id: int, at: datetime | None = None
) -> OnCall:
    """Per role, who is on duty at ``at`` (default now; half-open, so a handover instant
    belongs to the new duty) and who takes over next, from the published versions."""
    actor.require_read(cooperation_id)
    cooperation = session.get(Cooperation, cooperation_id)
    if cooperation is None:
        raise NotFound(f"cooperation {cooperation_id} not found")
    at = utcnow() if at is None else local_instant(cooperation, at)
    published = select(RotaVersion.id).where(
        RotaVersion.cooperation_id == cooperation_id, RotaVersion.status == "published"
    )
    current = session.exec(
        select(Assignment, Person)
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .where(
            col(Assignment.version_id).in_(published),
            col(Assignment.start) <= at,
            col(Assignment.end) > at,
        )
        .order_by(col(Assignment.role), col(Assignment.start), col(Person.code))
    ).all()
    # Per role, only the duties of the first start after ``at``: no scan of the whole future.
    first_starts = (
        select(Assignment.role, func.min(Assignment.start).label("first"))
        .where(col(Assignment.version_id).in_(published), col(Assignment.start) > at)
        .group_by(col(Assignment.role))
        .subquery()
    )
    upcoming = session.exec(
        select(Assignment, Person)
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .join(
            first_starts,
            (first_starts.c.role == col(Assignment.role))
            & (first_starts.c.first == col(Assignment.start)),
        )
        .where(col(Assignment.version_id).in_(published))
        .order_by(col(Assignment.role), col(Person.code))
    ).all()

    roles = list(
        session.exec(
            select(Role.code)
            .where(Role.cooperation_id == cooperation_id)
            .order_by(col(Role.position), col(Role.id))
        ).all()
    )
    now_by_role: dict[str, list[OnCallDuty]] = defaultdict(list)
    for duty, person in current:
        now_by_role[duty.role].append(_on_call_duty(duty, person))
    next_by_role: dict[str, list[OnCallDuty]] = defaultdict(list)
    for duty, person in upcoming:
        next_by_role[duty.role].append(_on_call_duty(duty, person))
    return OnCall(
        at=at,
        roles=[
            OnCallRole(role=code, now=now_by_role[code], next=next_by_role[code]) for code in roles
        ],
    )


def _on_call_duty(duty: Assignment, person: Person) -> OnCallDuty:
    return OnCallDuty(
        shift=duty.shift,
        start=duty.start,
        end=duty.end,
        person=person.code,
        name=person.name,
        zone=duty.zone,
        phone=person.phone,
        email=person.email,
    )


# --- Scenarios for generation ----------------------------------------------------------------


def generation_scenario(
    session: Session,
    *,
    cooperation_id: int,
    start: date,
    end: date,
    roles: list[str] | None = None,
    replan: bool = False,
    frozen_days: int = 7,
    now: datetime,
    time_limit: float | None = None,
) -> Scenario:
    """The scenario a generation job solves, built from the database.

    On top of the planning data: the loads of published duties before the
    horizon join ``history.load`` (so fairness holds across horizons) and the
    recent ones join ``history.duties`` (so rest and gap rules hold across the
    boundary). Without ``replan`` the published rota of the horizon is ignored;
    with it, duties that started before ``now + frozen_days`` are pinned and
    the rest is solved to stay close to it.
    """
    from scheduler.services.scenarios import export_scenario

    scenario = export_scenario(session=session, cooperation_id=cooperation_id, start=start, end=end)
    if roles is not None:
        scenario = _only_roles(scenario, set(roles))
    horizon_start = scenario.instant(start)
    people = {
        person.id: person.code
        for person in session.exec(select(Person).where(Person.cooperation_id == cooperation_id))
    }
    role_codes = {role.id for role in scenario.roles}
    past = session.exec(
        select(Assignment)
        .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
        .where(
            RotaVersion.cooperation_id == cooperation_id,
            RotaVersion.status == "published",
            col(Assignment.start) < horizon_start,
        )
    ).all()
    person_loads: dict[str, dict[str, float]] = {
        code: dict(loads) for code, loads in scenario.history.load.people.items()
    }
    zone_loads: dict[str, dict[str, float]] = {
        code: dict(loads) for code, loads in scenario.history.load.zones.items()
    }
    history_duties = list(scenario.history.duties)
    lookback = horizon_start - timedelta(days=_lookback_days(scenario))
    from solver.scenario import HistoryDuty

    for duty in past:
        if duty.role not in role_codes:
            continue
        code = people[duty.person_id]
        person_loads.setdefault(code, {})
        person_loads[code][duty.role] = person_loads[code].get(duty.role, 0) + duty.load
        zone_loads.setdefault(duty.zone, {})
        zone_loads[duty.zone][duty.role] = zone_loads[duty.zone].get(duty.role, 0) + duty.load
        if duty.end > lookback:
            history_duties.append(
                HistoryDuty(role=duty.role, person=code, start=duty.start, end=duty.end)
            )
    history = scenario.history.model_copy(
        update={
            "load": scenario.history.load.model_copy(
                update={"people": person_loads, "zones": zone_loads}
            ),
            "duties": history_duties,
        }
    )
    update: dict[str, Any] = {"history": history}
    if replan:
        frozen_until = now + timedelta(days=frozen_days)
        expanded = expand(scenario)
        pinned = {(pin.shift, pin.person) for pin in scenario.fixed}
        fixed = list(scenario.fixed)
        for pin in scenario.previous:
            shift = expanded.by_id.get(pin.shift)
            started_soon = shift is not None and shift.start < frozen_until
            if started_soon and (pin.shift, pin.person) not in pinned:
                fixed.append(pin)
        update["fixed"] = fixed
        priorities = list(scenario.objective.priorities)
        if "stability" not in priorities:
            # Re-planning means staying close to the published rota right after coverage.
            priorities.insert(1 if priorities[:1] == ["coverage"] else 0, "stability")
        update["objective"] = scenario.objective.model_copy(update={"priorities": priorities})
    else:
        update["previous"] = []
    if time_limit is not None:
        update["solver"] = scenario.solver.model_copy(update={"time_limit": time_limit})
    return scenario.model_copy(update=update)


def _lookback_days(scenario: Scenario) -> int:
    """How far back published duties still matter for the rules (rest, gaps, windows)."""
    days = 14
    for role in scenario.roles:
        if role.min_gap is not None:
            days = max(days, role.min_gap.days + 15)
        for limit in role.max_duties:
            days = max(days, limit.window.days + 1)
    if scenario.rules.weekends is not None:
        days = max(days, scenario.rules.weekends.window * 7 + 7)
    return days


def _only_roles(scenario: Scenario, roles: set[str]) -> Scenario:
    """Plan only ``roles``: the other roles keep their published duties as pins.

    Pinning (rather than dropping) the other roles keeps every cross-role rule
    (rest, one duty at a time, weekends) in force and gives a complete version
    to publish. Without a published rota for the horizon there is nothing to
    keep, so the other roles are left out of the plan.
    """

    def planned(shift_id: str) -> bool:
        return shift_id.split("@", 1)[0] in roles

    if scenario.previous:
        kept = {(pin.shift, pin.person) for pin in scenario.fixed}
        extra = [
            pin
            for pin in scenario.previous
            if not planned(pin.shift) and (pin.shift, pin.person) not in kept
        ]
        return scenario.model_copy(update={"fixed": [*scenario.fixed, *extra]})
    history = scenario.history
    return scenario.model_copy(
        update={
            "roles": [role for role in scenario.roles if role.id in roles],
            "fixed": [pin for pin in scenario.fixed if planned(pin.shift)],
            "shift_overrides": [
                override for override in scenario.shift_overrides if planned(override.shift)
            ],
            "history": history.model_copy(
                update={
                    "load": history.load.model_copy(
                        update={
                            "people": {
                                person: {r: v for r, v in loads.items() if r in roles}
                                for person, loads in history.load.people.items()
                            },
                            "zones": {
                                zone: {r: v for r, v in loads.items() if r in roles}
                                for zone, loads in history.load.zones.items()
                            },
                        }
                    ),
                    "duties": [duty for duty in history.duties if duty.role in roles],
                }
            ),
        }
    )

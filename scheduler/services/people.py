"""People: who can be planned, in which zone, with which qualifications and contacts.

Everyone in the cooperation reads people (officers need colleagues' contacts to
arrange swaps); only planners of a person's zone write them, and moving a person
to another zone needs the planner of both zones.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid, NotPermitted
from scheduler.models import Assignment, Person, Zone
from scheduler.models.planning import PersonCreate, PersonPublic, PersonUpdate
from scheduler.services.common import (
    conflict_on_integrity_error,
    get_scoped,
    page,
    rows_by_code,
    validate_as,
)
from scheduler.services.cooperations import get_cooperation


def zone_codes(session: Session, cooperation_id: int) -> dict[int, str]:
    rows = session.exec(
        select(Zone.id, Zone.code).where(Zone.cooperation_id == cooperation_id)
    ).all()
    return {zone_id: code for zone_id, code in rows if zone_id is not None}


def person_codes(session: Session, cooperation_id: int) -> dict[int, str]:
    rows = session.exec(
        select(Person.id, Person.code).where(Person.cooperation_id == cooperation_id)
    ).all()
    return {person_id: code for person_id, code in rows if person_id is not None}


def to_public(session: Session, rows: list[Person]) -> list[PersonPublic]:
    if not rows:
        return []
    zones = zone_codes(session, rows[0].cooperation_id)
    return [
        PersonPublic.model_validate(row.model_dump() | {"zone": zones[row.zone_id]}) for row in rows
    ]


def snapshot(session: Session, row: Person) -> dict[str, Any]:
    """The audit form of a person: the public form, with the zone code."""
    return to_public(session, [row])[0].model_dump(mode="json")


def _join(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if prefix else field


def unknown(kind: str, code: str, field: str) -> Invalid:
    """The error for a code that names nothing in the cooperation."""
    message = f"unknown {kind} '{code}'"
    return Invalid(f"{field}: {message}", fields=[FieldProblem(field, message)])


def find_person(session: Session, cooperation_id: int, code: str, *, field: str) -> Person:
    """The person with ``code``, or ``Invalid`` naming ``field`` (a reference in a body)."""
    row = session.exec(
        select(Person).where(Person.cooperation_id == cooperation_id, Person.code == code)
    ).first()
    if row is None:
        raise unknown("person", code, field)
    return row


def owner(session: Session, row: Any) -> Person:
    """The person a personal row (absence, preference, pin, history) belongs to."""
    person = session.get(Person, row.person_id)
    assert person is not None  # the foreign key guarantees it
    return person


def sees_everyone(actor: Actor, cooperation_id: int) -> bool:
    """Planners of any zone of the cooperation (they plan across zones) and admins see
    everyone's personal rows; an officer sees only their own."""
    return actor.is_admin or (actor.is_planner and cooperation_id in actor.cooperation_ids)


def require_personal_read(actor: Actor, cooperation_id: int, person_id: int, what: str) -> None:
    actor.require_read(cooperation_id)
    if not sees_everyone(actor, cooperation_id) and not actor.is_person(person_id):
        raise NotPermitted(f"you may only see your own {what}")


def require_personal_write(
    actor: Actor, person: Person, what: str, *, own_allowed: bool = False
) -> None:
    """Planners of the person's zone write a person's rows; with ``own_allowed`` the person
    themself too."""
    assert person.id is not None
    actor.require_read(person.cooperation_id)
    if own_allowed and actor.is_person(person.id):
        return
    actor.require_zone_planner(person.cooperation_id, person.zone_id, f"{what} of {person.code}")


def list_people(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    offset: int,
    limit: int,
    zone: str | None = None,
    qualification: str | None = None,
    q: str | None = None,
) -> tuple[list[Person], int]:
    """People of the cooperation, filtered by zone code, a qualification, or a part of
    their name or code (case-insensitive)."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    query = select(Person).where(Person.cooperation_id == cooperation_id)
    if zone is not None:
        zones = rows_by_code(session, Zone, cooperation_id)
        if zone not in zones:
            raise unknown("zone", zone, "zone")
        query = query.where(Person.zone_id == zones[zone].id)
    if qualification is not None:
        # Qualifications are a JSON list; its text holds each code in double quotes.
        query = query.where(
            cast(col(Person.qualifications), String).contains(f'"{qualification}"', autoescape=True)
        )
    if q:
        needle = q.lower()
        query = query.where(
            func.lower(col(Person.name)).contains(needle, autoescape=True)
            | func.lower(col(Person.code)).contains(needle, autoescape=True)
        )
    return page(session, query, offset=offset, limit=limit)


def get_person(*, session: Session, actor: Actor, cooperation_id: int, person_id: int) -> Person:
    actor.require_read(cooperation_id)
    return get_scoped(session, Person, person_id, cooperation_id)


def _ensure_code_free(
    session: Session, cooperation_id: int, code: str, person_id: int | None
) -> None:
    clash = session.exec(
        select(Person.id).where(Person.cooperation_id == cooperation_id, Person.code == code)
    ).first()
    if clash is not None and clash != person_id:
        raise Conflict(f"person '{code}' already exists in this cooperation")


def _zone_for(session: Session, cooperation_id: int, code: str, *, field: str) -> Zone:
    zone = rows_by_code(session, Zone, cooperation_id).get(code)
    if zone is None:
        raise unknown("zone", code, field)
    return zone


def add_person(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    person_in: PersonCreate,
    prefix: str = "",
) -> Person:
    """Add a new person to the session and the audit log; the caller commits. ``prefix``
    names the body's place in a larger request (``rows[3]``) in errors."""
    actor.require_planner(cooperation_id)
    zone = _zone_for(session, cooperation_id, person_in.zone, field=_join(prefix, "zone"))
    assert zone.id is not None
    actor.require_zone_planner(cooperation_id, zone.id, f"zone {zone.code}")
    _ensure_code_free(session, cooperation_id, person_in.code, None)
    row = Person(
        cooperation_id=cooperation_id,
        zone_id=zone.id,
        **person_in.model_dump(exclude={"zone"}),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity="person",
        entity_id=row.id,
        cooperation_id=cooperation_id,
        after=snapshot(session, row),
    )
    return row


def create_person(
    *, session: Session, actor: Actor, cooperation_id: int, person_in: PersonCreate
) -> Person:
    """Planners of the person's zone add people. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    with conflict_on_integrity_error(session, f"person '{person_in.code}' already exists"):
        row = add_person(
            session=session, actor=actor, cooperation_id=cooperation_id, person_in=person_in
        )
        session.commit()
    return row


def change_person(
    *, session: Session, actor: Actor, row: Person, changes: dict[str, Any], prefix: str = ""
) -> Person:
    """Apply ``changes`` (public field names) to ``row`` and audit them; the caller commits.

    The merged person is validated as a whole, so a change cannot leave it inconsistent
    (e.g. an ``active_end`` before the ``active_start`` it keeps)."""
    cooperation_id = row.cooperation_id
    assert row.id is not None
    actor.require_zone_planner(cooperation_id, row.zone_id, f"person {row.code}")
    before = snapshot(session, row)
    merged = validate_as(PersonCreate, before | changes, prefix=prefix)
    zone = _zone_for(session, cooperation_id, merged.zone, field=_join(prefix, "zone"))
    assert zone.id is not None
    if zone.id != row.zone_id:
        # Moving someone hands them to another zone's planners: both must agree.
        actor.require_zone_planner(cooperation_id, zone.id, f"zone {zone.code}")
    _ensure_code_free(session, cooperation_id, merged.code, row.id)
    for field, value in merged.model_dump(exclude={"zone"}).items():
        setattr(row, field, value)
    row.zone_id = zone.id
    session.add(row)
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity="person",
        entity_id=row.id,
        cooperation_id=cooperation_id,
        before=before,
        after=snapshot(session, row),
    )
    return row


def update_person(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    person_id: int,
    person_in: PersonUpdate,
) -> Person:
    """Planners of the person's zone edit them. Commits."""
    row = get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    changes = person_in.model_dump(mode="json", exclude_unset=True)
    with conflict_on_integrity_error(session, f"person '{changes.get('code')}' already exists"):
        change_person(session=session, actor=actor, row=row, changes=changes)
        session.commit()
    return row


def delete_person(*, session: Session, actor: Actor, cooperation_id: int, person_id: int) -> None:
    """Planners of the person's zone delete them with their absences, preferences, pins and
    history. Someone with duties in a rota version gives ``Conflict``: rotas are kept whole,
    so end their ``active_end`` instead. Commits."""
    row = get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    actor.require_zone_planner(cooperation_id, row.zone_id, f"person {row.code}")
    if session.exec(select(Assignment.id).where(Assignment.person_id == person_id)).first():
        raise Conflict(
            f"person {row.code} has duties in a rota; set active_end instead of deleting"
        )
    before = snapshot(session, row)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity="person",
        entity_id=person_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    with conflict_on_integrity_error(session, f"person {row.code} is still referenced"):
        session.commit()

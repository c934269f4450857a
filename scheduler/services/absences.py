"""Absences: periods a person cannot be planned (leave, training, sick leave).

Reasons can be private, so an officer sees only their own absences; planners of
every zone of the cooperation see all (planning is shared across zones); only
planners of the person's zone write them. Bounds are local wall-clock times of
the cooperation; bare dates mean whole days (stored as local midnight with
``whole_days``), and the API gives dates back for those.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import NotPermitted
from scheduler.models import Absence
from scheduler.models.planning import (
    AbsenceCreate,
    AbsencePublic,
    AbsenceUpdate,
    local_datetime,
    span_columns,
    span_values,
)
from scheduler.services.common import get_scoped, page, validate_as
from scheduler.services.cooperations import get_cooperation
from scheduler.services.people import (
    find_person,
    owner,
    person_codes,
    require_personal_read,
    require_personal_write,
    sees_everyone,
)

ENTITY = "absence"


def to_public(session: Session, rows: list[Absence]) -> list[AbsencePublic]:
    if not rows:
        return []
    people = person_codes(session, rows[0].cooperation_id)
    return [
        AbsencePublic.model_validate(
            row.model_dump(exclude={"start", "end"})
            | span_values(row.start, row.end, row.whole_days)
            | {"person": people[row.person_id]}
        )
        for row in rows
    ]


def snapshot(session: Session, row: Absence) -> dict[str, Any]:
    return to_public(session, [row])[0].model_dump(mode="json")


def list_absences(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    offset: int,
    limit: int,
    person: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> tuple[list[Absence], int]:
    """Absences of a person or of everyone the actor may see, optionally only those that
    overlap ``[start, end)``."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    query = select(Absence).where(Absence.cooperation_id == cooperation_id)
    if person is not None:
        row = find_person(session, cooperation_id, person, field="person")
        assert row.id is not None
        require_personal_read(actor, cooperation_id, row.id, "absences")
        query = query.where(Absence.person_id == row.id)
    elif not sees_everyone(actor, cooperation_id):
        if actor.person is None:
            raise NotPermitted("you may only see your own absences")
        query = query.where(Absence.person_id == actor.person.id)
    if start is not None:
        query = query.where(col(Absence.end) > local_datetime(start))
    if end is not None:
        query = query.where(col(Absence.start) < local_datetime(end))
    return page(session, query, offset=offset, limit=limit)


def get_absence(*, session: Session, actor: Actor, cooperation_id: int, absence_id: int) -> Absence:
    actor.require_read(cooperation_id)
    row = get_scoped(session, Absence, absence_id, cooperation_id)
    require_personal_read(actor, cooperation_id, row.person_id, "absences")
    return row


def add_absence(
    *, session: Session, actor: Actor, cooperation_id: int, absence_in: AbsenceCreate
) -> Absence:
    """Add an absence to the session and the audit log; the caller commits."""
    person = find_person(session, cooperation_id, absence_in.person, field="person")
    require_personal_write(actor, person, "absences")
    row = Absence(
        cooperation_id=cooperation_id,
        person_id=person.id,  # type: ignore[arg-type]
        reason=absence_in.reason,
        **span_columns(absence_in),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity=ENTITY,
        entity_id=row.id,
        cooperation_id=cooperation_id,
        after=snapshot(session, row),
    )
    return row


def create_absence(
    *, session: Session, actor: Actor, cooperation_id: int, absence_in: AbsenceCreate
) -> Absence:
    """Planners of the person's zone record absences. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    row = add_absence(
        session=session, actor=actor, cooperation_id=cooperation_id, absence_in=absence_in
    )
    session.commit()
    return row


def update_absence(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    absence_id: int,
    absence_in: AbsenceUpdate,
) -> Absence:
    """Planners of the person's zone (of both zones when it moves to someone else) edit
    absences; the result is validated whole. Commits."""
    row = get_absence(
        session=session, actor=actor, cooperation_id=cooperation_id, absence_id=absence_id
    )
    before = snapshot(session, row)
    require_personal_write(actor, owner(session, row), "absences")
    merged = validate_as(
        AbsenceCreate, before | absence_in.model_dump(mode="json", exclude_unset=True)
    )
    person = find_person(session, cooperation_id, merged.person, field="person")
    require_personal_write(actor, person, "absences")
    row.person_id = person.id  # type: ignore[assignment]
    row.reason = merged.reason
    for field, value in span_columns(merged).items():
        setattr(row, field, value)
    session.add(row)
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity=ENTITY,
        entity_id=row.id,
        cooperation_id=cooperation_id,
        before=before,
        after=snapshot(session, row),
    )
    session.commit()
    return row


def delete_absence(*, session: Session, actor: Actor, cooperation_id: int, absence_id: int) -> None:
    """Planners of the person's zone delete absences. Commits."""
    row = get_absence(
        session=session, actor=actor, cooperation_id=cooperation_id, absence_id=absence_id
    )
    before = snapshot(session, row)
    require_personal_write(actor, owner(session, row), "absences")
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity=ENTITY,
        entity_id=absence_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    session.commit()

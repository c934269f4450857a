"""Cooperations: groups of zones that share permanence roles, with their rules."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, NotFound
from scheduler.models import Cooperation, Zone
from scheduler.models.planning import CooperationCreate, CooperationPublic, CooperationUpdate
from scheduler.models.types import utcnow
from scheduler.services.common import page


def to_public(row: Cooperation) -> CooperationPublic:
    return CooperationPublic.model_validate(row, from_attributes=True)


def get_cooperation(*, session: Session, actor: Actor, cooperation_id: int) -> Cooperation:
    actor.require_read(cooperation_id)
    row = session.get(Cooperation, cooperation_id)
    if row is None:
        raise NotFound(f"cooperation {cooperation_id} not found")
    return row


def list_cooperations(
    *, session: Session, actor: Actor, offset: int, limit: int
) -> tuple[list[Cooperation], int]:
    query = select(Cooperation)
    if not actor.is_admin:
        query = query.where(col(Cooperation.id).in_(actor.cooperation_ids))
    return page(session, query, offset=offset, limit=limit)


def create_cooperation(
    *, session: Session, actor: Actor | None, cooperation_in: CooperationCreate
) -> Cooperation:
    """Admins create cooperations (``actor`` None: the command line). Commits."""
    if actor is not None:
        actor.require_admin()
    if session.exec(select(Cooperation).where(Cooperation.slug == cooperation_in.slug)).first():
        raise Conflict(f"a cooperation with slug '{cooperation_in.slug}' already exists")
    row = Cooperation.model_validate(cooperation_in.model_dump(mode="json"))
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.user if actor else None,
        action="create",
        entity="cooperation",
        entity_id=row.id,
        cooperation_id=row.id,
        after=audit.snapshot(row),
    )
    session.commit()
    return row


def update_cooperation(
    *, session: Session, actor: Actor, cooperation_id: int, cooperation_in: CooperationUpdate
) -> Cooperation:
    """Planners of the cooperation edit its shared rules; commits."""
    row = get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    before = audit.snapshot(row)
    for field, value in cooperation_in.model_dump(mode="json", exclude_unset=True).items():
        if value is None:
            continue
        setattr(row, field, value)
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity="cooperation",
        entity_id=row.id,
        cooperation_id=row.id,
        before=before,
        after=audit.snapshot(row),
    )
    session.commit()
    return row


def delete_cooperation(*, session: Session, actor: Actor, cooperation_id: int) -> None:
    """Admins delete an empty cooperation; one with zones gives ``Conflict``. Commits."""
    row = get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_admin()
    if session.exec(select(Zone.id).where(Zone.cooperation_id == cooperation_id)).first():
        raise Conflict(f"cooperation {cooperation_id} still has zones; delete them first")
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity="cooperation",
        entity_id=cooperation_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"cooperation {cooperation_id} is still referenced") from None

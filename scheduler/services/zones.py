"""Zones: the police zones of a cooperation, each with its own people."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict
from scheduler.models import Person, Zone
from scheduler.models.planning import ZoneCreate, ZoneUpdate
from scheduler.services.common import get_scoped, page
from scheduler.services.cooperations import get_cooperation


def list_zones(
    *, session: Session, actor: Actor, cooperation_id: int, offset: int, limit: int
) -> tuple[list[Zone], int]:
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    return page(
        session,
        select(Zone).where(Zone.cooperation_id == cooperation_id),
        offset=offset,
        limit=limit,
    )


def get_zone(*, session: Session, actor: Actor, cooperation_id: int, zone_id: int) -> Zone:
    actor.require_read(cooperation_id)
    return get_scoped(session, Zone, zone_id, cooperation_id)


def _ensure_code_free(
    session: Session, cooperation_id: int, code: str, zone_id: int | None
) -> None:
    clash = session.exec(
        select(Zone).where(Zone.cooperation_id == cooperation_id, Zone.code == code)
    ).first()
    if clash is not None and clash.id != zone_id:
        raise Conflict(f"zone '{code}' already exists in this cooperation")


def create_zone(
    *, session: Session, actor: Actor, cooperation_id: int, zone_in: ZoneCreate
) -> Zone:
    """Admins add zones to a cooperation. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_admin()
    _ensure_code_free(session, cooperation_id, zone_in.code, None)
    row = Zone(cooperation_id=cooperation_id, **zone_in.model_dump())
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity="zone",
        entity_id=row.id,
        cooperation_id=cooperation_id,
        after=audit.snapshot(row),
    )
    session.commit()
    return row


def update_zone(
    *, session: Session, actor: Actor, cooperation_id: int, zone_id: int, zone_in: ZoneUpdate
) -> Zone:
    """A zone's own planners (or admins) rename it. Commits."""
    row = get_zone(session=session, actor=actor, cooperation_id=cooperation_id, zone_id=zone_id)
    actor.require_zone_planner(cooperation_id, zone_id, f"zone {row.code}")
    changes = zone_in.model_dump(exclude_unset=True, exclude_none=True)
    if "code" in changes:
        _ensure_code_free(session, cooperation_id, changes["code"], zone_id)
    before = audit.snapshot(row)
    for field, value in changes.items():
        setattr(row, field, value)
    session.add(row)
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity="zone",
        entity_id=row.id,
        cooperation_id=cooperation_id,
        before=before,
        after=audit.snapshot(row),
    )
    session.commit()
    return row


def delete_zone(*, session: Session, actor: Actor, cooperation_id: int, zone_id: int) -> None:
    """Admins delete a zone without people; one with people gives ``Conflict``. Commits."""
    row = get_zone(session=session, actor=actor, cooperation_id=cooperation_id, zone_id=zone_id)
    actor.require_admin()
    if session.exec(select(Person.id).where(Person.zone_id == zone_id)).first() is not None:
        raise Conflict(f"zone {row.code} still has people; move or delete them first")
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity="zone",
        entity_id=zone_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    try:
        session.commit()
    except IntegrityError:
        # A row added concurrently still points at the zone; the database said no.
        session.rollback()
        raise Conflict(f"zone {row.code} is still referenced") from None

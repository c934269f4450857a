"""Zones: the police zones of a cooperation, each with its own people."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict
from scheduler.models import Assignment, Person, Role, RotaVersion, Zone
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


def _rename_code(session: Session, zone: Zone, code: str) -> None:
    """Rename a zone's code in the roles' zone shares too.

    Rota versions keep the code a duty had when it was planned (published
    versions never change), so a zone that already carries duties keeps its code.
    """
    _ensure_code_free(session, zone.cooperation_id, code, zone.id)
    in_rotas = session.exec(
        select(Assignment.id)
        .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
        .where(RotaVersion.cooperation_id == zone.cooperation_id, Assignment.zone == zone.code)
        .limit(1)
    ).first()
    if in_rotas is not None:
        raise Conflict(f"zone {zone.code} has duties in rota versions; its code cannot change")
    for role in session.exec(select(Role).where(Role.cooperation_id == zone.cooperation_id)):
        if role.zone_shares and zone.code in role.zone_shares:
            shares = dict(role.zone_shares)
            shares[code] = shares.pop(zone.code)
            role.zone_shares = shares
            session.add(role)


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
    before = audit.snapshot(row)
    if "code" in changes and changes["code"] != row.code:
        _rename_code(session, row, changes["code"])
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

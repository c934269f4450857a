"""Roles: the shared permanence roles of a cooperation and their shift templates.

Roles are shared, so any planner of the cooperation edits them. Templates,
durations and duty limits are validated by the solver's own scenario models
and stored as their JSON form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid
from scheduler.models import Pin, Role, ShiftOverride, Zone
from scheduler.models.planning import RoleCreate, RolePublic, RoleUpdate, shift_role
from scheduler.services.common import (
    conflict_on_integrity_error,
    get_scoped,
    page,
    rows_by_code,
    validate_as,
)
from scheduler.services.cooperations import get_cooperation


def to_public(row: Role) -> RolePublic:
    return RolePublic.model_validate(row.model_dump())


def snapshot(row: Role) -> dict[str, Any]:
    return to_public(row).model_dump(mode="json")


def role_codes(session: Session, cooperation_id: int) -> dict[int, str]:
    rows = session.exec(
        select(Role.id, Role.code).where(Role.cooperation_id == cooperation_id)
    ).all()
    return {role_id: code for role_id, code in rows if role_id is not None}


def find_role(session: Session, cooperation_id: int, code: str, *, field: str) -> Role:
    """The role with ``code``, or ``Invalid`` naming ``field`` (a reference in a body)."""
    row = session.exec(
        select(Role).where(Role.cooperation_id == cooperation_id, Role.code == code)
    ).first()
    if row is None:
        message = f"unknown role '{code}'"
        raise Invalid(f"{field}: {message}", fields=[FieldProblem(field, message)])
    return row


def list_roles(
    *, session: Session, actor: Actor, cooperation_id: int, offset: int, limit: int
) -> tuple[list[Role], int]:
    """Roles in their planning order."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    query = select(Role).where(Role.cooperation_id == cooperation_id).order_by(col(Role.position))
    return page(session, query, offset=offset, limit=limit)


def get_role(*, session: Session, actor: Actor, cooperation_id: int, role_id: int) -> Role:
    actor.require_read(cooperation_id)
    return get_scoped(session, Role, role_id, cooperation_id)


def _check(session: Session, cooperation_id: int, role_in: RoleCreate, role_id: int | None) -> None:
    clash = session.exec(
        select(Role.id).where(Role.cooperation_id == cooperation_id, Role.code == role_in.code)
    ).first()
    if clash is not None and clash != role_id:
        raise Conflict(f"role '{role_in.code}' already exists in this cooperation")
    zones = rows_by_code(session, Zone, cooperation_id)
    unknown = [code for code in role_in.zone_shares or {} if code not in zones]
    if unknown:
        problems = [FieldProblem("zone_shares", f"unknown zone '{code}'") for code in unknown]
        raise Invalid("; ".join(f"zone_shares: {p.message}" for p in problems), fields=problems)


def _columns(role_in: RoleCreate) -> dict[str, Any]:
    return role_in.model_dump(mode="json", exclude={"position"})


def create_role(
    *, session: Session, actor: Actor, cooperation_id: int, role_in: RoleCreate
) -> Role:
    """Planners of the cooperation add roles (last in order unless ``position`` is given).
    Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    _check(session, cooperation_id, role_in, None)
    position = role_in.position
    if position is None:
        last = session.exec(
            select(func.max(Role.position)).where(Role.cooperation_id == cooperation_id)
        ).one()
        position = 0 if last is None else last + 1
    row = Role(cooperation_id=cooperation_id, position=position, **_columns(role_in))
    with conflict_on_integrity_error(session, f"role '{role_in.code}' already exists"):
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor.user,
            action="create",
            entity="role",
            entity_id=row.id,
            cooperation_id=cooperation_id,
            after=snapshot(row),
        )
        session.commit()
    return row


def _rename_shift_references(session: Session, cooperation_id: int, old: str, new: str) -> None:
    """Pins and shift overrides name shifts by role code; a renamed role takes them along."""
    prefix = f"{old}@"
    pins = session.exec(
        select(Pin).where(
            Pin.cooperation_id == cooperation_id,
            col(Pin.shift).startswith(prefix, autoescape=True),
        )
    ).all()
    overrides = session.exec(
        select(ShiftOverride).where(
            ShiftOverride.cooperation_id == cooperation_id,
            col(ShiftOverride.shift).startswith(prefix, autoescape=True),
        )
    ).all()
    renamed: list[Pin | ShiftOverride] = [*pins, *overrides]
    for row in renamed:
        row.shift = new + row.shift.removeprefix(old)
        session.add(row)


def update_role(
    *, session: Session, actor: Actor, cooperation_id: int, role_id: int, role_in: RoleUpdate
) -> Role:
    """Planners of the cooperation edit roles. A new code carries over to the role's pins
    and overrides; history rows refer to the role by id and follow it. Commits."""
    row = get_role(session=session, actor=actor, cooperation_id=cooperation_id, role_id=role_id)
    actor.require_planner(cooperation_id)
    before = snapshot(row)
    merged = validate_as(RoleCreate, before | role_in.model_dump(mode="json", exclude_unset=True))
    _check(session, cooperation_id, merged, role_id)
    if merged.code != row.code:
        _rename_shift_references(session, cooperation_id, row.code, merged.code)
    for field, value in _columns(merged).items():
        setattr(row, field, value)
    if merged.position is not None:
        row.position = merged.position
    with conflict_on_integrity_error(session, f"role '{merged.code}' already exists"):
        session.add(row)
        audit.record(
            session,
            actor=actor.user,
            action="update",
            entity="role",
            entity_id=row.id,
            cooperation_id=cooperation_id,
            before=before,
            after=snapshot(row),
        )
        session.commit()
    return row


def delete_role(*, session: Session, actor: Actor, cooperation_id: int, role_id: int) -> None:
    """Planners of the cooperation delete a role with its history loads and duties. A role
    still named by pins or shift overrides gives ``Conflict``. Commits."""
    row = get_role(session=session, actor=actor, cooperation_id=cooperation_id, role_id=role_id)
    actor.require_planner(cooperation_id)
    for model, what in ((Pin, "pins"), (ShiftOverride, "shift overrides")):
        shifts = session.exec(
            select(model.shift).where(model.cooperation_id == cooperation_id)
        ).all()
        if any(shift_role(shift) == row.code for shift in shifts):
            raise Conflict(f"role {row.code} still has {what}; delete them first")
    before = snapshot(row)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity="role",
        entity_id=role_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    with conflict_on_integrity_error(session, f"role {row.code} is still referenced"):
        session.commit()

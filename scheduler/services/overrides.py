"""Shift overrides: one-off changes to how many people a generated shift needs.

Shifts are shared, so any planner of the cooperation edits them; a shift is
named by its id (``OVW@2026-07-20T08:00``) and its role must exist. Staff 0
removes the shift from the plan.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict
from scheduler.models import ShiftOverride
from scheduler.models.planning import (
    ShiftOverrideCreate,
    ShiftOverridePublic,
    ShiftOverrideUpdate,
    shift_role,
)
from scheduler.services.common import conflict_on_integrity_error, get_scoped, page, validate_as
from scheduler.services.cooperations import get_cooperation
from scheduler.services.roles import find_role

ENTITY = "shift_override"


def to_public(row: ShiftOverride) -> ShiftOverridePublic:
    return ShiftOverridePublic.model_validate(row.model_dump())


def list_overrides(
    *, session: Session, actor: Actor, cooperation_id: int, offset: int, limit: int
) -> tuple[list[ShiftOverride], int]:
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    query = select(ShiftOverride).where(ShiftOverride.cooperation_id == cooperation_id)
    return page(session, query, offset=offset, limit=limit)


def get_override(
    *, session: Session, actor: Actor, cooperation_id: int, override_id: int
) -> ShiftOverride:
    actor.require_read(cooperation_id)
    return get_scoped(session, ShiftOverride, override_id, cooperation_id)


def _check(
    session: Session, cooperation_id: int, override_in: ShiftOverrideCreate, row_id: int | None
) -> None:
    find_role(session, cooperation_id, shift_role(override_in.shift), field="shift")
    clash = session.exec(
        select(ShiftOverride.id).where(
            ShiftOverride.cooperation_id == cooperation_id,
            ShiftOverride.shift == override_in.shift,
        )
    ).first()
    if clash is not None and clash != row_id:
        raise Conflict(f"shift {override_in.shift} already has an override; edit that one")


def _write(
    session: Session,
    actor: Actor,
    row: ShiftOverride,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    with conflict_on_integrity_error(session, f"shift {row.shift} already has an override"):
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor.user,
            action=action,
            entity=ENTITY,
            entity_id=row.id,
            cooperation_id=row.cooperation_id,
            before=before,
            after=to_public(row).model_dump(mode="json"),
        )
        session.commit()


def create_override(
    *, session: Session, actor: Actor, cooperation_id: int, override_in: ShiftOverrideCreate
) -> ShiftOverride:
    """Planners of the cooperation override a shift's staff. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    _check(session, cooperation_id, override_in, None)
    row = ShiftOverride(cooperation_id=cooperation_id, **override_in.model_dump())
    _write(session, actor, row, "create", None)
    return row


def update_override(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    override_id: int,
    override_in: ShiftOverrideUpdate,
) -> ShiftOverride:
    row = get_override(
        session=session, actor=actor, cooperation_id=cooperation_id, override_id=override_id
    )
    actor.require_planner(cooperation_id)
    before = to_public(row).model_dump(mode="json")
    merged = validate_as(
        ShiftOverrideCreate, before | override_in.model_dump(mode="json", exclude_unset=True)
    )
    _check(session, cooperation_id, merged, override_id)
    row.shift, row.staff = merged.shift, merged.staff
    _write(session, actor, row, "update", before)
    return row


def delete_override(
    *, session: Session, actor: Actor, cooperation_id: int, override_id: int
) -> None:
    row = get_override(
        session=session, actor=actor, cooperation_id=cooperation_id, override_id=override_id
    )
    actor.require_planner(cooperation_id)
    before = to_public(row).model_dump(mode="json")
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity=ENTITY,
        entity_id=override_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    session.commit()

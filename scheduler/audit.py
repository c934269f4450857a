"""The audit log: every write records who did what, when, and the row before and after."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from scheduler.models import AuditEvent, User


def snapshot(row: SQLModel) -> dict[str, Any]:
    """A JSON-ready copy of a row, for the ``before``/``after`` of an audit event."""
    return row.model_dump(mode="json")


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object = None,
    cooperation_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "cli",
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        cooperation_id=cooperation_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event

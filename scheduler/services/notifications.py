"""The notification outbox: state changes write events here; a delivery job sends them.

Writing to a table in the same transaction as the change means an event exists
exactly when the change committed (no lost or phantom notifications); sending
mail or push is another job's concern. One row per recipient, so delivery can
track each one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from scheduler.models import NotificationOutbox, Person, User, UserZone, Zone


def zone_planners(session: Session, zone_ids: Iterable[int]) -> list[User]:
    """Active planners of any of ``zone_ids``, by id."""
    ids = set(zone_ids)
    if not ids:
        return []
    return list(
        session.exec(
            select(User)
            .join(UserZone, col(UserZone.user_id) == col(User.id))
            .where(
                col(UserZone.zone_id).in_(ids),
                User.role == "planner",
                col(User.is_active).is_(True),
            )
            .distinct()
            .order_by(col(User.id))
        ).all()
    )


def notify(
    session: Session,
    *,
    cooperation_id: int,
    event: str,
    people: Iterable[Person],
    planner_zones: Iterable[Zone] = (),
    payload: dict[str, Any],
    swap_request_id: int | None = None,
) -> list[NotificationOutbox]:
    """Add one outbox row per affected person and per planner of ``planner_zones``.

    Rows join the caller's transaction; the caller commits them with the change.
    """
    rows: list[NotificationOutbox] = []
    seen_people: set[int] = set()
    for person in people:
        if person.id is None or person.id in seen_people:
            continue
        seen_people.add(person.id)
        rows.append(
            NotificationOutbox(
                cooperation_id=cooperation_id,
                event=event,
                swap_request_id=swap_request_id,
                recipient_person_id=person.id,
                payload=payload,
            )
        )
    for planner in zone_planners(session, (zone.id for zone in planner_zones if zone.id)):
        rows.append(
            NotificationOutbox(
                cooperation_id=cooperation_id,
                event=event,
                swap_request_id=swap_request_id,
                recipient_user_id=planner.id,
                payload=payload,
            )
        )
    for row in rows:
        session.add(row)
    return rows


def pending(session: Session, *, limit: int = 100) -> list[NotificationOutbox]:
    """Undelivered events, oldest first (for the delivery job)."""
    return list(
        session.exec(
            select(NotificationOutbox)
            .where(col(NotificationOutbox.sent_at).is_(None))
            .order_by(col(NotificationOutbox.id))
            .limit(limit)
        ).all()
    )

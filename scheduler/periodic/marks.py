"""Helpers the periodic jobs share: once-only marks and the system actor.

A periodic side effect (a reminder, a cover request) is guarded by a
``periodic_mark`` row inserted in the same transaction: the key's uniqueness
makes it happen once, even when a job is retried after a crash or a trigger is
run again.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from scheduler.auth import Actor
from scheduler.models import Cooperation, PeriodicMark, User


def claim_mark(session: Session, key: str, value: str | None = None) -> bool:
    """Insert the mark ``key`` in the session's transaction; False if it already exists."""
    if session.get(PeriodicMark, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(PeriodicMark(key=key, value=value))
    except IntegrityError:
        return False
    return True


def get_mark(session: Session, key: str) -> str | None:
    mark = session.get(PeriodicMark, key)
    return mark.value if mark else None


def set_mark(session: Session, key: str, value: str) -> None:
    mark = session.get(PeriodicMark, key) or PeriodicMark(key=key)
    mark.value = value
    session.add(mark)


def system_actor() -> Actor:
    """The actor of periodic jobs: may do what an admin may; audited as "system"."""
    return Actor(
        user=User(username="system", role="admin", display_name="Permanence"),
        zone_ids=frozenset(),
        cooperation_ids=frozenset(),
        person=None,
    )


def local_text(session: Session, cooperation_id: int, moment: datetime) -> str:
    """``moment`` as the cooperation's local wall-clock time, e.g. ``2026-03-09 08:00``."""
    cooperation = session.get(Cooperation, cooperation_id)
    tz = ZoneInfo(cooperation.timezone if cooperation else "Europe/Brussels")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")

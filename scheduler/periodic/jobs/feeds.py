"""Periodic jobs: keep the calendar feed cache current.

A publish or an applied swap marks a cooperation's feeds stale in its own
transaction; ``refresh_stale`` re-renders them soon after, so the next
calendar client poll is served from the cache. ``refresh_all`` re-renders
every feed nightly, because a feed's window moves with the day.
"""

from __future__ import annotations

from sqlmodel import Session, select

from scheduler.models import Cooperation
from scheduler.periodic.registry import JobContext
from scheduler.services import feeds


def refresh_stale(context: JobContext) -> str:
    with Session(context.engine, expire_on_commit=False) as session:
        count = feeds.refresh_stale_feeds(session, now=context.now)
    return f"{count} feeds re-rendered"


def refresh_all(context: JobContext) -> str:
    with Session(context.engine, expire_on_commit=False) as session:
        for cooperation_id in session.exec(select(Cooperation.id)).all():
            assert cooperation_id is not None
            feeds.mark_stale(session, cooperation_id)
        session.commit()
        count = feeds.refresh_stale_feeds(session, now=context.now)
    return f"{count} feeds re-rendered"

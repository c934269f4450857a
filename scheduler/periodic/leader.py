"""The leader lease: with several workers, one runs the periodic jobs.

A ``leader_lease`` row names its holder and when the lease expires. Taking or
renewing it is one compare-and-set update (``… WHERE holder = me OR expires_at
< now``), so it works the same on SQLite and PostgreSQL and needs no session
held open. The holder renews every third of the lease; a holder that dies
simply stops renewing, and the next worker to try after ``expires_at`` takes
over. Time comes from the caller's clock, so tests can move it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from scheduler.models import LeaderLease

PERIODIC_LEASE = "periodic-jobs"


def try_acquire(
    engine: Engine, *, holder: str, now: datetime, lease: timedelta, name: str = PERIODIC_LEASE
) -> bool:
    """Take or renew the lease for ``holder`` until ``now + lease``; True if it holds it."""
    expires_at = now + lease
    with engine.begin() as connection:
        taken = connection.execute(
            update(LeaderLease)
            .where(
                col(LeaderLease.name) == name,
                (col(LeaderLease.holder) == holder) | (col(LeaderLease.expires_at) < now),
            )
            .values(
                holder=holder,
                expires_at=expires_at,
                # Since when the holder leads: a renewal keeps it, a takeover sets it.
                acquired_at=case(
                    (col(LeaderLease.holder) == holder, col(LeaderLease.acquired_at)), else_=now
                ),
            )
        ).rowcount
    if taken:
        return True
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(LeaderLease).values(
                    name=name, holder=holder, expires_at=expires_at, acquired_at=now
                )
            )
    except IntegrityError:
        return False  # the row exists and someone else holds it
    return True


def release(engine: Engine, *, holder: str, now: datetime, name: str = PERIODIC_LEASE) -> None:
    """Give the lease up at once (a clean shutdown), so another worker need not wait."""
    with engine.begin() as connection:
        connection.execute(
            update(LeaderLease)
            .where(col(LeaderLease.name) == name, col(LeaderLease.holder) == holder)
            .values(expires_at=now - timedelta(seconds=1))
        )


def holds(engine: Engine, *, holder: str, now: datetime, name: str = PERIODIC_LEASE) -> bool:
    """Whether ``holder`` holds an unexpired lease at ``now``."""
    with engine.connect() as connection:
        row = connection.execute(
            LeaderLease.__table__.select().where(  # type: ignore[attr-defined]
                col(LeaderLease.name) == name
            )
        ).first()
    if row is None:
        return False
    expires_at = row.expires_at
    return bool(row.holder == holder and expires_at >= now)

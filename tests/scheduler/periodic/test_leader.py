"""The leader lease: one holder at a time, renewed by its holder, taken over once expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.models import LeaderLease
from scheduler.periodic import leader

T0 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def lease_row(engine: Engine) -> LeaderLease:
    with Session(engine) as session:
        row = session.get(LeaderLease, leader.PERIODIC_LEASE)
        assert row is not None
        return row


def test_the_first_worker_takes_the_lease_and_the_second_does_not(
    periodic_engine: Engine,
) -> None:
    assert leader.try_acquire(periodic_engine, holder="a", now=T0, lease=LEASE)
    assert not leader.try_acquire(periodic_engine, holder="b", now=T0, lease=LEASE)
    assert leader.holds(periodic_engine, holder="a", now=T0)
    assert not leader.holds(periodic_engine, holder="b", now=T0)


def test_the_holder_renews_and_keeps_its_acquired_time(periodic_engine: Engine) -> None:
    leader.try_acquire(periodic_engine, holder="a", now=T0, lease=LEASE)
    later = T0 + timedelta(seconds=20)
    assert leader.try_acquire(periodic_engine, holder="a", now=later, lease=LEASE)
    row = lease_row(periodic_engine)
    assert row.expires_at == later + LEASE
    assert row.acquired_at == T0
    # Renewed: at T0 + 45 s the lease would have expired without the renewal.
    assert not leader.try_acquire(
        periodic_engine, holder="b", now=T0 + timedelta(seconds=45), lease=LEASE
    )


def test_an_expired_lease_is_taken_over_at_once_but_not_a_moment_before(
    periodic_engine: Engine,
) -> None:
    leader.try_acquire(periodic_engine, holder="a", now=T0, lease=LEASE)
    assert not leader.try_acquire(periodic_engine, holder="b", now=T0 + LEASE, lease=LEASE)
    takeover = T0 + LEASE + timedelta(milliseconds=1)
    assert leader.try_acquire(periodic_engine, holder="b", now=takeover, lease=LEASE)
    row = lease_row(periodic_engine)
    assert (row.holder, row.acquired_at) == ("b", takeover)
    assert not leader.holds(periodic_engine, holder="a", now=takeover)
    # The old holder coming back finds the lease taken.
    assert not leader.try_acquire(periodic_engine, holder="a", now=takeover, lease=LEASE)


def test_a_released_lease_is_free_for_the_next_worker_at_once(periodic_engine: Engine) -> None:
    leader.try_acquire(periodic_engine, holder="a", now=T0, lease=LEASE)
    leader.release(periodic_engine, holder="a", now=T0)
    assert not leader.holds(periodic_engine, holder="a", now=T0)
    assert leader.try_acquire(periodic_engine, holder="b", now=T0, lease=LEASE)


def test_releasing_someone_elses_lease_changes_nothing(periodic_engine: Engine) -> None:
    leader.try_acquire(periodic_engine, holder="a", now=T0, lease=LEASE)
    leader.release(periodic_engine, holder="b", now=T0)
    assert leader.holds(periodic_engine, holder="a", now=T0)

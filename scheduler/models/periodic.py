"""State of the periodic jobs: the leader lease, worker heartbeats, the runs of each
trigger, notification deliveries, rolling-generation policies, reminder opt-ins and
the marks that make every periodic side effect happen once.

APScheduler keeps its own job store (``apscheduler_jobs``, created by APScheduler
itself and left out of the migrations); everything here is ours.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow


class LeaderLease(SQLModel, table=True):
    """Who runs the periodic jobs: one row per lease, taken over by compare-and-set.

    A holder renews ``expires_at`` well before it passes; when it dies the lease
    expires and the next worker to try takes it.
    """

    __tablename__ = "leader_lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime
    acquired_at: datetime = Field(default_factory=utcnow)


class WorkerHeartbeat(SQLModel, table=True):
    """A worker process that is alive (``/readyz`` wants a fresh one)."""

    name: str = Field(primary_key=True, max_length=128)
    started_at: datetime = Field(default_factory=utcnow)
    beat_at: datetime = Field(default_factory=utcnow, index=True)
    is_leader: bool = False


class PeriodicRun(SQLModel, table=True):
    """One run of a periodic job for one trigger; the unique key makes each trigger run once.

    ``trigger_key`` is the local wall-clock time for calendar (cron) triggers, so
    a 02:30 that happens twice when summer time ends runs once, and the UTC instant
    for interval triggers.
    """

    __table_args__ = (UniqueConstraint("job_id", "trigger_key"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=64, index=True)
    trigger_key: str = Field(max_length=40)
    scheduled_for: datetime
    holder: str = Field(max_length=128)
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    outcome: str = Field(default="running", max_length=16)  # running | succeeded | failed
    summary: str | None = Field(default=None, max_length=2000)


class NotificationDelivery(SQLModel, table=True):
    """One outbox event on one channel (an e-mail address or a webhook URL).

    The unique key makes delivery idempotent per event and channel: a retry
    updates this row, it never sends to the same target as a new event.
    """

    __table_args__ = (UniqueConstraint("outbox_id", "channel", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("notificationoutbox.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    channel: str = Field(max_length=16)  # email | webhook
    target: str = Field(max_length=500)  # the address or the URL
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = Field(default=None, max_length=2000)
    sent_at: datetime | None = None


class RollingPolicy(SQLModel, table=True):
    """How far ahead a cooperation's rota is planned without anyone asking.

    On ``run_day`` of each month (at the registry's time) the months needed to
    keep ``ahead_weeks`` planned are queued as drafts; with ``auto_publish`` a
    draft that covers every shift and passes the validator is published.
    """

    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), primary_key=True
        )
    )
    enabled: bool = True
    ahead_weeks: int = Field(default=13, ge=1, le=104)
    run_day: int = Field(default=1, ge=1, le=28)
    auto_publish: bool = False
    time_limit: float | None = Field(default=None, gt=0, le=3600)
    updated_at: datetime = Field(default_factory=utcnow)


class ReminderOptIn(SQLModel, table=True):
    """A person who wants a reminder before each of their duties."""

    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    hours_before: int = Field(default=24, ge=1, le=24 * 14)
    created_at: datetime = Field(default_factory=utcnow)


class PeriodicMark(SQLModel, table=True):
    """A side effect that happened (``reminder:…``, ``conflict:…``) or a job's progress mark.

    Inserting the key first makes a side effect happen once, whoever runs the job.
    """

    key: str = Field(primary_key=True, max_length=200)
    value: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, index=True)

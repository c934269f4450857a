"""What operators see: the periodic jobs with their next and last runs, and readiness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import Column, Float, MetaData, String, Table, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from scheduler.config import Settings
from scheduler.models import LeaderLease, PeriodicRun, WorkerHeartbeat
from scheduler.periodic.leader import PERIODIC_LEASE
from scheduler.periodic.registry import periodic_jobs
from scheduler.periodic.runner import APSCHEDULER_TABLE

# The two columns of APScheduler's job store that tell the next run (a UNIX time).
_APSCHEDULER_JOBS = Table(
    APSCHEDULER_TABLE,
    MetaData(),
    Column("id", String(191), primary_key=True),
    Column("next_run_time", Float),
)
LAST_RUNS = 5


class RunPublic(BaseModel):
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    outcome: str = Field(description="running, succeeded or failed")
    summary: str | None
    worker: str


class PeriodicJobPublic(BaseModel):
    id: str
    description: str
    trigger: str
    timezone: str
    next_run_time: datetime | None = Field(
        description="From the shared job store; None before a leader first scheduled it."
    )
    last_runs: list[RunPublic] = Field(description="Newest first.")


class WorkerPublic(BaseModel):
    name: str
    started_at: datetime
    beat_at: datetime
    is_leader: bool


class LeaderPublic(BaseModel):
    holder: str
    acquired_at: datetime
    expires_at: datetime


class JobsPublic(BaseModel):
    leader: LeaderPublic | None
    workers: list[WorkerPublic]
    data: list[PeriodicJobPublic]
    count: int


def _next_run_times(engine: Engine) -> dict[str, datetime | None]:
    if not inspect(engine).has_table(APSCHEDULER_TABLE):
        return {}
    with engine.connect() as connection:
        rows = connection.execute(select(_APSCHEDULER_JOBS)).all()
    return {
        row.id: datetime.fromtimestamp(row.next_run_time, UTC) if row.next_run_time else None
        for row in rows
    }


def periodic_status(session: Session, settings: Settings, *, now: datetime) -> JobsPublic:
    """Every registered job with its next run time and last runs, the leader and workers."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    next_runs = _next_run_times(engine)
    jobs = []
    for job in periodic_jobs(settings):
        runs = session.exec(
            sqlmodel_select(PeriodicRun)
            .where(PeriodicRun.job_id == job.id)
            .order_by(col(PeriodicRun.scheduled_for).desc(), col(PeriodicRun.id).desc())
            .limit(LAST_RUNS)
        ).all()
        jobs.append(
            PeriodicJobPublic(
                id=job.id,
                description=job.description,
                trigger=str(job.trigger),
                timezone=str(job.trigger.timezone),
                next_run_time=next_runs.get(job.id),
                last_runs=[
                    RunPublic(
                        scheduled_for=run.scheduled_for,
                        started_at=run.started_at,
                        finished_at=run.finished_at,
                        duration_seconds=(
                            (run.finished_at - run.started_at).total_seconds()
                            if run.finished_at
                            else None
                        ),
                        outcome=run.outcome,
                        summary=run.summary,
                        worker=run.holder,
                    )
                    for run in runs
                ],
            )
        )
    lease = session.get(LeaderLease, PERIODIC_LEASE)
    workers = session.exec(
        sqlmodel_select(WorkerHeartbeat)
        .where(col(WorkerHeartbeat.beat_at) >= now - heartbeat_stale_after(settings))
        .order_by(col(WorkerHeartbeat.name))
    ).all()
    return JobsPublic(
        leader=(
            LeaderPublic(
                holder=lease.holder, acquired_at=lease.acquired_at, expires_at=lease.expires_at
            )
            if lease is not None and lease.expires_at >= now
            else None
        ),
        workers=[WorkerPublic.model_validate(worker.model_dump()) for worker in workers],
        data=jobs,
        count=len(jobs),
    )


def heartbeat_stale_after(settings: Settings) -> timedelta:
    """A worker that has not beaten for this long counts as gone (three lease renewals)."""
    return timedelta(seconds=max(3 * settings.leader_lease_seconds, 10))


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, str]


def readiness(engine: Engine, settings: Settings, *, now: datetime) -> Readiness:
    """Ready when the database answers and some worker's heartbeat is fresh."""
    checks: dict[str, str] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            newest = connection.execute(
                select(WorkerHeartbeat.name, WorkerHeartbeat.beat_at)  # type: ignore[call-overload]
                .order_by(col(WorkerHeartbeat.beat_at).desc())
                .limit(1)
            ).first()
    except SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
        checks["worker"] = "unknown"
        return Readiness(ready=False, checks=checks)
    checks["database"] = "ok"
    if newest is None:
        checks["worker"] = "no worker has ever beaten"
        return Readiness(ready=False, checks=checks)
    age = (now - newest.beat_at).total_seconds()
    fresh = age <= heartbeat_stale_after(settings).total_seconds()
    checks["worker"] = f"{'ok' if fresh else 'stale'}: {newest.name} beat {age:.0f} s ago"
    return Readiness(ready=fresh, checks=checks)

"""Generation jobs: a planner's request to solve a horizon, claimed and run by a worker.

Lifecycle: ``queued`` → ``running`` → ``succeeded`` | ``failed`` | ``cancelled``.
A job is claimed with a compare-and-set update (and ``FOR UPDATE SKIP LOCKED``
on PostgreSQL, so busy workers do not queue behind each other's locks): each
job runs exactly once however many workers poll. A running job carries a
heartbeat; a job whose worker stopped beating is marked failed by any other
worker, so nothing stays "running" forever. Jobs never touch published rotas:
a finished job only adds a draft version.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import update
from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid, NotFound
from scheduler.models import GenerationJob, Role
from scheduler.models.types import utcnow
from scheduler.services.common import get_scoped, page

ACTIVE = ("queued", "running")
FINISHED = ("succeeded", "failed", "cancelled")
# A running job whose heartbeat is older than this is taken to have lost its worker.
DEFAULT_STALE_AFTER = timedelta(seconds=60)


class GenerationRequest(BaseModel):
    """What a planner asks for: a horizon, optionally some roles, a time limit, a re-plan."""

    start: date
    end: date
    roles: list[str] | None = Field(
        default=None, description="Role codes to plan; omitted: every role of the cooperation."
    )
    time_limit: float | None = Field(
        default=None, gt=0, le=3600, description="Seconds; omitted: the cooperation's setting."
    )
    replan: bool = Field(
        default=False,
        description=(
            "Re-plan from the published rota: pin the past and the frozen window, "
            "and change as few published duties as possible."
        ),
    )
    frozen_days: int = Field(
        default=7, ge=0, le=365, description="With replan: days ahead that stay as published."
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> GenerationRequest:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.end - self.start).days > 731:
            raise ValueError("a horizon may span at most two years")
        return self


class JobPublic(BaseModel):
    id: int
    cooperation_id: int
    status: str
    horizon_start: date
    horizon_end: date
    params: dict[str, Any]
    progress: dict[str, Any]
    error: str | None
    cancel_requested: bool
    result_version_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str


def to_public(job: GenerationJob) -> JobPublic:
    return JobPublic.model_validate(
        job.model_dump() | {"url": job_url(job)},
    )


def job_url(job: GenerationJob) -> str:
    return f"/api/v1/cooperations/{job.cooperation_id}/jobs/{job.id}"


def create_job(
    *, session: Session, actor: Actor, cooperation_id: int, request: GenerationRequest
) -> GenerationJob:
    """Queue a generation job; planners of the cooperation only. Commits."""
    actor.require_planner(cooperation_id)
    if request.roles is not None:
        known = set(
            session.exec(select(Role.code).where(Role.cooperation_id == cooperation_id)).all()
        )
        unknown = [code for code in request.roles if code not in known]
        if unknown:
            raise Invalid(
                f"unknown role {', '.join(unknown)}",
                fields=[FieldProblem("roles", f"unknown role '{code}'") for code in unknown],
            )
    job = GenerationJob(
        cooperation_id=cooperation_id,
        horizon_start=request.start,
        horizon_end=request.end,
        params=request.model_dump(mode="json"),
        requested_by_id=actor.user.id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity="generation_job",
        entity_id=job.id,
        cooperation_id=cooperation_id,
        after=audit.snapshot(job),
    )
    session.commit()
    return job


def get_job(*, session: Session, actor: Actor, cooperation_id: int, job_id: int) -> GenerationJob:
    actor.require_read(cooperation_id)
    return get_scoped(session, GenerationJob, job_id, cooperation_id)


def list_jobs(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[GenerationJob], int]:
    actor.require_read(cooperation_id)
    query = select(GenerationJob).where(GenerationJob.cooperation_id == cooperation_id)
    if status is not None:
        query = query.where(GenerationJob.status == status)
    return page(session, query, offset=offset, limit=limit)


def cancel_job(
    *, session: Session, actor: Actor, cooperation_id: int, job_id: int
) -> GenerationJob:
    """Cancel a queued job at once, or ask the worker to stop a running one. Commits."""
    job = get_job(session=session, actor=actor, cooperation_id=cooperation_id, job_id=job_id)
    actor.require_planner(cooperation_id)
    if job.status in FINISHED:
        raise Conflict(f"job {job_id} already {job.status}")
    # Compare-and-set, so a worker claiming the job at this moment is not overwritten.
    cancelled_while_queued = session.execute(
        update(GenerationJob)
        .where(col(GenerationJob.id) == job_id, col(GenerationJob.status) == "queued")
        .values(status="cancelled", cancel_requested=True, finished_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]
    if not cancelled_while_queued:
        session.execute(
            update(GenerationJob)
            .where(col(GenerationJob.id) == job_id)
            .values(cancel_requested=True)
        )
    audit.record(
        session,
        actor=actor.user,
        action="cancel",
        entity="generation_job",
        entity_id=job_id,
        cooperation_id=cooperation_id,
    )
    session.commit()
    session.refresh(job)
    return job


# --- What workers do -------------------------------------------------------------------------


def claim_next(session: Session, *, worker: str) -> GenerationJob | None:
    """Claim the oldest queued job for ``worker``, or None. Commits."""
    while True:
        candidate = session.exec(
            select(GenerationJob.id)
            .where(GenerationJob.status == "queued")
            .order_by(col(GenerationJob.id))
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if candidate is None:
            session.rollback()
            return None
        now = utcnow()
        claimed = session.execute(
            update(GenerationJob)
            .where(col(GenerationJob.id) == candidate, col(GenerationJob.status) == "queued")
            .values(status="running", worker=worker, started_at=now, heartbeat_at=now)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
        if claimed:
            job = session.get(GenerationJob, candidate)
            assert job is not None
            session.refresh(job)
            return job
        # Another worker won this one between our select and update: try the next.


def heartbeat(session: Session, *, job_id: int, progress: dict[str, Any] | None = None) -> bool:
    """Record that the job's worker is alive (and its progress); True if cancel was asked."""
    values: dict[str, Any] = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = progress
    session.execute(
        update(GenerationJob)
        .where(col(GenerationJob.id) == job_id, col(GenerationJob.status) == "running")
        .values(**values)
    )
    session.commit()
    cancel = session.exec(
        select(GenerationJob.cancel_requested).where(GenerationJob.id == job_id)
    ).one()
    return bool(cancel)


def finish(
    session: Session,
    *,
    job_id: int,
    status: str,
    error: str | None = None,
    result_version_id: int | None = None,
    progress: dict[str, Any] | None = None,
) -> bool:
    """Close a running job; False if it was no longer running (e.g. reaped). Commits."""
    assert status in FINISHED
    values: dict[str, Any] = {
        "status": status,
        "error": error,
        "result_version_id": result_version_id,
        "finished_at": utcnow(),
    }
    if progress is not None:
        values["progress"] = progress
    done = session.execute(
        update(GenerationJob)
        .where(col(GenerationJob.id) == job_id, col(GenerationJob.status) == "running")
        .values(**values)
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return bool(done)


def reap_stale(session: Session, *, stale_after: timedelta = DEFAULT_STALE_AFTER) -> list[int]:
    """Mark running jobs whose worker stopped beating as failed; their ids. Commits."""
    cutoff = utcnow() - stale_after
    stale = list(
        session.exec(
            select(GenerationJob.id).where(
                GenerationJob.status == "running", col(GenerationJob.heartbeat_at) < cutoff
            )
        ).all()
    )
    reaped = []
    for job_id in stale:
        assert job_id is not None
        changed = session.execute(
            update(GenerationJob)
            .where(
                col(GenerationJob.id) == job_id,
                col(GenerationJob.status) == "running",
                col(GenerationJob.heartbeat_at) < cutoff,
            )
            .values(
                status="failed",
                error="the worker stopped responding; no rota was stored",
                finished_at=utcnow(),
            )
        ).rowcount  # type: ignore[attr-defined]
        if changed:
            reaped.append(job_id)
    session.commit()
    return reaped


def load_job(session: Session, job_id: int) -> GenerationJob:
    job = session.get(GenerationJob, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    session.refresh(job)
    return job

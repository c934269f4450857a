"""Periodic job: remove what nobody needs any more.

Kept ``keep_history_days`` (90 by default): expired or revoked API tokens,
finished generation jobs (their draft versions stay), delivered notifications
(with their delivery rows), periodic run records and once-only marks, and
heartbeats of workers long gone. Rota versions and the audit log are never
removed here.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col

from scheduler.models import (
    ApiToken,
    GenerationJob,
    NotificationOutbox,
    PeriodicMark,
    PeriodicRun,
    WorkerHeartbeat,
)
from scheduler.periodic.registry import JobContext
from scheduler.services.jobs import FINISHED


def run(context: JobContext) -> str:
    cutoff = context.now - timedelta(days=context.settings.keep_history_days)
    counts: dict[str, int] = {}
    with Session(context.engine) as session:
        statements = {
            "api tokens": delete(ApiToken).where(
                or_(col(ApiToken.expires_at) < cutoff, col(ApiToken.revoked_at) < cutoff)
            ),
            "generation jobs": delete(GenerationJob).where(
                col(GenerationJob.status).in_(FINISHED), col(GenerationJob.finished_at) < cutoff
            ),
            "notifications": delete(NotificationOutbox).where(
                col(NotificationOutbox.sent_at) < cutoff
            ),
            "run records": delete(PeriodicRun).where(col(PeriodicRun.started_at) < cutoff),
            # Only once-only marks; marks with a value hold a job's progress.
            "marks": delete(PeriodicMark).where(
                col(PeriodicMark.created_at) < cutoff, col(PeriodicMark.value).is_(None)
            ),
            "heartbeats": delete(WorkerHeartbeat).where(
                col(WorkerHeartbeat.beat_at) < context.now - timedelta(days=1)
            ),
        }
        for what, statement in statements.items():
            counts[what] = session.execute(statement).rowcount  # type: ignore[attr-defined]
        session.commit()
    return ", ".join(f"{count} {what}" for what, count in counts.items()) + " removed"

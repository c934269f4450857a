"""Periodic job: rolling generation — plan the next months before anyone has to remember.

Daily at 02:00 (service time zone) this job looks at every cooperation with a
rolling policy (its ``rolling_policy`` row, or the defaults in the settings
when ``rolling_default_enabled``). On the policy's ``run_day`` of the month it
queues one generation job per calendar month, starting with next month, for
each month that starts before ``today + ahead_weeks`` and is not already
covered by a published version. Example: policy "13 weeks ahead, day 1" on
1 March 2026 (13 weeks ahead is 31 May) queues April and May unless they are
published; on 1 April it queues June. Each month
is queued once (a ``periodic_mark`` keyed by cooperation and month, holding
the job id); any worker solves it, and ``review_generated_drafts`` then
notifies the planners or auto-publishes. A month whose draft was rejected is
not queued again automatically: a planner generates it by hand.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.models import Cooperation, RollingPolicy, RotaVersion
from scheduler.periodic.marks import claim_mark, set_mark, system_actor
from scheduler.periodic.registry import JobContext
from scheduler.services import jobs

log = logging.getLogger("permanence.periodic.rolling")

MARK_PREFIX = "rolling:"


def policy_for(session: Session, cooperation_id: int, settings: Settings) -> RollingPolicy | None:
    """The cooperation's enabled policy: its row, else the settings' default, else None."""
    policy = session.get(RollingPolicy, cooperation_id)
    if policy is None and settings.rolling_default_enabled:
        policy = RollingPolicy(
            cooperation_id=cooperation_id,
            ahead_weeks=settings.rolling_default_ahead_weeks,
            run_day=settings.rolling_default_run_day,
            auto_publish=settings.rolling_default_auto_publish,
        )
    return policy if policy is not None and policy.enabled else None


def months_to_plan(today: date, ahead_weeks: int) -> list[tuple[date, date]]:
    """The calendar months from next month on that start before ``today + ahead_weeks``."""
    goal = today + timedelta(weeks=ahead_weeks)
    month = today.replace(day=1) + relativedelta(months=1)
    months = []
    while month < goal:
        following = month + relativedelta(months=1)
        months.append((month, following))
        month = following
    return months


def _published_covers(session: Session, cooperation_id: int, start: date, end: date) -> bool:
    return (
        session.exec(
            select(RotaVersion.id).where(
                RotaVersion.cooperation_id == cooperation_id,
                RotaVersion.status == "published",
                col(RotaVersion.horizon_start) <= start,
                col(RotaVersion.horizon_end) >= end,
            )
        ).first()
        is not None
    )


def plan_cooperation(
    session: Session, cooperation: Cooperation, policy: RollingPolicy, *, now: datetime
) -> list[int]:
    """Queue the months the policy asks for on this day; the new job ids. Commits."""
    assert cooperation.id is not None
    today = now.astimezone(ZoneInfo(cooperation.timezone)).date()
    if today.day != policy.run_day:
        return []
    queued = []
    for start, end in months_to_plan(today, policy.ahead_weeks):
        if _published_covers(session, cooperation.id, start, end):
            continue
        key = f"{MARK_PREFIX}{cooperation.id}:{start.isoformat()}"
        if not claim_mark(session, key):
            continue  # queued before (this month's draft exists or was handled)
        job = jobs.create_job(
            session=session,
            actor=system_actor(),
            cooperation_id=cooperation.id,
            request=jobs.GenerationRequest(start=start, end=end, time_limit=policy.time_limit),
        )
        assert job.id is not None
        job.params = job.params | {"rolling": True}
        session.add(job)
        set_mark(session, key, f"job:{job.id}")
        session.commit()
        queued.append(job.id)
        log.info(
            "rolling generation queued %s → %s as job %s",
            start,
            end,
            job.id,
            extra={"cooperation": cooperation.id},
        )
    return queued


def run(context: JobContext) -> str:
    queued: list[int] = []
    with Session(context.engine, expire_on_commit=False) as session:
        cooperations = session.exec(select(Cooperation)).all()
        for cooperation in cooperations:
            assert cooperation.id is not None
            policy = policy_for(session, cooperation.id, context.settings)
            if policy is None:
                continue
            try:
                queued += plan_cooperation(session, cooperation, policy, now=context.now)
            except Exception:  # one cooperation's failure must not stop the others
                session.rollback()
                log.exception("rolling generation failed", extra={"cooperation": cooperation.id})
    return f"{len(queued)} months queued"

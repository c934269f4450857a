"""The one list of periodic jobs, each with its explicit trigger and time zone.

Calendar triggers are in the service's time zone (``PERMANENCE_TIMEZONE``,
Europe/Brussels by default); interval triggers do not depend on it. What a
calendar trigger does on the days summer time starts and ends is documented in
docs/operations.md and pinned by tests: a 02:30 trigger runs at 03:30 CEST
(01:30 UTC) on 29 March 2026, when 02:30 does not exist, and once, at the first
02:30 (CEST, 00:30 UTC), on 25 October 2026, when 02:30 happens twice (APScheduler
fires at both; the runner keys calendar runs by local wall-clock time, so the
second is skipped). The same holds for rolling generation's 02:00.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from scheduler.config import Settings


@dataclass(frozen=True)
class JobContext:
    """What a periodic job gets: the database, the settings and "now" (injected)."""

    engine: Engine
    settings: Settings
    now: datetime
    clock: Callable[[], datetime]


@dataclass(frozen=True)
class PeriodicJob:
    """One periodic job: a stable id, what it does, when, and the function that does it.

    ``run`` opens its own sessions, handles its own failures per cooperation or
    item, and returns a one-line summary for ``GET /api/v1/jobs``.
    """

    id: str
    description: str
    trigger: BaseTrigger
    run: Callable[[JobContext], str]

    @property
    def is_calendar(self) -> bool:
        """Calendar (cron) triggers are keyed by local wall-clock time, intervals by instant."""
        return isinstance(self.trigger, CronTrigger)


def periodic_jobs(settings: Settings) -> tuple[PeriodicJob, ...]:
    """Every periodic job of the service, in the order an operator would read them."""
    from scheduler.periodic.jobs import (
        conflicts,
        delivery,
        drafts,
        duty_reminders,
        feeds,
        housekeeping,
        rolling,
        swaps,
    )

    tz = ZoneInfo(settings.timezone)
    return (
        PeriodicJob(
            id="deliver_notifications",
            description="Send pending outbox events by e-mail and webhook, retrying with backoff.",
            trigger=IntervalTrigger(seconds=settings.delivery_interval_seconds, timezone=tz),
            run=delivery.run,
        ),
        PeriodicJob(
            id="detect_conflicts",
            description=(
                "Open a cover request for each published duty that a new absence or a lost "
                "qualification makes impossible, and notify the person and the planners."
            ),
            trigger=IntervalTrigger(seconds=settings.conflict_check_seconds, timezone=tz),
            run=conflicts.run,
        ),
        PeriodicJob(
            id="review_generated_drafts",
            description=(
                "Tell planners about drafts from rolling generation; auto-publish those that "
                "cover every shift and pass the validator when the policy says so."
            ),
            trigger=IntervalTrigger(minutes=1, timezone=tz),
            run=drafts.run,
        ),
        PeriodicJob(
            id="swap_expiry_and_reminders",
            description="Expire swap requests that are due; remind people of open ones.",
            trigger=IntervalTrigger(minutes=5, timezone=tz),
            run=swaps.run,
        ),
        PeriodicJob(
            id="duty_reminders",
            description="Remind people who opted in of their next duty.",
            trigger=IntervalTrigger(minutes=10, timezone=tz),
            run=duty_reminders.run,
        ),
        PeriodicJob(
            id="refresh_stale_feeds",
            description="Re-render calendar feeds that a publish or a swap made stale.",
            trigger=IntervalTrigger(minutes=1, timezone=tz),
            run=feeds.refresh_stale,
        ),
        PeriodicJob(
            id="rolling_generation",
            description=(
                "Per cooperation with a rolling policy: on its day of the month, queue "
                "drafts for the months needed to stay planned the policy's weeks ahead."
            ),
            trigger=CronTrigger(hour=2, minute=0, timezone=tz),
            run=rolling.run,
        ),
        PeriodicJob(
            id="refresh_all_feeds",
            description="Re-render every cached feed (its window moves by a day).",
            trigger=CronTrigger(hour=3, minute=15, timezone=tz),
            run=feeds.refresh_all,
        ),
        PeriodicJob(
            id="housekeeping",
            description=(
                "Delete expired API tokens, old finished generation jobs, delivered "
                "notifications and periodic run records."
            ),
            trigger=CronTrigger(hour=4, minute=30, timezone=tz),
            run=housekeeping.run,
        ),
    )

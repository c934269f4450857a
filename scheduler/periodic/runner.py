"""Runs the periodic jobs of the registry: APScheduler 3 on the leader only.

Every worker runs a ``PeriodicRunner``. Its thread beats (``worker_heartbeat``)
and tries to take or renew the leader lease every third of the lease time. The
worker that holds the lease starts an APScheduler ``BackgroundScheduler`` whose
job store is the service database (``apscheduler_jobs``, created by APScheduler),
so the next trigger of every job survives restarts and changes of leader. A
worker that loses the lease stops its scheduler at once.

Each run passes three gates before the job's function is called:

1. the lease is still held (a leader that stalled past its lease does nothing);
2. the trigger is not older than ``misfire_grace_seconds``: a job missed while
   every worker was down runs once (``coalesce``: however many triggers were
   missed) when a worker comes back within that time, and is skipped otherwise;
3. a ``periodic_run`` row for (job, trigger) can be inserted: its unique key
   makes each trigger run once, even if two leaders overlapped.

The run's outcome, duration and summary are kept on that row for
``GET /api/v1/jobs``. Jobs take "now" from the runner's clock.

A worker that takes the lead marks the runs other workers left ``running`` as
failed ("abandoned"): their holder lost the lead mid-run (killed, or stalled
past its lease), so without this they would show as running forever. A stalled
holder that does finish later still writes its real outcome over it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from scheduler.config import Settings, get_settings
from scheduler.models import PeriodicRun, WorkerHeartbeat
from scheduler.models.types import utcnow
from scheduler.periodic import leader
from scheduler.periodic.registry import JobContext, PeriodicJob, periodic_jobs

log = logging.getLogger("permanence.periodic")

APSCHEDULER_TABLE = "apscheduler_jobs"
Clock = Callable[[], datetime]


def trigger_key(job: PeriodicJob, scheduled_for: datetime) -> str:
    """The identity of one trigger: local wall-clock time for calendar jobs, else UTC."""
    if job.is_calendar:
        tz = job.trigger.timezone
        return scheduled_for.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")
    return scheduled_for.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds")


def dispatched_by_runner() -> None:
    """The function APScheduler stores for every job; the runner's executor runs the job."""
    raise RuntimeError("periodic jobs run through PeriodicRunner's executor")


class _ServiceJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
    """APScheduler's SQLAlchemy job store on the service's engine, which it must not dispose
    of when the scheduler stops (the engine serves the rest of the process)."""

    def shutdown(self) -> None:
        pass


class _LeaderExecutor(ThreadPoolExecutor):  # type: ignore[misc]
    """APScheduler's thread pool, but each run goes through ``PeriodicRunner.execute``."""

    def __init__(self, runner: PeriodicRunner) -> None:
        super().__init__(max_workers=4)
        self._runner = runner

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        scheduled_for = run_times[-1]  # coalesced: one run for every missed trigger

        def done(future: Future[bool]) -> None:
            error = future.exception()
            if error is not None:
                self._run_job_error(job.id, error, error.__traceback__)
                return
            kind = EVENT_JOB_EXECUTED if future.result() else EVENT_JOB_MISSED
            event = JobExecutionEvent(kind, job.id, job._jobstore_alias, scheduled_for)
            self._run_job_success(job.id, [event])

        future = self._pool.submit(self._runner.execute, job.id, scheduled_for)
        future.add_done_callback(done)


class PeriodicRunner:
    """The periodic side of a worker process: heartbeat, lease, and (as leader) the jobs."""

    def __init__(
        self,
        engine: Engine,
        *,
        settings: Settings | None = None,
        name: str | None = None,
        jobs: Sequence[PeriodicJob] | None = None,
        clock: Clock = utcnow,
        lead: bool = True,
    ) -> None:
        self.engine = engine
        self.settings = settings or get_settings()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.jobs = {job.id: job for job in (jobs or periodic_jobs(self.settings))}
        self.clock = clock
        # lead=False: only beat (a worker that runs generation jobs but no periodic ones).
        self.lead = lead
        self.lease = timedelta(seconds=self.settings.leader_lease_seconds)
        self._scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- Lifecycle ------------------------------------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def start(self) -> threading.Thread:
        """Beat and compete for the lease in a daemon thread until ``stop``."""
        self._thread = threading.Thread(target=self._loop, name="permanence-periodic", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self) -> None:
        """Stop: wait for running periodic jobs, stop the scheduler, give the lease up."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        with self._lock:
            was_leader = self._scheduler is not None
            self._stop_scheduler(wait=True)
        if was_leader:
            leader.release(self.engine, holder=self.name, now=self.clock())
            log.info("periodic jobs stopped; lease released", extra={"worker": self.name})

    def _loop(self) -> None:
        interval = self.lease.total_seconds() / 3
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a database hiccup must not end the loop; the lease will tell
                log.exception("periodic tick failed", extra={"worker": self.name})
            self._stop.wait(interval)

    def tick(self) -> bool:
        """Beat, take or renew the lease, start or stop the scheduler; True when leading."""
        now = self.clock()
        leading = self.lead and leader.try_acquire(
            self.engine, holder=self.name, now=now, lease=self.lease
        )
        self._beat(now, leading)
        with self._lock:
            if self._stop.is_set():
                return leading
            if leading and self._scheduler is None:
                log.info("took the lead: starting periodic jobs", extra={"worker": self.name})
                self._close_abandoned_runs(now)
                self._start_scheduler()
            elif not leading and self._scheduler is not None:
                log.warning("lost the lead: stopping periodic jobs", extra={"worker": self.name})
                self._stop_scheduler(wait=False)
        return leading

    def _beat(self, now: datetime, leading: bool) -> None:
        with self.engine.begin() as connection:
            beat = connection.execute(
                update(WorkerHeartbeat)
                .where(col(WorkerHeartbeat.name) == self.name)
                .values(beat_at=now, is_leader=leading)
            ).rowcount
            if not beat:
                connection.execute(
                    insert(WorkerHeartbeat).values(
                        name=self.name, started_at=now, beat_at=now, is_leader=leading
                    )
                )

    def _close_abandoned_runs(self, now: datetime) -> None:
        with self.engine.begin() as connection:
            rows = connection.execute(
                select(col(PeriodicRun.id), col(PeriodicRun.job_id), col(PeriodicRun.holder)).where(
                    col(PeriodicRun.outcome) == "running", col(PeriodicRun.holder) != self.name
                )
            ).all()
            for run_id, job_id, holder in rows:
                connection.execute(
                    update(PeriodicRun)
                    .where(col(PeriodicRun.id) == run_id, col(PeriodicRun.outcome) == "running")
                    .values(
                        outcome="failed",
                        summary=f"abandoned: {holder} lost the lead before the run finished",
                        finished_at=now,
                    )
                )
                log.warning(
                    "abandoned periodic run marked failed",
                    extra={"job": job_id, "holder": holder, "worker": self.name},
                )

    def _start_scheduler(self) -> None:
        scheduler = BackgroundScheduler(
            jobstores={
                "default": _ServiceJobStore(engine=self.engine, tablename=APSCHEDULER_TABLE)
            },
            executors={"default": _LeaderExecutor(self)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # The runner applies the grace time itself (gate 2), with the same number.
                "misfire_grace_time": self.settings.misfire_grace_seconds,
            },
            timezone=ZoneInfo(self.settings.timezone),
        )
        # Paused, so stored next run times are read before anything runs: a trigger that
        # passed while no worker was up must run now, not be recomputed away.
        scheduler.start(paused=True)
        try:
            self._sync_jobs(scheduler)
        except BaseException:
            scheduler.shutdown(wait=False)  # no half-started scheduler thread stays behind
            raise
        scheduler.resume()
        self._scheduler = scheduler

    def _sync_jobs(self, scheduler: BackgroundScheduler) -> None:
        """Make the job store hold exactly the registry, keeping unchanged jobs' next runs."""
        stored = {job.id: job for job in scheduler.get_jobs()}
        for job in self.jobs.values():
            existing = stored.pop(job.id, None)
            if existing is not None and _same_trigger(existing.trigger, job.trigger):
                continue
            scheduler.add_job(
                "scheduler.periodic.runner:dispatched_by_runner",
                trigger=job.trigger,
                id=job.id,
                name=job.id,
                replace_existing=True,
            )
        for job_id in stored:
            scheduler.remove_job(job_id)

    def _stop_scheduler(self, *, wait: bool) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None

    def next_run_times(self) -> dict[str, datetime | None]:
        if self._scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    # --- One run --------------------------------------------------------------------------

    def execute(self, job_id: str, scheduled_for: datetime) -> bool:
        """Run ``job_id`` for the trigger at ``scheduled_for`` if every gate passes.

        True when it ran (whatever its outcome); False when a gate stopped it.
        """
        job = self.jobs.get(job_id)
        if job is None:
            log.warning("unknown periodic job %s", job_id)
            return False
        now = self.clock()
        fields = {"job": job_id, "scheduled_for": scheduled_for.isoformat(), "worker": self.name}
        if not leader.holds(self.engine, holder=self.name, now=now):
            log.warning("not the leader: periodic job skipped", extra=fields)
            return False
        late = now - scheduled_for
        if late > timedelta(seconds=self.settings.misfire_grace_seconds):
            log.warning("missed by more than the grace time: skipped", extra=fields)
            return False
        run_id = self._claim(job, scheduled_for, now)
        if run_id is None:
            log.info("this trigger already ran: skipped", extra=fields)
            return False
        log.debug("periodic job started", extra=fields)
        started = time.monotonic()
        outcome, summary = "succeeded", ""
        try:
            summary = job.run(
                JobContext(engine=self.engine, settings=self.settings, now=now, clock=self.clock)
            )
        except Exception as error:  # the job's failure is recorded; the scheduler goes on
            outcome, summary = "failed", f"{type(error).__name__}: {error}"
            log.exception("periodic job failed", extra=fields)
        duration = time.monotonic() - started
        with self.engine.begin() as connection:
            connection.execute(
                update(PeriodicRun)
                .where(col(PeriodicRun.id) == run_id)
                .values(
                    outcome=outcome,
                    summary=summary[:2000],
                    finished_at=self.clock(),
                )
            )
        log.info(
            "periodic job finished",
            extra=fields | {"outcome": outcome, "duration": round(duration, 3), "summary": summary},
        )
        return True

    def _claim(self, job: PeriodicJob, scheduled_for: datetime, now: datetime) -> int | None:
        try:
            with self.engine.begin() as connection:
                result = connection.execute(
                    insert(PeriodicRun).values(
                        job_id=job.id,
                        trigger_key=trigger_key(job, scheduled_for),
                        scheduled_for=scheduled_for,
                        holder=self.name,
                        started_at=now,
                        outcome="running",
                    )
                )
                key = result.inserted_primary_key
                return int(key[0]) if key else None
        except IntegrityError:
            return None


def _same_trigger(stored: Any, wanted: Any) -> bool:
    return (
        type(stored) is type(wanted)
        and str(stored) == str(wanted)
        and str(getattr(stored, "timezone", "")) == str(getattr(wanted, "timezone", ""))
    )

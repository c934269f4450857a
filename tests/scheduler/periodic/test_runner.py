"""The runner: the registry's triggers (DST included), the gates of a run (leader, grace
time, once per trigger), and a real APScheduler on the database job store: a missed
trigger runs once after a restart, a miss beyond the grace time does not run."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.models import PeriodicRun, WorkerHeartbeat
from scheduler.periodic import leader
from scheduler.periodic.registry import JobContext, PeriodicJob, periodic_jobs
from scheduler.periodic.runner import PeriodicRunner, trigger_key
from tests.scheduler.periodic.conftest import make_settings
from tests.scheduler.test_worker import wait_for

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC_ZONE = ZoneInfo("UTC")


def fire_times(trigger: CronTrigger, after: datetime, count: int) -> list[datetime]:
    times: list[datetime] = []
    previous = None
    now = after
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        times.append(fire)
        previous = now = fire
    return times


def recording_job(job_id: str, trigger: BaseTrigger, calls: list[datetime]) -> PeriodicJob:
    def run(context: JobContext) -> str:
        calls.append(context.now)
        return f"call {len(calls)}"

    return PeriodicJob(id=job_id, description="test", trigger=trigger, run=run)


def runs(engine: Engine, job_id: str) -> list[PeriodicRun]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(PeriodicRun)
                .where(PeriodicRun.job_id == job_id)
                .order_by(col(PeriodicRun.scheduled_for))
            ).all()
        )


class TestRegistry:
    def test_every_job_has_a_unique_id_a_trigger_and_the_service_time_zone(self) -> None:
        jobs = periodic_jobs(make_settings())
        assert len({job.id for job in jobs}) == len(jobs)
        assert {str(job.trigger.timezone) for job in jobs} == {"Europe/Brussels"}
        ids = {job.id for job in jobs}
        assert {
            "deliver_notifications",
            "detect_conflicts",
            "rolling_generation",
            "swap_expiry_and_reminders",
            "duty_reminders",
            "refresh_stale_feeds",
            "refresh_all_feeds",
            "housekeeping",
        } <= ids

    def test_the_time_zone_follows_the_settings(self) -> None:
        jobs = periodic_jobs(make_settings(timezone="Europe/London"))
        assert {str(job.trigger.timezone) for job in jobs} == {"Europe/London"}

    def test_conflicts_are_checked_often_enough_to_act_within_a_minute(self) -> None:
        job = next(job for job in periodic_jobs(make_settings()) if job.id == "detect_conflicts")
        assert isinstance(job.trigger, IntervalTrigger)
        assert job.trigger.interval <= timedelta(seconds=30)


class TestDaylightSavingTime:
    """APScheduler 3's CronTrigger at 02:30 Europe/Brussels, and the runner's key on top."""

    def test_when_0230_does_not_exist_the_job_fires_once_an_hour_later_in_wall_time(
        self,
    ) -> None:
        trigger = CronTrigger(hour=2, minute=30, timezone=BRUSSELS)
        fires = fire_times(trigger, datetime(2026, 3, 27, 12, tzinfo=BRUSSELS), 4)
        in_utc = [fire.astimezone(UTC_ZONE) for fire in fires]
        assert in_utc == [
            datetime(2026, 3, 28, 1, 30, tzinfo=UTC_ZONE),  # 02:30 CET
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC_ZONE),  # = 03:30 CEST: 02:30 is skipped
            datetime(2026, 3, 30, 0, 30, tzinfo=UTC_ZONE),  # 02:30 CEST
            datetime(2026, 3, 31, 0, 30, tzinfo=UTC_ZONE),
        ]
        assert fires[1].astimezone(UTC_ZONE).astimezone(BRUSSELS).hour == 3

    def test_when_0230_happens_twice_apscheduler_fires_twice(self) -> None:
        trigger = CronTrigger(hour=2, minute=30, timezone=BRUSSELS)
        fires = fire_times(trigger, datetime(2026, 10, 24, 12, tzinfo=BRUSSELS), 3)
        assert [fire.astimezone(UTC_ZONE) for fire in fires] == [
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC_ZONE),  # 02:30 CEST
            datetime(2026, 10, 25, 1, 30, tzinfo=UTC_ZONE),  # 02:30 CET, an hour later
            datetime(2026, 10, 26, 1, 30, tzinfo=UTC_ZONE),
        ]

    def test_both_0230s_of_25_october_share_one_trigger_key_and_the_days_around_do_not(
        self,
    ) -> None:
        job = recording_job("nightly", CronTrigger(hour=2, minute=30, timezone=BRUSSELS), [])
        first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
        assert trigger_key(job, first) == trigger_key(job, second) == "2026-10-25T02:30:00"
        assert trigger_key(job, second + timedelta(days=1)) == "2026-10-26T02:30:00"
        # Interval jobs are keyed by the instant: their two 02:30s are different triggers.
        interval = recording_job("often", IntervalTrigger(minutes=30, timezone=BRUSSELS), [])
        assert trigger_key(interval, first) != trigger_key(interval, second)

    def test_the_runner_runs_the_0230_job_once_on_25_october(self, periodic_engine: Engine) -> None:
        calls: list[datetime] = []
        job = recording_job("nightly", CronTrigger(hour=2, minute=30, timezone=BRUSSELS), calls)
        first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
        clock = [first]
        runner = leading_runner(periodic_engine, [job], clock)
        assert runner.execute("nightly", first) is True
        clock[0] = second
        assert runner.execute("nightly", second) is False
        clock[0] = first + timedelta(days=1)
        assert runner.execute("nightly", first + timedelta(days=1)) is True
        assert len(calls) == 2


def leading_runner(
    engine: Engine, jobs: list[PeriodicJob], clock: list[datetime], **settings: object
) -> PeriodicRunner:
    """A runner that holds the lease at ``clock[0]`` (no scheduler started)."""
    runner = PeriodicRunner(
        engine,
        settings=make_settings(**settings),
        name="test-runner",
        jobs=jobs,
        clock=lambda: clock[0],
    )
    assert leader.try_acquire(engine, holder=runner.name, now=clock[0], lease=timedelta(days=400))
    return runner


class TestGates:
    T = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    def test_a_run_is_recorded_with_outcome_summary_and_times(
        self, periodic_engine: Engine
    ) -> None:
        calls: list[datetime] = []
        job = recording_job("often", IntervalTrigger(minutes=1, timezone=BRUSSELS), calls)
        runner = leading_runner(periodic_engine, [job], [self.T])
        assert runner.execute("often", self.T - timedelta(seconds=5))
        assert calls == [self.T]  # the job sees the runner's clock
        (run,) = runs(periodic_engine, "often")
        assert (run.outcome, run.summary, run.holder) == ("succeeded", "call 1", "test-runner")
        assert run.scheduled_for == self.T - timedelta(seconds=5)
        assert run.finished_at == self.T

    def test_each_trigger_runs_once(self, periodic_engine: Engine) -> None:
        calls: list[datetime] = []
        job = recording_job("often", IntervalTrigger(minutes=1, timezone=BRUSSELS), calls)
        runner = leading_runner(periodic_engine, [job], [self.T])
        assert runner.execute("often", self.T)
        assert not runner.execute("often", self.T)
        assert runner.execute("often", self.T + timedelta(minutes=1))
        assert len(calls) == 2

    def test_a_worker_without_the_lease_runs_nothing(self, periodic_engine: Engine) -> None:
        calls: list[datetime] = []
        job = recording_job("often", IntervalTrigger(minutes=1, timezone=BRUSSELS), calls)
        leading_runner(periodic_engine, [job], [self.T])
        follower = PeriodicRunner(
            periodic_engine,
            settings=make_settings(),
            name="follower",
            jobs=[job],
            clock=lambda: self.T,
        )
        assert not follower.execute("often", self.T)
        assert calls == [] and runs(periodic_engine, "often") == []

    def test_the_grace_time_is_inclusive_and_a_later_run_is_skipped(
        self, periodic_engine: Engine
    ) -> None:
        calls: list[datetime] = []
        job = recording_job("often", IntervalTrigger(minutes=1, timezone=BRUSSELS), calls)
        runner = leading_runner(periodic_engine, [job], [self.T], misfire_grace_seconds=600)
        assert runner.execute("often", self.T - timedelta(seconds=600))
        assert not runner.execute("often", self.T - timedelta(seconds=601))
        assert len(calls) == 1

    def test_a_failing_job_is_recorded_failed_and_the_next_trigger_runs(
        self, periodic_engine: Engine
    ) -> None:
        attempts: list[int] = []

        def run(context: JobContext) -> str:
            attempts.append(1)
            if len(attempts) == 1:
                raise RuntimeError("the mail server is on fire")
            return "fine"

        job = PeriodicJob(id="flaky", description="", trigger=IntervalTrigger(minutes=1), run=run)
        runner = leading_runner(periodic_engine, [job], [self.T])
        assert runner.execute("flaky", self.T)
        assert runner.execute("flaky", self.T + timedelta(minutes=1))
        first, second = runs(periodic_engine, "flaky")
        assert first.outcome == "failed" and "on fire" in (first.summary or "")
        assert second.outcome == "succeeded"


@pytest.mark.slow
class TestMisfires:
    """A real BackgroundScheduler with the job store in the service database."""

    def make_runner(
        self, engine: Engine, name: str, job: PeriodicJob, grace: int
    ) -> PeriodicRunner:
        return PeriodicRunner(
            engine,
            settings=make_settings(leader_lease_seconds=30, misfire_grace_seconds=grace),
            name=name,
            jobs=[job],
        )

    def test_triggers_missed_while_down_run_once_when_a_worker_comes_back(
        self, periodic_engine: Engine
    ) -> None:
        calls: list[datetime] = []
        job = recording_job("every2s", IntervalTrigger(seconds=2, timezone=BRUSSELS), calls)
        first = self.make_runner(periodic_engine, "first", job, grace=60)
        assert first.tick()
        stored_next = first.next_run_times()["every2s"]
        assert stored_next is not None
        first.stop()  # before the first trigger; the lease is released
        assert calls == []
        # Everyone is down for two or three triggers.
        time.sleep(5)
        back_at = datetime.now(UTC)
        second = self.make_runner(periodic_engine, "second", job, grace=60)
        assert second.tick()
        try:
            wait_for(lambda: len(runs(periodic_engine, "every2s")) >= 1, seconds=5)
        finally:
            second.stop()
        missed = [run for run in runs(periodic_engine, "every2s") if run.scheduled_for < back_at]
        assert len(missed) == 1  # coalesced: once, not once per missed trigger
        assert missed[0].holder == "second"
        # It is the latest missed trigger, counted on from the stored schedule.
        elapsed = (missed[0].scheduled_for - stored_next).total_seconds()
        assert elapsed > 0 and elapsed % 2 == pytest.approx(0, abs=0.01)

    def test_a_miss_older_than_the_grace_time_is_skipped(self, periodic_engine: Engine) -> None:
        calls: list[datetime] = []
        job = recording_job("every6s", IntervalTrigger(seconds=6, timezone=BRUSSELS), calls)
        first = self.make_runner(periodic_engine, "first", job, grace=1)
        assert first.tick()
        missed = first.next_run_times()["every6s"]
        assert missed is not None
        first.stop()
        # Come back 1.5 s after the trigger (grace 1 s), well before the next one.
        time.sleep((missed - datetime.now(UTC)).total_seconds() + 1.5)
        second = self.make_runner(periodic_engine, "second", job, grace=1)
        assert second.tick()
        time.sleep(0.5)
        next_run = second.next_run_times()["every6s"]
        second.stop()
        assert calls == [] and runs(periodic_engine, "every6s") == []
        assert next_run is not None and next_run > missed

    def test_a_changed_trigger_replaces_the_stored_schedule(self, periodic_engine: Engine) -> None:
        slow = recording_job("job", IntervalTrigger(hours=1, timezone=BRUSSELS), [])
        first = self.make_runner(periodic_engine, "first", slow, grace=60)
        first.tick()
        hourly = first.next_run_times()["job"]
        first.stop()
        fast = recording_job("job", IntervalTrigger(minutes=1, timezone=BRUSSELS), [])
        second = self.make_runner(periodic_engine, "second", fast, grace=60)
        second.tick()
        minutely = second.next_run_times()["job"]
        second.stop()
        assert hourly is not None and minutely is not None
        assert minutely < hourly - timedelta(minutes=30)


def test_stop_waits_for_a_running_job_and_releases_the_lease(periodic_engine: Engine) -> None:
    started, release = threading.Event(), threading.Event()

    def run(context: JobContext) -> str:
        started.set()
        release.wait(5)
        return "done"

    job = PeriodicJob(id="slow", description="", trigger=IntervalTrigger(minutes=1), run=run)
    clock = [datetime.now(UTC)]
    runner = leading_runner(periodic_engine, [job], clock)
    worker = threading.Thread(target=runner.execute, args=("slow", clock[0]))
    worker.start()
    assert started.wait(5)
    release.set()
    worker.join(5)
    runner.stop()
    (run_row,) = runs(periodic_engine, "slow")
    assert run_row.outcome == "succeeded"


def test_the_new_leader_marks_runs_left_running_by_a_lost_leader_failed(
    periodic_engine: Engine,
) -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with Session(periodic_engine) as session:
        for job_id, holder, outcome in [
            ("killed", "host:111", "running"),
            ("finished", "host:111", "succeeded"),
        ]:
            session.add(
                PeriodicRun(
                    job_id=job_id, trigger_key=job_id, scheduled_for=now, holder=holder,
                    started_at=now - timedelta(minutes=1), outcome=outcome,
                )
            )  # fmt: skip
        session.commit()
    job = recording_job("job", IntervalTrigger(hours=1, timezone=BRUSSELS), [])
    follower = PeriodicRunner(
        periodic_engine, settings=make_settings(), name="follower", jobs=[job],
        clock=lambda: now, lead=False,
    )  # fmt: skip
    follower.tick()  # a worker that does not lead leaves the runs alone
    assert runs(periodic_engine, "killed")[0].outcome == "running"
    successor = PeriodicRunner(
        periodic_engine, settings=make_settings(), name="successor", jobs=[job], clock=lambda: now
    )
    try:
        assert successor.tick()
        (abandoned,) = runs(periodic_engine, "killed")
        assert abandoned.outcome == "failed" and abandoned.finished_at == now
        assert abandoned.summary == "abandoned: host:111 lost the lead before the run finished"
        (finished,) = runs(periodic_engine, "finished")
        assert finished.outcome == "succeeded" and finished.summary is None
    finally:
        successor.stop()


def test_a_worker_that_does_not_lead_still_beats_and_leaves_the_lease_free(
    periodic_engine: Engine,
) -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    follower = PeriodicRunner(
        periodic_engine, settings=make_settings(), name="generation-only", clock=lambda: now,
        lead=False,
    )  # fmt: skip
    assert follower.tick() is False and not follower.is_leader
    with Session(periodic_engine) as session:
        heartbeat = session.get(WorkerHeartbeat, "generation-only")
        assert heartbeat is not None and (heartbeat.beat_at, heartbeat.is_leader) == (now, False)
    assert leader.try_acquire(periodic_engine, holder="other", now=now, lease=timedelta(seconds=30))

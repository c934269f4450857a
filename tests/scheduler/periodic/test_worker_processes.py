"""Two real ``permanence worker`` processes on PostgreSQL: one leads, each periodic job
runs once per trigger, killing the leader hands the jobs to the other within the lease
time, and SIGTERM stops a worker cleanly, giving the lease up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import groupby, pairwise
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.db import make_engine
from scheduler.migrate import upgrade
from scheduler.models import LeaderLease, PeriodicRun
from tests.conftest import ThrowawayPostgres
from tests.scheduler.test_worker import wait_for

LEASE_SECONDS = 3.0
JOB = "deliver_notifications"  # every second here


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    database = ThrowawayPostgres(postgres_url)
    try:
        upgrade(database.url)
        yield database.url
    finally:
        database.drop()


class WorkerProcess:
    def __init__(self, database_url: str, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "worker", "--poll-interval", "0.5"],
            env=os.environ
            | {
                "PERMANENCE_DATABASE_URL": database_url,
                "PERMANENCE_LEADER_LEASE_SECONDS": str(LEASE_SECONDS),
                "PERMANENCE_DELIVERY_INTERVAL_SECONDS": "1",
            },
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def owns(self, holder: str) -> bool:
        return holder.endswith(f":{self.pid}")

    def log_lines(self) -> list[dict[str, object]]:
        lines = []
        for line in self.log.read_text().splitlines():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return lines

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def job_runs(engine: Engine) -> list[PeriodicRun]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(PeriodicRun)
                .where(PeriodicRun.job_id == JOB)
                .order_by(col(PeriodicRun.scheduled_for))
            ).all()
        )


def lease_holder(engine: Engine) -> LeaderLease | None:
    with Session(engine) as session:
        return session.exec(select(LeaderLease)).first()


def assert_each_trigger_once(runs: list[PeriodicRun]) -> None:
    """One run per trigger: distinct trigger times on the one-second schedule.

    A step of more than a second is a coalesced miss (the leader was down or, on a busy
    machine, its scheduler thread woke late), never a repeat.
    """
    times = [run.scheduled_for for run in runs]
    assert len(set(times)) == len(times)
    steps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert all(abs(step - round(step)) < 0.01 and step >= 1 for step in steps), steps


def assert_one_leader_at_a_time(runs: list[PeriodicRun]) -> None:
    """The runs of each worker form one block in trigger order: nobody ran beside the leader.

    (Under heavy load a worker may lose a short lease at start-up and hand over once.)
    """
    blocks = [holder for holder, _ in groupby(run.holder for run in runs)]
    assert len(blocks) == len(set(blocks)), blocks


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_run_each_trigger_once_and_the_survivor_takes_over(
    postgres_database: str, tmp_path: Path
) -> None:
    engine = make_engine(postgres_database)
    workers = [WorkerProcess(postgres_database, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    try:
        wait_for(lambda: len(job_runs(engine)) >= 4, seconds=30)
        lease = lease_holder(engine)
        assert lease is not None
        (leader,) = [worker for worker in workers if worker.owns(lease.holder)]
        (follower,) = [worker for worker in workers if worker is not leader]
        runs = job_runs(engine)
        assert_each_trigger_once(runs)
        assert_one_leader_at_a_time(runs)
        assert runs[-1].holder == lease.holder
        # Structured logs: each finished run names the job, the worker and the outcome.
        finished = [line for line in leader.log_lines() if line.get("job") == JOB]
        assert finished and {line["worker"] for line in finished} == {lease.holder}
        assert {line["outcome"] for line in finished if "outcome" in line} == {"succeeded"}

        leader.process.send_signal(signal.SIGKILL)
        leader.process.wait(timeout=10)
        killed_at = datetime.now(UTC)

        def runs_since_kill() -> list[PeriodicRun]:
            return [
                run
                for run in job_runs(engine)
                if follower.owns(run.holder) and run.started_at > killed_at
            ]

        wait_for(lambda: bool(runs_since_kill()), seconds=LEASE_SECONDS + 5)
        first_by_follower = min(run.started_at for run in runs_since_kill())
        # The lease expires at most LEASE_SECONDS after the last renewal; the follower
        # tries every third of that, and the triggers missed meanwhile run at once (coalesced).
        assert first_by_follower - killed_at < timedelta(seconds=LEASE_SECONDS + 3)
        count = len(job_runs(engine))
        wait_for(lambda: len(job_runs(engine)) >= count + 3, seconds=10)
        runs = job_runs(engine)
        assert_each_trigger_once(runs)
        assert all(follower.owns(run.holder) for run in runs if run.started_at > killed_at)
        # The leader may have been killed mid-run: the follower marks that run failed when
        # it takes the lead. Every other finished run succeeded.
        by_leader = [run for run in runs if leader.owns(run.holder)]
        assert {run.outcome for run in by_leader[:-1]} == {"succeeded"}
        assert by_leader[-1].outcome == "succeeded" or (
            by_leader[-1].outcome == "failed"
            and by_leader[-1].summary
            == f"abandoned: {by_leader[-1].holder} lost the lead before the run finished"
        )
        by_follower = [run for run in runs if follower.owns(run.holder)]
        assert {run.outcome for run in by_follower[:-1]} == {"succeeded"}

        follower.process.send_signal(signal.SIGTERM)
        assert follower.process.wait(timeout=20) == 0
        lease = lease_holder(engine)
        assert lease is not None and follower.owns(lease.holder)
        assert lease.expires_at < datetime.now(UTC)  # given up, not left to expire
    finally:
        for worker in workers:
            worker.stop()
        engine.dispose()

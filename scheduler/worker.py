"""The generation worker: claims queued jobs and runs the solver in a child process.

The solver never runs in a web process: each job gets a fresh child process
(forked from a clean fork server, so no database connection or thread leaks
into it) that streams progress back over a pipe. The worker writes progress and a heartbeat
to the job row, polls the row for a cancel request, and stores the result as a
draft version. A child that dies fails its job; a worker that dies stops
beating, and any other worker marks its job failed after ``stale_after``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import DomainError
from scheduler.models import GenerationJob
from scheduler.models.types import utcnow
from scheduler.services import jobs
from scheduler.services.rotas import generation_scenario, store_version
from solver.rota import Rota
from solver.scenario import ScenarioError, ShiftPerson, parse_scenario, scenario_to_data

log = logging.getLogger("permanence.worker")

STORED_STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "INVALID")


def _solve_in_child(scenario_data: dict[str, Any], results: Connection, stop: Event) -> None:
    """Child process body: solve and send ("progress", …) messages, then ("result", rota)."""
    from solver.solve import Progress, solve

    parent = os.getppid()

    def should_stop() -> bool:
        # A worker killed outright cannot set the event; a changed parent id tells the same.
        return stop.is_set() or os.getppid() != parent

    def report(progress: Progress) -> None:
        results.send(("progress", asdict(progress)))

    scenario = parse_scenario(scenario_data)
    rota = solve(scenario, progress=report, stop=should_stop)
    results.send(("result", rota.model_dump(mode="json")))
    results.close()


def solver_context() -> multiprocessing.context.ForkServerContext:
    """Processes for solves: forked from a clean fork server that has the solver loaded.

    Forking the worker itself would copy its database connections and threads;
    spawning a fresh interpreter per job costs seconds of imports. A fork server
    is started once, clean, with the solver preloaded, and forks in milliseconds.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["solver.solve", "scheduler.worker"])
    return context


def changes_against(previous: Sequence[ShiftPerson], rota: Rota) -> dict[str, Any]:
    """How many duties of the published rota a re-plan changed, and whose they were.

    A duty changed when the people on its shift differ; the people named are
    those who lose or gain it.
    """
    before: dict[str, set[str]] = defaultdict(set)
    after: dict[str, set[str]] = defaultdict(set)
    for pin in previous:
        before[pin.shift].add(pin.person)
    for duty in rota.assignments:
        after[duty.shift].add(duty.person)
    changed = sorted(
        shift for shift in before.keys() | after.keys() if before[shift] != after[shift]
    )
    people = sorted(set().union(*(before[shift] ^ after[shift] for shift in changed)))
    return {"count": len(changed), "shifts": changed, "people": people}


class Worker:
    """Runs generation jobs one at a time; several workers may share a database."""

    def __init__(
        self,
        engine: Engine,
        *,
        name: str | None = None,
        poll_interval: float = 1.0,
        heartbeat_interval: float = 1.0,
        stale_after: timedelta = jobs.DEFAULT_STALE_AFTER,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.clock = clock  # "now" for re-planning's frozen window; tests move it
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.poll_interval = poll_interval
        self.heartbeat_interval = heartbeat_interval
        self.stale_after = stale_after
        self._shutdown = threading.Event()

    def stop(self) -> None:
        """Ask the worker to stop; a running solve is stopped and its job re-queued."""
        self._shutdown.set()

    def run(self) -> None:
        log.info("worker %s polling for generation jobs", self.name)
        while not self._shutdown.is_set():
            if self.run_once() is None:
                self._shutdown.wait(self.poll_interval)

    def run_once(self) -> int | None:
        """Reap stale jobs, then claim and run one job; its id, or None if none was queued."""
        with Session(self.engine, expire_on_commit=False) as session:
            reaped = jobs.reap_stale(session, stale_after=self.stale_after)
            for job_id in reaped:
                log.warning("job %s lost its worker and was marked failed", job_id)
            job = jobs.claim_next(session, worker=self.name)
        if job is None:
            return None
        assert job.id is not None
        log.info("worker %s runs job %s", self.name, job.id)
        try:
            self._run(job)
        except Exception as error:  # the job must end whatever went wrong
            log.exception("job %s failed", job.id)
            with Session(self.engine) as session:
                jobs.finish(session, job_id=job.id, status="failed", error=str(error))
        return job.id

    def _run(self, job: GenerationJob) -> None:
        assert job.id is not None
        params = job.params
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                scenario = generation_scenario(
                    session,
                    cooperation_id=job.cooperation_id,
                    start=job.horizon_start,
                    end=job.horizon_end,
                    roles=params.get("roles"),
                    replan=bool(params.get("replan")),
                    frozen_days=int(params.get("frozen_days", 7)),
                    now=self.clock(),
                    time_limit=params.get("time_limit"),
                )
            except (DomainError, ScenarioError) as error:
                jobs.finish(session, job_id=job.id, status="failed", error=str(error))
                return

        context = solver_context()
        receiver, sender = context.Pipe(duplex=False)
        stop = context.Event()
        child = context.Process(
            target=_solve_in_child,
            args=(scenario_to_data(scenario), sender, stop),
            name=f"permanence-solve-{job.id}",
            daemon=True,
        )
        child.start()
        sender.close()
        progress: dict[str, Any] = {"stage": "building model", "elapsed": 0.0}
        result: dict[str, Any] | None = None
        cancelled = requeue = False
        last_beat = 0.0
        with Session(self.engine, expire_on_commit=False) as session:
            while True:
                if receiver.poll(0.2):
                    try:
                        kind, payload = receiver.recv()
                    except EOFError:
                        break
                    if kind == "progress":
                        progress = {"stage": "solving", **payload}
                    else:
                        result = payload
                        break
                elif not child.is_alive():
                    break
                now = time.monotonic()
                if now - last_beat >= self.heartbeat_interval:
                    last_beat = now
                    if (
                        jobs.heartbeat(session, job_id=job.id, progress=progress)
                        and not stop.is_set()
                    ):
                        cancelled = True
                        stop.set()
                if self._shutdown.is_set() and not stop.is_set():
                    requeue = True
                    stop.set()
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
            if requeue:
                self._requeue(session, job.id)
                return
            if result is None:
                jobs.finish(
                    session,
                    job_id=job.id,
                    status="failed",
                    error=f"the solver process ended without a result (exit code {child.exitcode})",
                    progress=progress,
                )
                return
            rota = Rota.model_validate(result)
            if scenario.previous:
                progress = progress | {"changes": changes_against(scenario.previous, rota)}
            self._store(session, job, rota, cancelled, progress)

    def _store(
        self,
        session: Session,
        job: GenerationJob,
        rota: Rota,
        cancelled: bool,
        progress: dict[str, Any],
    ) -> None:
        assert job.id is not None
        final = progress | {
            "stage": "done",
            "status": rota.status,
            "objective": rota.objective.value,
            "bound": rota.objective.bound,
            "elapsed": rota.solve_seconds,
        }
        if rota.status not in STORED_STATUSES:
            # UNKNOWN: no rota at all (time ran out or cancelled before a first solution).
            jobs.finish(
                session,
                job_id=job.id,
                status="cancelled" if cancelled else "failed",
                error=None if cancelled else "no rota found within the time limit",
                progress=final,
            )
            return
        version = store_version(
            session,
            cooperation_id=job.cooperation_id,
            horizon_start=job.horizon_start,
            horizon_end=job.horizon_end,
            rota=rota,
            source="solver",
            created_by_id=job.requested_by_id,
        )
        session.commit()
        finished = jobs.finish(
            session,
            job_id=job.id,
            status="cancelled" if cancelled else "succeeded",
            result_version_id=version.id,
            progress=final,
        )
        if not finished:
            # The job was reaped meanwhile; keep the draft (it is valid) but say so.
            log.warning(
                "job %s finished after being marked failed; draft %s kept", job.id, version.id
            )

    def _requeue(self, session: Session, job_id: int) -> None:
        from sqlalchemy import update
        from sqlmodel import col

        session.execute(
            update(GenerationJob)
            .where(col(GenerationJob.id) == job_id, col(GenerationJob.status) == "running")
            .values(status="queued", worker=None, started_at=None, heartbeat_at=None, progress={})
        )
        session.commit()
        log.info("job %s re-queued at shutdown", job_id)


def start_in_thread(worker: Worker) -> threading.Thread:
    """Run ``worker`` in a daemon thread (the embedded default: API and worker together)."""
    thread = threading.Thread(target=worker.run, name="permanence-worker", daemon=True)
    thread.start()
    return thread

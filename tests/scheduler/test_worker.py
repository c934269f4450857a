"""Generation jobs end to end: a real worker runs the real solver in a child process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from scheduler.models import GenerationJob, RotaVersion
from scheduler.services import jobs, rotas
from scheduler.services.jobs import GenerationRequest
from scheduler.worker import Worker
from solver.rota import Rota
from solver.shifts import expand
from solver.validate import validate
from tests.scheduler.conftest import BEFORE_HORIZON, PLANNING_HORIZON, Planning

pytestmark = pytest.mark.slow

START, END = PLANNING_HORIZON
BRUSSELS = ZoneInfo("Europe/Brussels")


def queue(planning: Planning, **fields: object) -> int:
    request = GenerationRequest.model_validate({"start": START, "end": END} | fields)
    with planning.session() as session:
        job = jobs.create_job(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            request=request,
        )
        assert job.id is not None
        return job.id


def job_row(planning: Planning, job_id: int) -> GenerationJob:
    with planning.session() as session:
        job = session.get(GenerationJob, job_id)
        assert job is not None
        return job


def worker(planning: Planning, **options: object) -> Worker:
    return Worker(planning.engine, clock=lambda: BEFORE_HORIZON, poll_interval=0.1, **options)  # type: ignore[arg-type]


def wait_for(condition: object, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def publish(planning: Planning, version_id: int) -> None:
    with planning.session() as session:
        rotas.publish_version(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            version_id=version_id,
        )


def generate(planning: Planning, **fields: object) -> int:
    job_id = queue(planning, **fields)
    assert worker(planning).run_once() == job_id
    job = job_row(planning, job_id)
    assert job.status == "succeeded", job.error
    assert job.result_version_id is not None
    return job.result_version_id


class TestJobLifecycle:
    def test_a_job_runs_once_and_stores_a_draft_that_passes_the_validator(
        self, planning: Planning
    ) -> None:
        job_id = queue(planning)
        runner = worker(planning)
        assert runner.run_once() == job_id
        assert runner.run_once() is None  # nothing left: the job ran exactly once

        job = job_row(planning, job_id)
        assert job.status == "succeeded"
        assert job.progress["stage"] == "done"
        assert job.progress["status"] in ("OPTIMAL", "FEASIBLE")
        assert job.started_at is not None and job.finished_at is not None
        with planning.session() as session:
            version = session.get(RotaVersion, job.result_version_id)
            assert version is not None and version.status == "draft"
            rota = Rota.model_validate(version.rota)
            scenario = rotas.generation_scenario(
                session,
                cooperation_id=planning.cooperation_id,
                start=START,
                end=END,
                now=BEFORE_HORIZON,
            )
        assert len(rota.assignments) == 5  # five weekly shifts, one person each
        assert validate(expand(scenario), rota.assignments) == []

    def test_cancelling_a_queued_job_means_it_never_runs(self, planning: Planning) -> None:
        job_id = queue(planning)
        with planning.session() as session:
            jobs.cancel_job(
                session=session,
                actor=planning.planner_hh,
                cooperation_id=planning.cooperation_id,
                job_id=job_id,
            )
        assert worker(planning).run_once() is None
        assert job_row(planning, job_id).status == "cancelled"

    def test_cancelling_a_finished_job_conflicts(self, planning: Planning) -> None:
        generate(planning)
        with planning.session() as session:
            job_id = session.exec(select(GenerationJob.id)).one()
            assert job_id is not None
            with pytest.raises(Exception, match="already succeeded"):
                jobs.cancel_job(
                    session=session,
                    actor=planning.planner_hh,
                    cooperation_id=planning.cooperation_id,
                    job_id=job_id,
                )

    def test_an_unknown_role_is_refused_naming_the_field(self, planning: Planning) -> None:
        with pytest.raises(Exception) as refused:
            queue(planning, roles=["XX"])
        assert refused.value.fields[0].field == "roles"  # type: ignore[attr-defined]

    def test_a_running_job_is_cancelled_quickly_and_keeps_its_best_rota(
        self, committed_engine: object
    ) -> None:
        from solver.demo import demo_scenario
        from tests.scheduler.conftest import import_planning

        # Eight zones: too large to prove optimal in seconds, so the job is still running.
        scenario = demo_scenario(zones=8)
        scenario = scenario.model_copy(
            update={"solver": scenario.solver.model_copy(update={"time_limit": 120})}
        )
        planning = import_planning(committed_engine, scenario)  # type: ignore[arg-type]
        job_id = queue(planning)
        runner = worker(planning)
        thread = threading.Thread(target=runner.run_once)
        thread.start()
        wait_for(lambda: job_row(planning, job_id).progress.get("objective") is not None)
        asked = time.monotonic()
        with planning.session() as session:
            jobs.cancel_job(
                session=session,
                actor=planning.planner_hh,
                cooperation_id=planning.cooperation_id,
                job_id=job_id,
            )
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 10
        job = job_row(planning, job_id)
        assert job.status == "cancelled"
        assert job.result_version_id is not None  # the best rota found is kept as a draft


class TestWorkersTogether:
    def test_two_workers_run_five_jobs_each_exactly_once(self, planning: Planning) -> None:
        job_ids = [queue(planning) for _ in range(5)]
        runners = [worker(planning, name=f"w{number}") for number in (1, 2)]
        ran: dict[str, list[int]] = {runner.name: [] for runner in runners}

        def drain(runner: Worker) -> None:
            while (job_id := runner.run_once()) is not None:
                ran[runner.name].append(job_id)

        threads = [threading.Thread(target=drain, args=(runner,)) for runner in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(ran["w1"] + ran["w2"]) == job_ids  # each once, none twice
        with planning.session() as session:
            statuses = session.exec(select(GenerationJob.status)).all()
            versions = session.exec(select(func.count()).select_from(RotaVersion)).one()
        assert statuses == ["succeeded"] * 5
        assert versions == 5

    def test_a_killed_worker_fails_its_job_and_leaves_the_published_rota_alone(
        self, planning: Planning, committed_database_url: str
    ) -> None:
        published = generate(planning)
        publish(planning, published)
        with planning.session() as session:
            before = rotas.version_duties(session, session.get(RotaVersion, published))  # type: ignore[arg-type]
        scenario_seconds = 60
        job_id = queue(planning, replan=True, time_limit=scenario_seconds)
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "worker", "--poll-interval", "0.1"],
            env=os.environ | {"PERMANENCE_DATABASE_URL": committed_database_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(lambda: job_row(planning, job_id).status == "running", seconds=30)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert job_row(planning, job_id).status == "running"  # nobody closed it

        reaper = worker(planning, stale_after=timedelta(seconds=1))
        time.sleep(1.5)
        assert reaper.run_once() is None
        job = job_row(planning, job_id)
        assert job.status == "failed"
        assert job.error is not None and "stopped responding" in job.error
        with planning.session() as session:
            version = session.get(RotaVersion, published)
            assert version is not None and version.status == "published"
            assert rotas.version_duties(session, version) == before


class TestPublishing:
    def test_publishing_supersedes_the_previous_version(self, planning: Planning) -> None:
        first, second = generate(planning), generate(planning)
        publish(planning, first)
        publish(planning, second)
        with planning.session() as session:
            assert session.get(RotaVersion, first).status == "superseded"  # type: ignore[union-attr]
            assert session.get(RotaVersion, second).status == "published"  # type: ignore[union-attr]

    def test_the_database_refuses_two_published_versions_of_one_horizon(
        self, planning: Planning
    ) -> None:
        first, second = generate(planning), generate(planning)
        with planning.session() as session:
            for version_id in (first, second):
                version = session.get(RotaVersion, version_id)
                assert version is not None
                version.status = "published"
                session.add(version)
            with pytest.raises(IntegrityError):
                session.commit()

    def test_concurrent_publishes_leave_exactly_one_published_version(
        self, planning: Planning
    ) -> None:
        drafts = [generate(planning) for _ in range(4)]
        barrier = threading.Barrier(len(drafts))
        outcomes: list[str] = []

        def attempt(version_id: int) -> None:
            barrier.wait()
            try:
                publish(planning, version_id)
                outcomes.append("published")
            except Exception as error:
                outcomes.append(type(error).__name__)

        threads = [threading.Thread(target=attempt, args=(draft,)) for draft in drafts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert set(outcomes) <= {"published", "Conflict"}
        with planning.session() as session:
            published = session.exec(
                select(func.count())
                .select_from(RotaVersion)
                .where(RotaVersion.status == "published")
            ).one()
        assert published == 1


class TestReplanning:
    def test_replan_after_an_absence_changes_only_the_affected_duty(
        self, planning: Planning
    ) -> None:
        from scheduler.models import Absence, Person

        published = generate(planning)
        publish(planning, published)
        with planning.session() as session:
            duties = rotas.version_duties(session, session.get(RotaVersion, published))  # type: ignore[arg-type]
            affected = duties[2]  # the third week
            person = session.exec(select(Person).where(Person.code == affected.person)).one()
            local_start = affected.start.astimezone(BRUSSELS).replace(tzinfo=None)
            session.add(
                Absence(
                    cooperation_id=planning.cooperation_id,
                    person_id=person.id,  # type: ignore[arg-type]
                    start=local_start.replace(hour=0),
                    end=local_start.replace(hour=0) + timedelta(days=7),
                    whole_days=True,
                    reason="sick",
                )
            )
            session.commit()
        job_id = queue(planning, replan=True, frozen_days=0)
        assert worker(planning).run_once() == job_id
        job = job_row(planning, job_id)
        replanned = job.result_version_id
        assert replanned is not None
        with planning.session() as session:
            diff = rotas.diff_versions(
                session=session,
                actor=planning.planner_hh,
                cooperation_id=planning.cooperation_id,
                base_id=published,
                other_id=replanned,
            )
        assert diff.count == 1
        assert diff.changes[0].shift == affected.shift
        assert diff.changes[0].before == [affected.person]
        assert affected.person not in diff.changes[0].after
        # The job's result says how many duties changed, and for whom.
        assert job.progress["changes"] == {
            "count": 1,
            "shifts": [affected.shift],
            "people": sorted([affected.person, *diff.changes[0].after]),
        }

    def test_the_frozen_window_pins_published_duties(self, planning: Planning) -> None:
        published = generate(planning)
        publish(planning, published)
        with planning.session() as session:
            duties = rotas.version_duties(session, session.get(RotaVersion, published))  # type: ignore[arg-type]
        # The clock stands at the horizon start: 14 frozen days pin the first two weeks.
        job_id = queue(planning, replan=True, frozen_days=14)
        runner = Worker(planning.engine, clock=lambda: duties[0].start)
        assert runner.run_once() == job_id
        job = job_row(planning, job_id)
        with planning.session() as session:
            version = session.get(RotaVersion, job.result_version_id)
            assert version is not None
            new_duties = rotas.version_duties(session, version)
        assert [duty.person for duty in new_duties[:2]] == [duty.person for duty in duties[:2]]
        assert all(duty.fixed for duty in new_duties[:2])
        assert not any(duty.fixed for duty in new_duties[2:])


def test_history_of_published_horizons_feeds_the_next_horizon(planning: Planning) -> None:
    published = generate(planning)
    publish(planning, published)
    with planning.session() as session:
        next_scenario = rotas.generation_scenario(
            session,
            cooperation_id=planning.cooperation_id,
            start=END,
            end=date(2026, 5, 4),
            now=BEFORE_HORIZON,
        )
        duties = rotas.version_duties(session, session.get(RotaVersion, published))  # type: ignore[arg-type]
    carried = sum(loads.get("OVW", 0) for loads in next_scenario.history.load.people.values())
    assert carried == pytest.approx(sum(duty.load for duty in duties))
    # The last published week reaches into the new horizon's first day: it must be in the
    # history duties, so rest and gap rules hold across the boundary.
    last = duties[-1]
    assert (last.person, last.start) in {
        (duty.person, next_scenario.instant(duty.start)) for duty in next_scenario.history.duties
    }

"""Operations over HTTP: /healthz, /readyz (database and worker heartbeat) and
/api/v1/jobs (next run times, last runs with outcome and duration, leader, workers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.app import create_app
from scheduler.db import make_engine
from scheduler.models import PeriodicRun, Person, ReminderOptIn, RollingPolicy, WorkerHeartbeat
from scheduler.periodic.registry import periodic_jobs
from scheduler.periodic.runner import PeriodicRunner
from tests.factories import auth_headers, make_cooperation, make_user, make_zone
from tests.scheduler.conftest import Planning
from tests.scheduler.periodic.conftest import make_settings

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(periodic_engine: Engine) -> Iterator[TestClient]:
    app = create_app(engine=periodic_engine)
    app.state.clock = lambda: T
    with TestClient(app) as test_client:
        yield test_client


def beat(engine: Engine, at: datetime) -> None:
    with Session(engine) as session:
        session.add(WorkerHeartbeat(name="worker-1", started_at=at, beat_at=at))
        session.commit()


class TestProbes:
    def test_healthz_says_the_process_is_up(self, client: TestClient) -> None:
        response = client.get("/healthz")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})

    def test_not_ready_before_any_worker_beat(self, client: TestClient) -> None:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["ready"] is False and body["checks"]["database"] == "ok"
        assert "no worker" in body["checks"]["worker"]

    def test_ready_with_a_fresh_heartbeat_and_not_with_a_stale_one(
        self, client: TestClient, periodic_engine: Engine
    ) -> None:
        # Stale after three leases of 30 s: 90 s is fresh, 91 s is not.
        beat(periodic_engine, T - timedelta(seconds=90))
        fresh = client.get("/readyz")
        assert fresh.status_code == 200 and fresh.json()["ready"] is True
        assert fresh.json()["checks"]["worker"].startswith("ok: worker-1")
        client.app.state.clock = lambda: T + timedelta(seconds=1)  # type: ignore[attr-defined]
        stale = client.get("/readyz")
        assert stale.status_code == 503 and stale.json()["checks"]["worker"].startswith("stale")

    def test_not_ready_when_the_database_is_unreachable(self, tmp_path: Path) -> None:
        engine = make_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
        with TestClient(create_app(engine=engine)) as test_client:
            response = test_client.get("/readyz")
            assert test_client.get("/healthz").status_code == 200
        engine.dispose()
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("unreachable")


class TestJobs:
    def headers(self, engine: Engine, role: str) -> dict[str, str]:
        with Session(engine, expire_on_commit=False) as session:
            cooperation = make_cooperation(session)
            zone = make_zone(session, cooperation=cooperation)
            if role == "officer":
                from tests.factories import make_person

                user = make_user(session, role=role, person=make_person(session, zone=zone))
            else:
                user = make_user(session, role=role, zones=[zone])
            return auth_headers(session, user)

    def test_officers_may_not_see_the_jobs(
        self, client: TestClient, periodic_engine: Engine
    ) -> None:
        response = client.get("/api/v1/jobs", headers=self.headers(periodic_engine, "officer"))
        assert response.status_code == 403
        assert client.get("/api/v1/jobs").status_code == 401

    def test_every_job_with_its_trigger_and_last_runs_newest_first(
        self, client: TestClient, periodic_engine: Engine
    ) -> None:
        with Session(periodic_engine) as session:
            for minutes, outcome, summary in ((0, "succeeded", "3 removed"), (5, "failed", "boom")):
                start = T + timedelta(minutes=minutes)
                session.add(
                    PeriodicRun(
                        job_id="housekeeping",
                        trigger_key=start.isoformat(),
                        scheduled_for=start,
                        holder="worker-1",
                        started_at=start,
                        finished_at=start + timedelta(seconds=2.5),
                        outcome=outcome,
                        summary=summary,
                    )
                )
            session.commit()
        response = client.get("/api/v1/jobs", headers=self.headers(periodic_engine, "planner"))
        assert response.status_code == 200
        body = response.json()
        ids = [job.id for job in periodic_jobs(make_settings())]
        assert [job["id"] for job in body["data"]] == ids and body["count"] == len(ids)
        jobs = {job["id"]: job for job in body["data"]}
        assert jobs["housekeeping"]["trigger"] == "cron[hour='4', minute='30']"
        assert jobs["housekeeping"]["timezone"] == "Europe/Brussels"
        assert [run["outcome"] for run in jobs["housekeeping"]["last_runs"]] == [
            "failed",
            "succeeded",
        ]
        assert jobs["housekeeping"]["last_runs"][0]["duration_seconds"] == 2.5
        assert jobs["housekeeping"]["last_runs"][0]["summary"] == "boom"
        assert jobs["deliver_notifications"]["last_runs"] == []
        # No leader has scheduled anything yet.
        assert body["leader"] is None and jobs["housekeeping"]["next_run_time"] is None

    def test_next_run_times_come_from_the_leaders_job_store(
        self, client: TestClient, periodic_engine: Engine
    ) -> None:
        headers = self.headers(periodic_engine, "admin")
        now = datetime.now(UTC)
        client.app.state.clock = lambda: now  # type: ignore[attr-defined]
        runner = PeriodicRunner(periodic_engine, settings=make_settings(), name="leader-1")
        assert runner.tick()
        try:
            body = client.get("/api/v1/jobs", headers=headers).json()
        finally:
            runner.stop()
        assert body["leader"]["holder"] == "leader-1"
        assert [worker["name"] for worker in body["workers"]] == ["leader-1"]
        jobs = {job["id"]: job for job in body["data"]}
        delivery = datetime.fromisoformat(jobs["deliver_notifications"]["next_run_time"])
        assert now < delivery <= now + timedelta(seconds=16)
        housekeeping = datetime.fromisoformat(jobs["housekeeping"]["next_run_time"])
        local = housekeeping.astimezone(runner.jobs["housekeeping"].trigger.timezone)
        assert (local.hour, local.minute) == (4, 30)


class TestSettingsForTheJobs:
    def test_a_planner_sets_the_rolling_policy_and_an_officer_may_only_read_it(
        self, planning: Planning
    ) -> None:
        app = create_app(engine=planning.engine)
        base = f"/api/v1/cooperations/{planning.cooperation_id}/rolling-policy"
        with TestClient(app) as test_client, planning.session() as session:
            planner = auth_headers(session, planning.planner_hh.user)
            officer = auth_headers(session, planning.officer.user)
            assert test_client.get(base, headers=officer).json()["source"] == "none"
            body = {"ahead_weeks": 8, "run_day": 2, "auto_publish": True}
            assert test_client.put(base, json=body, headers=officer).status_code == 403
            assert test_client.put(base, json={"run_day": 29}, headers=planner).status_code == 422
            saved = test_client.put(base, json=body, headers=planner)
            assert saved.status_code == 200
            assert saved.json() | body == saved.json() and saved.json()["source"] == "cooperation"
            assert test_client.get(base, headers=officer).json()["ahead_weeks"] == 8
        with planning.session() as session:
            row = session.get(RollingPolicy, planning.cooperation_id)
            assert row is not None and (row.ahead_weeks, row.run_day) == (8, 2)

    def test_an_officer_opts_in_and_out_of_duty_reminders_for_themself_only(
        self, planning: Planning
    ) -> None:
        app = create_app(engine=planning.engine)
        assert planning.officer.person is not None
        own = planning.officer.person.id
        with planning.session() as session:
            other = session.exec(
                select(Person).where(
                    Person.cooperation_id == planning.cooperation_id, Person.id != own
                )
            ).first()
            assert other is not None
            officer = auth_headers(session, planning.officer.user)
        url = f"/api/v1/cooperations/{planning.cooperation_id}/people/{{}}/reminders"
        with TestClient(app) as test_client:
            assert test_client.get(url.format(own), headers=officer).json() == {
                "hours_before": None
            }
            response = test_client.put(url.format(own), json={"hours_before": 12}, headers=officer)
            assert response.json() == {"hours_before": 12}
            with planning.session() as session:
                row = session.get(ReminderOptIn, own)
                assert row is not None and row.hours_before == 12
            forbidden = test_client.put(url.format(other.id), json={}, headers=officer)
            assert forbidden.status_code == 403
            test_client.put(url.format(own), json={"hours_before": None}, headers=officer)
            with planning.session() as session:
                assert session.get(ReminderOptIn, own) is None

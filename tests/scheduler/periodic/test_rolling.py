"""Rolling generation on a simulated clock: the right months are queued on the policy's
day, once; the drafts are solved by a real worker; a draft is auto-published only when
it covers every shift and passes the validator, and planners hear of every draft."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import GenerationJob, NotificationOutbox, RollingPolicy, RotaVersion
from scheduler.models.planning import AbsenceCreate
from scheduler.periodic.jobs import drafts, rolling
from scheduler.periodic.jobs.rolling import months_to_plan
from scheduler.services.absences import ABSENCES
from scheduler.worker import Worker
from tests.scheduler.conftest import Planning
from tests.scheduler.periodic.conftest import job_context

# 1 March 2026, 02:00 in Brussels (CET): the trigger's moment on the policy's day.
FIRST_OF_MARCH = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


class TestMonthsToPlan:
    def test_thirteen_weeks_from_the_first_of_march_are_april_and_may(self) -> None:
        assert months_to_plan(date(2026, 3, 1), 13) == [
            (date(2026, 4, 1), date(2026, 5, 1)),
            (date(2026, 5, 1), date(2026, 6, 1)),
        ]

    def test_a_month_starting_on_the_goal_day_is_not_needed_yet(self) -> None:
        # 1 March + 9 weeks = 3 May: May starts before it; 1 March + 8 weeks = 26 April.
        assert months_to_plan(date(2026, 3, 1), 9)[-1] == (date(2026, 5, 1), date(2026, 6, 1))
        assert months_to_plan(date(2026, 3, 1), 8)[-1] == (date(2026, 4, 1), date(2026, 5, 1))
        # 25 March + 1 week is 1 April itself; a day later April starts inside the goal.
        assert months_to_plan(date(2026, 3, 25), 1) == []
        assert months_to_plan(date(2026, 3, 26), 1) == [(date(2026, 4, 1), date(2026, 5, 1))]

    def test_the_year_turns(self) -> None:
        assert months_to_plan(date(2026, 12, 1), 5) == [(date(2027, 1, 1), date(2027, 2, 1))]


def set_policy(planning: Planning, **fields: object) -> None:
    with planning.session() as session:
        session.add(
            RollingPolicy(cooperation_id=planning.cooperation_id, **fields)  # type: ignore[arg-type]
        )
        session.commit()


def rolling_jobs(engine: Engine) -> list[GenerationJob]:
    with Session(engine) as session:
        return [
            job for job in session.exec(select(GenerationJob)).all() if job.params.get("rolling")
        ]


def events(engine: Engine, event: str) -> list[NotificationOutbox]:
    with Session(engine) as session:
        return list(
            session.exec(select(NotificationOutbox).where(NotificationOutbox.event == event)).all()
        )


class TestQueueing:
    def test_on_the_policy_day_the_next_months_are_queued_once(self, planning: Planning) -> None:
        set_policy(planning, ahead_weeks=13, run_day=1)
        assert rolling.run(job_context(planning.engine, FIRST_OF_MARCH)) == "2 months queued"
        jobs = rolling_jobs(planning.engine)
        assert [(job.horizon_start, job.horizon_end) for job in jobs] == [
            (date(2026, 4, 1), date(2026, 5, 1)),
            (date(2026, 5, 1), date(2026, 6, 1)),
        ]
        assert {job.status for job in jobs} == {"queued"}
        # A second trigger the same day (or a re-run) queues nothing more.
        later = FIRST_OF_MARCH + timedelta(hours=1)
        assert rolling.run(job_context(planning.engine, later)) == "0 months queued"

    def test_the_day_is_the_cooperations_local_day(self, planning: Planning) -> None:
        set_policy(planning, ahead_weeks=13, run_day=1)
        # 28 February 23:30 UTC is already 1 March 00:30 in Brussels.
        local_first = datetime(2026, 2, 28, 23, 30, tzinfo=UTC)
        assert rolling.run(job_context(planning.engine, local_first)) == "2 months queued"

    def test_other_days_queue_nothing(self, planning: Planning) -> None:
        set_policy(planning, ahead_weeks=13, run_day=1)
        for day in (2, 15, 28):
            moment = FIRST_OF_MARCH.replace(day=day)
            assert rolling.run(job_context(planning.engine, moment)) == "0 months queued"

    def test_months_already_published_are_skipped(self, planning: Planning) -> None:
        set_policy(planning, ahead_weeks=13, run_day=1)
        with planning.session() as session:
            session.add(
                RotaVersion(
                    cooperation_id=planning.cooperation_id,
                    horizon_start=date(2026, 1, 1),
                    horizon_end=date(2026, 5, 1),
                    status="published",
                )
            )
            session.commit()
        rolling.run(job_context(planning.engine, FIRST_OF_MARCH))
        assert [job.horizon_start for job in rolling_jobs(planning.engine)] == [date(2026, 5, 1)]

    def test_without_a_policy_nothing_is_planned_unless_the_default_is_on(
        self, planning: Planning
    ) -> None:
        assert rolling.run(job_context(planning.engine, FIRST_OF_MARCH)) == "0 months queued"
        context = job_context(
            planning.engine,
            FIRST_OF_MARCH,
            rolling_default_enabled=True,
            rolling_default_ahead_weeks=6,
        )
        assert rolling.run(context) == "1 months queued"

    def test_a_disabled_policy_plans_nothing(self, planning: Planning) -> None:
        set_policy(planning, enabled=False)
        context = job_context(planning.engine, FIRST_OF_MARCH, rolling_default_enabled=True)
        assert rolling.run(context) == "0 months queued"


def solve_queued(planning: Planning) -> None:
    worker = Worker(planning.engine, poll_interval=0.1, clock=lambda: FIRST_OF_MARCH)
    while worker.run_once() is not None:
        pass


def version_of(planning: Planning, job: GenerationJob) -> RotaVersion:
    with planning.session() as session:
        row = session.get(GenerationJob, job.id)
        assert row is not None and row.result_version_id is not None
        version = session.get(RotaVersion, row.result_version_id)
        assert version is not None
        return version


@pytest.mark.slow
class TestReview:
    def test_a_fully_covered_valid_draft_is_auto_published_and_planners_told(
        self, planning: Planning
    ) -> None:
        set_policy(planning, ahead_weeks=6, run_day=1, auto_publish=True, time_limit=5)
        rolling.run(job_context(planning.engine, FIRST_OF_MARCH))
        assert drafts.run(job_context(planning.engine, FIRST_OF_MARCH)) == (
            "0 drafts reviewed, 0 published"
        )  # not solved yet
        solve_queued(planning)
        later = FIRST_OF_MARCH + timedelta(minutes=5)
        assert drafts.run(job_context(planning.engine, later)) == "1 drafts reviewed, 1 published"
        (job,) = rolling_jobs(planning.engine)
        version = version_of(planning, job)
        assert version.status == "published"
        assert (version.horizon_start, version.horizon_end) == (date(2026, 4, 1), date(2026, 5, 1))
        told = events(planning.engine, "rota.published")
        assert {row.recipient_user_id for row in told} == {
            planning.planner_hh.user.id,
            planning.planner_rt.user.id,
        }
        assert told[0].payload["version"] == version.id and told[0].payload["uncovered"] == []
        # Reviewed once.
        assert drafts.run(job_context(planning.engine, later)) == "0 drafts reviewed, 0 published"

    def test_a_draft_with_uncovered_shifts_stays_a_draft_and_planners_get_the_gaps(
        self, planning: Planning
    ) -> None:
        set_policy(planning, ahead_weeks=6, run_day=1, auto_publish=True, time_limit=5)
        # Nobody can take the OVW week of 13 April.
        for code, actor in (
            ("hh-01", planning.planner_hh),
            ("hh-02", planning.planner_hh),
            ("hh-03", planning.planner_hh),
            ("rt-01", planning.planner_rt),
            ("rt-02", planning.planner_rt),
            ("rt-03", planning.planner_rt),
        ):
            with planning.session() as session:
                ABSENCES.create(
                    session=session,
                    actor=actor,
                    cooperation_id=planning.cooperation_id,
                    body=AbsenceCreate(
                        person=code, start=date(2026, 4, 14), end=date(2026, 4, 15), reason="x"
                    ),
                )
        rolling.run(job_context(planning.engine, FIRST_OF_MARCH))
        solve_queued(planning)
        assert drafts.run(job_context(planning.engine, FIRST_OF_MARCH)) == (
            "1 drafts reviewed, 0 published"
        )
        (job,) = rolling_jobs(planning.engine)
        assert version_of(planning, job).status == "draft"
        (told, *_) = events(planning.engine, "rota.draft")
        assert told.payload["uncovered"] == ["OVW@2026-04-13T08:00"]
        assert any("uncovered" in problem for problem in told.payload["problems"])
        assert events(planning.engine, "rota.published") == []

    def test_without_auto_publish_a_perfect_draft_waits_for_a_planner(
        self, planning: Planning
    ) -> None:
        set_policy(planning, ahead_weeks=6, run_day=1, auto_publish=False, time_limit=5)
        rolling.run(job_context(planning.engine, FIRST_OF_MARCH))
        solve_queued(planning)
        drafts.run(job_context(planning.engine, FIRST_OF_MARCH))
        (job,) = rolling_jobs(planning.engine)
        assert version_of(planning, job).status == "draft"
        (told, *_) = events(planning.engine, "rota.draft")
        assert told.payload["uncovered"] == [] and told.payload["problems"] == []

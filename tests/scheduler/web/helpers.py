"""Shared steps for page tests: a published rota made through the real job path."""

from __future__ import annotations

from scheduler.services import jobs, rotas
from scheduler.worker import Worker
from tests.scheduler.conftest import BEFORE_HORIZON, PLANNING_HORIZON, Planning


def publish_rota(planning: Planning) -> int:
    """Generate the planning horizon with a worker and publish it; the version id."""
    start, end = PLANNING_HORIZON
    with planning.session() as session:
        job = jobs.create_job(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            request=jobs.GenerationRequest(start=start, end=end, time_limit=5),
        )
    Worker(planning.engine, clock=lambda: BEFORE_HORIZON).run_once()
    with planning.session() as session:
        job = jobs.load_job(session, job.id or 0)
        assert job.result_version_id is not None, job.error
        rotas.publish_version(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            version_id=job.result_version_id,
        )
        return job.result_version_id

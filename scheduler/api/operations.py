"""Routes for operators: the periodic jobs (``/api/v1/jobs``) and the probes.

``/healthz`` says the process is up (nothing else is checked, so a slow
database never gets a healthy process restarted); ``/readyz`` says the
database answers and a worker's heartbeat is fresh, with 503 otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from scheduler.api.deps import CurrentActor, SessionDep
from scheduler.api.swaps import NowDep
from scheduler.config import get_settings
from scheduler.errors import NotPermitted
from scheduler.periodic.status import JobsPublic, Readiness, periodic_status, readiness

router = APIRouter(tags=["operations"])
probes = APIRouter(tags=["operations"])


@router.get("/jobs")
def list_periodic_jobs(session: SessionDep, actor: CurrentActor, now: NowDep) -> JobsPublic:
    """Every periodic job: trigger, time zone, next run time, last runs with outcome and
    duration; the leader and the live workers. Admins and planners."""
    if not (actor.is_admin or actor.is_planner):
        raise NotPermitted("only admins and planners see the periodic jobs")
    return periodic_status(session, get_settings(), now=now)


@probes.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@probes.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request, now: NowDep) -> JSONResponse:
    engine: Engine = request.app.state.engine
    state = readiness(engine, get_settings(), now=now)
    return JSONResponse(state.model_dump(), status_code=200 if state.ready else 503)

"""Routes for operators: the periodic jobs (``/api/v1/jobs``) and the probes; and the
settings people give those jobs (a cooperation's rolling policy, duty reminders).

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
from scheduler.periodic import policies
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


@router.get("/cooperations/{cooperation_id}/rolling-policy")
def get_rolling_policy(
    session: SessionDep, actor: CurrentActor, cooperation_id: int
) -> policies.RollingPolicyPublic:
    """How far ahead the rota is planned without anyone asking (see docs/operations.md)."""
    return policies.get_rolling_policy(
        session=session, actor=actor, cooperation_id=cooperation_id, settings=get_settings()
    )


@router.put("/cooperations/{cooperation_id}/rolling-policy")
def put_rolling_policy(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    policy_in: policies.RollingPolicyIn,
) -> policies.RollingPolicyPublic:
    """Set the cooperation's rolling-generation policy (planners)."""
    return policies.set_rolling_policy(
        session=session, actor=actor, cooperation_id=cooperation_id, policy_in=policy_in
    )


@router.get("/cooperations/{cooperation_id}/people/{person_id}/reminders")
def get_reminders(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, person_id: int
) -> policies.ReminderIn:
    return policies.get_reminders(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )


@router.put("/cooperations/{cooperation_id}/people/{person_id}/reminders")
def put_reminders(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    person_id: int,
    reminder_in: policies.ReminderIn,
) -> policies.ReminderIn:
    """Opt in to a reminder before each duty (``hours_before``), or out (null); the person
    themself or a planner of their zone."""
    return policies.set_reminders(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        person_id=person_id,
        reminder_in=reminder_in,
    )


@probes.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@probes.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(request: Request, now: NowDep) -> JSONResponse:
    engine: Engine = request.app.state.engine
    state = readiness(engine, get_settings(), now=now)
    return JSONResponse(state.model_dump(), status_code=200 if state.ready else 503)

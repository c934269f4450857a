"""Routes for generation jobs, rota versions (publish, diff, edits) and who is on call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.services import jobs, rotas

router = APIRouter(prefix="/cooperations/{cooperation_id}", tags=["rotas"])


@router.post("/rotas", status_code=status.HTTP_202_ACCEPTED)
def generate_rota(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    request: jobs.GenerationRequest,
    response: Response,
) -> jobs.JobPublic:
    """Queue a generation job; poll the returned URL for progress and the result."""
    job = jobs.create_job(
        session=session, actor=actor, cooperation_id=cooperation_id, request=request
    )
    response.headers["Location"] = jobs.job_url(job)
    return jobs.to_public(job)


@router.get("/jobs")
def list_jobs(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    status: str | None = None,
) -> Page[jobs.JobPublic]:
    rows, count = jobs.list_jobs(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        status=status,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=[jobs.to_public(row) for row in rows], count=count)


@router.get("/jobs/{job_id}")
def get_job(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, job_id: int
) -> jobs.JobPublic:
    job = jobs.get_job(session=session, actor=actor, cooperation_id=cooperation_id, job_id=job_id)
    return jobs.to_public(job)


@router.delete("/jobs/{job_id}")
def cancel_job(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, job_id: int
) -> jobs.JobPublic:
    """Cancel a job: a queued one at once, a running one within a few seconds (the best
    rota found so far is kept as a draft)."""
    job = jobs.cancel_job(
        session=session, actor=actor, cooperation_id=cooperation_id, job_id=job_id
    )
    return jobs.to_public(job)


@router.get("/rotas")
def list_versions(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    status: str | None = None,
) -> Page[rotas.VersionSummary]:
    rows, count = rotas.list_versions(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        status=status,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=[rotas.summary(row) for row in rows], count=count)


@router.get("/rotas/{version_id}")
def get_version(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    version_id: int,
    role: str | None = None,
    zone: str | None = None,
    person: str | None = None,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> rotas.VersionPublic:
    """A version with its duties, filtered by role, zone, person and a period they overlap."""
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    duties = rotas.version_duties(
        session,
        version,
        role=role,
        zone=zone,
        person=person,
        start=start,
        end=end,
    )
    return rotas.to_public(session, version, duties)


@router.get("/rotas/{version_id}/fairness")
def get_fairness(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, version_id: int
) -> dict[str, Any]:
    """Per role: each zone's and person's load, target and deviation (history included)."""
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    return dict((version.rota or {}).get("fairness", {}))


@router.get("/rotas/{version_id}/explanation")
def get_explanation(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, version_id: int
) -> dict[str, Any]:
    """Why a rota is infeasible or partly uncovered, in a planner's words."""
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    rota = version.rota or {}
    return {
        "status": rota.get("status"),
        "explanation": rota.get("explanation", []),
        "uncovered": rota.get("uncovered", []),
    }


@router.post("/rotas/{version_id}/publish")
def publish_version(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, version_id: int
) -> rotas.VersionSummary:
    version = rotas.publish_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    return rotas.summary(version)


@router.get("/rotas/{base_id}/diff/{other_id}")
def diff_versions(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, base_id: int, other_id: int
) -> rotas.Diff:
    return rotas.diff_versions(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        base_id=base_id,
        other_id=other_id,
    )


@router.post("/rotas/{version_id}/edits")
def edit_version(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    version_id: int,
    edit: rotas.DutyEdit,
) -> rotas.EditResult:
    """Pin, reassign or clear one duty. Hard-rule violations refuse the edit (422, rules
    named); soft effects come back as warnings. Editing a published version publishes a
    new version."""
    return rotas.edit_version(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        version_id=version_id,
        edit=edit,
    )


@router.get("/oncall")
def on_call(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    response: Response,
    at: datetime | None = None,
) -> rotas.OnCall:
    """Who is on call now (or at ``at``) and who takes over next, per role."""
    # "Now" changes every minute; a fixed instant's answer only changes with a new version.
    response.headers["Cache-Control"] = f"private, max-age={30 if at is None else 300}"
    return rotas.on_call(session=session, actor=actor, cooperation_id=cooperation_id, at=at)

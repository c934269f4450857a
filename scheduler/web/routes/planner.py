"""Planner pages: the published rota, generating with live progress, reviewing a draft
(fairness, explanations, diff), publishing, and the rota as Excel or for print."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from scheduler.api.deps import SessionDep
from scheduler.api.swaps import NowDep
from scheduler.errors import DomainError
from scheduler.models import Cooperation, RotaVersion
from scheduler.services import jobs, rotas, spreadsheets, swaps
from scheduler.services.common import MAX_PAGE
from scheduler.web import charts, views
from scheduler.web.deps import CooperationDep, PlannerActor, verify_csrf
from scheduler.web.grid import build_grid, monday_of
from scheduler.web.rendering import redirect, render, say

router = APIRouter(prefix="/c/{cooperation_id}", dependencies=[Depends(verify_csrf)])

DEFAULT_WEEKS = 6
MAX_WEEKS = 26


def _coop_id(coop: Cooperation) -> int:
    assert coop.id is not None
    return coop.id


@router.get("/")
def dashboard(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    now: NowDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = DEFAULT_WEEKS,
) -> HTMLResponse:
    """The published rota week by week per role, and who is on call now and next."""
    cooperation_id = _coop_id(coop)
    info = views.directory(session, actor, cooperation_id)
    versions = views.published_versions(session, actor, cooperation_id)
    today = views.today_in(coop, now)
    first = monday_of(start) if start else views.default_first_monday(versions, today)
    end = first + timedelta(weeks=weeks)
    duties, gaps = views.duties_between(
        session, versions, start=first, end=end, timezone=coop.timezone
    )
    grids = build_grid(
        roles=[code for code, _ in info.roles],
        duties=duties,
        uncovered=gaps,
        first_monday=first,
        weeks=weeks,
        timezone=coop.timezone,
    )
    on_call = rotas.on_call(session=session, actor=actor, cooperation_id=cooperation_id, at=now)
    unstaffed = views.uncovered_at(versions, on_call.at)
    waiting, _ = swaps.list_requests(
        session=session, actor=actor, cooperation_id=cooperation_id, status="accepted", now=now
    )
    return render(
        request,
        "planner/dashboard.html",
        {
            "info": info,
            "grids": grids,
            "versions": versions,
            "first": first,
            "weeks": weeks,
            "previous": first - timedelta(weeks=weeks),
            "following": end,
            "today": today,
            "on_call": on_call,
            "unstaffed": unstaffed,
            "waiting": len(waiting),
        },
    )


# --- Generating -------------------------------------------------------------------------------


def _recent_jobs(session: SessionDep, actor: PlannerActor, cooperation_id: int) -> list[Any]:
    _, count = jobs.list_jobs(
        session=session, actor=actor, cooperation_id=cooperation_id, status=None, offset=0, limit=1
    )
    rows, _ = jobs.list_jobs(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        status=None,
        offset=max(0, count - 8),
        limit=8,
    )
    return list(reversed(rows))


@router.get("/generate")
def generate_form(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, now: NowDep
) -> HTMLResponse:
    cooperation_id = _coop_id(coop)
    versions = views.published_versions(session, actor, cooperation_id)
    today = views.today_in(coop, now)
    start = versions[-1].horizon_end if versions else monday_of(today) + timedelta(weeks=1)
    return render(
        request,
        "planner/generate.html",
        {
            "info": views.directory(session, actor, cooperation_id),
            "start": start,
            "end": start + timedelta(weeks=13),
            "time_limit": int(coop.solver_options.get("time_limit", 60)),
            "recent": _recent_jobs(session, actor, cooperation_id),
        },
    )


@router.post("/generate")
def generate(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    start: Annotated[date, Form()],
    end: Annotated[date, Form()],
    time_limit: Annotated[float, Form()],
    roles: Annotated[list[str] | None, Form()] = None,
    replan: Annotated[bool, Form()] = False,
    frozen_days: Annotated[int, Form()] = 7,
) -> Response:
    cooperation_id = _coop_id(coop)
    try:
        request_in = jobs.GenerationRequest(
            start=start,
            end=end,
            roles=roles or None,
            time_limit=time_limit,
            replan=replan,
            frozen_days=frozen_days,
        )
        job = jobs.create_job(
            session=session, actor=actor, cooperation_id=cooperation_id, request=request_in
        )
    except ValidationError as error:
        message = "; ".join(
            str(item["msg"]).removeprefix("Value error, ") for item in error.errors()
        )
        return redirect(request, f"/c/{cooperation_id}/generate", flash=("error", message))
    except DomainError as error:
        return redirect(request, f"/c/{cooperation_id}/generate", flash=("error", error.detail))
    return redirect(request, f"/c/{cooperation_id}/jobs/{job.id}")


def _job_context(
    session: SessionDep, actor: PlannerActor, coop: CooperationDep, job_id: int
) -> dict[str, Any]:
    job = jobs.get_job(session=session, actor=actor, cooperation_id=_coop_id(coop), job_id=job_id)
    limit = float(job.params.get("time_limit") or coop.solver_options.get("time_limit", 60))
    progress = job.progress or {}
    elapsed = float(progress.get("elapsed") or 0.0)
    return {
        "job": job,
        "limit": limit,
        "elapsed": elapsed,
        "percent": 100 if job.status in jobs.FINISHED else min(99, round(100 * elapsed / limit)),
        "progress": progress,
        "active": job.status in jobs.ACTIVE,
    }


@router.get("/jobs/{job_id}")
def job_page(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, job_id: int
) -> HTMLResponse:
    return render(request, "planner/job.html", _job_context(session, actor, coop, job_id))


@router.get("/jobs/{job_id}/progress")
def job_progress(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, job_id: int
) -> HTMLResponse:
    """The progress panel alone, polled by htmx while the job runs."""
    return render(request, "planner/_progress.html", _job_context(session, actor, coop, job_id))


@router.post("/jobs/{job_id}/cancel")
def cancel(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, job_id: int
) -> Response:
    cooperation_id = _coop_id(coop)
    try:
        jobs.cancel_job(session=session, actor=actor, cooperation_id=cooperation_id, job_id=job_id)
    except DomainError as error:
        return redirect(
            request, f"/c/{cooperation_id}/jobs/{job_id}", flash=("error", error.detail)
        )
    return redirect(request, f"/c/{cooperation_id}/jobs/{job_id}")


# --- Versions ---------------------------------------------------------------------------------


@router.get("/rotas")
def versions_page(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep
) -> HTMLResponse:
    rows, _ = rotas.list_versions(
        session=session,
        actor=actor,
        cooperation_id=_coop_id(coop),
        status=None,
        offset=0,
        limit=MAX_PAGE,
    )
    return render(
        request,
        "planner/versions.html",
        {"versions": [rotas.summary(row) for row in reversed(rows)]},
    )


def _published_for(
    session: SessionDep, actor: PlannerActor, version: RotaVersion
) -> RotaVersion | None:
    for row in views.published_versions(session, actor, version.cooperation_id):
        if (row.horizon_start, row.horizon_end) == (version.horizon_start, version.horizon_end):
            return row
    return None


def fairness_charts(
    rota: dict[str, Any], info: views.Directory, lang_say: Any
) -> list[dict[str, Any]]:
    """Per role: the zone-share chart and the per-person chart, with their rows as tables."""
    result = []
    for code, _name in info.roles:
        fairness = rota.get("fairness", {}).get(code)
        if not fairness:
            continue
        zone_bars = charts.zone_bars(fairness.get("zones", {}), info.colours)
        person_bars = charts.person_bars(
            fairness.get("people", {}),
            names=info.names,
            zone_of=info.zone_of,
            colours=info.colours,
        )
        result.append(
            {
                "role": code,
                "zones": zone_bars,
                "people": person_bars,
                "zone_chart": charts.bar_chart(
                    zone_bars, title=f"{code}: {lang_say('version.zone_share')}"
                ),
                "person_chart": charts.bar_chart(
                    person_bars, title=f"{code}: {lang_say('version.person_load')}"
                ),
            }
        )
    return result


@router.get("/rotas/{version_id}")
def version_page(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    version_id: int,
    start: Annotated[date | None, Query(alias="from")] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = DEFAULT_WEEKS,
) -> HTMLResponse:
    """Review a version: fairness, what is uncovered and why, the diff, the grid; publish."""
    cooperation_id = _coop_id(coop)
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    info = views.directory(session, actor, cooperation_id)
    rota = version.rota or {}
    published = _published_for(session, actor, version)
    diff = None
    if published is not None and published.id != version.id:
        diff = rotas.diff_versions(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            base_id=published.id or 0,
            other_id=version_id,
        )
    first = monday_of(start or version.horizon_start)
    end = first + timedelta(weeks=weeks)
    duties, gaps = views.duties_between(
        session, [version], start=first, end=end, timezone=coop.timezone
    )
    grids = build_grid(
        roles=[code for code, _ in info.roles],
        duties=duties,
        uncovered=gaps,
        first_monday=first,
        weeks=weeks,
        timezone=coop.timezone,
    )
    return render(
        request,
        "planner/version.html",
        {
            "version": rotas.summary(version),
            "rota": rota,
            "info": info,
            "charts": fairness_charts(rota, info, lambda key: say(request, key)),
            "published": published,
            "diff": diff,
            "grids": grids,
            "first": first,
            "weeks": weeks,
            "previous": first - timedelta(weeks=weeks),
            "following": end,
            "publishable": version.status == "draft"
            and rota.get("status") not in ("INFEASIBLE", "UNKNOWN", "INVALID"),
        },
    )


@router.post("/rotas/{version_id}/publish")
def publish(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    version_id: int,
) -> Response:
    cooperation_id = _coop_id(coop)
    try:
        rotas.publish_version(
            session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
        )
    except DomainError as error:
        return redirect(
            request, f"/c/{cooperation_id}/rotas/{version_id}", flash=("error", error.detail)
        )
    return redirect(
        request,
        f"/c/{cooperation_id}/",
        flash=("ok", say(request, "version.published_ok", id=version_id)),
    )


@router.get("/rotas/{version_id}/export.xlsx")
def export_xlsx(
    session: SessionDep, actor: PlannerActor, coop: CooperationDep, version_id: int
) -> Response:
    """The version as an Excel workbook: a week grid per role, every duty, uncovered shifts."""
    cooperation_id = _coop_id(coop)
    workbook = spreadsheets.export_rota(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    name = f"{coop.slug}-rota-{version_id}.xlsx"
    return Response(
        workbook,
        media_type=spreadsheets.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/rotas/{version_id}/print")
def print_view(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    version_id: int,
) -> HTMLResponse:
    """The whole horizon as week grids, laid out for paper."""
    cooperation_id = _coop_id(coop)
    version = rotas.get_version(
        session=session, actor=actor, cooperation_id=cooperation_id, version_id=version_id
    )
    info = views.directory(session, actor, cooperation_id)
    first = monday_of(version.horizon_start)
    weeks = max(1, -(-(version.horizon_end - first).days // 7))
    duties, gaps = views.duties_between(
        session,
        [version],
        start=first,
        end=first + timedelta(weeks=weeks),
        timezone=coop.timezone,
    )
    grids = build_grid(
        roles=[code for code, _ in info.roles],
        duties=duties,
        uncovered=gaps,
        first_monday=first,
        weeks=weeks,
        timezone=coop.timezone,
    )
    return render(
        request,
        "planner/print.html",
        {"version": rotas.summary(version), "info": info, "grids": grids},
    )

"""The control-room wall: per role, who is on call now and who is next, in large type,
refreshing itself every minute (no script needed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from scheduler.api.deps import SessionDep
from scheduler.api.swaps import NowDep
from scheduler.services import rotas
from scheduler.web import views
from scheduler.web.deps import CooperationDep, WebActor
from scheduler.web.rendering import render

router = APIRouter(prefix="/c/{cooperation_id}")

REFRESH_SECONDS = 60


@router.get("/wall")
def wall(
    request: Request,
    session: SessionDep,
    actor: WebActor,
    coop: CooperationDep,
    now: NowDep,
    at: Annotated[datetime | None, Query(description="Local time to show instead of now")] = None,
    role: Annotated[str | None, Query(description="Show only this role (code)")] = None,
) -> HTMLResponse:
    """Every role, or one (``?role=OVW``) for a screen of its own."""
    cooperation_id = coop.id or 0
    on_call = rotas.on_call(
        session=session, actor=actor, cooperation_id=cooperation_id, at=at or now
    )
    all_roles = [item.role for item in on_call.roles]
    if role:
        on_call.roles = [item for item in on_call.roles if item.role == role]
    versions = views.published_versions(session, actor, cooperation_id)
    return render(
        request,
        "wall.html",
        {
            "on_call": on_call,
            "unstaffed": views.uncovered_at(versions, on_call.at),
            "info": views.directory(session, actor, cooperation_id),
            "refresh": REFRESH_SECONDS,
            "fixed": at is not None,
            "all_roles": all_roles,
        },
    )

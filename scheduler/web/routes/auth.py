"""Login, logout, the language switch and the start page that sends each user home."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from scheduler.api.deps import SessionDep
from scheduler.auth import load_actor
from scheduler.errors import NotAuthenticated
from scheduler.models import Cooperation
from scheduler.services.passwords import authenticate_password
from scheduler.web.deps import current_user, verify_csrf
from scheduler.web.i18n import LANGUAGES
from scheduler.web.rendering import redirect, render, say
from scheduler.web.security import LANGUAGE_COOKIE, LoginThrottle, load_session

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not send anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def throttle(request: Request) -> LoginThrottle:
    existing = getattr(request.app.state, "login_throttle", None)
    if isinstance(existing, LoginThrottle):
        return existing
    request.app.state.login_throttle = LoginThrottle()
    return request.app.state.login_throttle  # type: ignore[no-any-return]


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    """Planners to their dashboard, officers to their duties."""
    user = current_user(request, session)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    actor = load_actor(session, user)
    ids: list[int]
    if actor.is_admin:
        ids = [
            row
            for row in session.exec(select(Cooperation.id).order_by(col(Cooperation.id))).all()
            if row is not None
        ]
    else:
        ids = sorted(actor.cooperation_ids)
    if not ids:
        request.state.actor = actor
        return render(request, "error.html", {"message": say(request, "me.not_linked")}, status=403)
    if actor.person is not None and not (actor.is_admin or actor.is_planner):
        return RedirectResponse(f"/c/{actor.person.cooperation_id}/me", status_code=303)
    return RedirectResponse(f"/c/{ids[0]}/", status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "username": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter = throttle(request)
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(username=username, address=address)
    context = {"next": safe_next(next), "username": username}
    if wait > 0:
        minutes = max(1, round(wait / 60))
        context["error"] = say(request, "login.throttled", minutes=minutes)
        response = render(request, "login.html", context, status=429)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    try:
        user = authenticate_password(session=session, username=username, password=password)
    except NotAuthenticated:
        limiter.failed(username=username, address=address)
        context["error"] = say(request, "login.failed")
        return render(request, "login.html", context, status=401)
    limiter.succeeded(username=username)
    load_session(request).log_in(user)
    return redirect(request, safe_next(next))


@router.post("/logout")
def logout(request: Request) -> Response:
    load_session(request).log_out()
    return redirect(request, "/login", flash=("ok", say(request, "login.logged_out")))


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    return response

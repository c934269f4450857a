"""Rendering pages: the Jinja2 environment, the language of a request, and redirects
that carry flash messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from scheduler.auth import Actor
from scheduler.config import get_settings
from scheduler.models import Cooperation
from scheduler.web import i18n
from scheduler.web.security import LANGUAGE_COOKIE, load_session, save_session

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals["timedelta_days"] = lambda days: timedelta(days=days)
environment.globals["parse_dt"] = datetime.fromisoformat


def inclusive_end(end: date | datetime) -> date | datetime:
    """A whole-day span's stored end is the day after; people read the last day."""
    return end if isinstance(end, datetime) else end - timedelta(days=1)


environment.globals["inclusive_end"] = inclusive_end


def shift_when(shift_id: str) -> str:
    """``OVW@2026-12-14T08:00`` → ``14/12/2026 08:00``: shift ids carry local times already."""
    _, _, local_start = shift_id.partition("@")
    try:
        return datetime.fromisoformat(local_start[:16]).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return shift_id


environment.globals["shift_when"] = shift_when


def language(request: Request) -> str:
    """The visitor's language: their cookie, else their account's, else the service default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor) and actor.user.language in i18n.LANGUAGES:
        return str(actor.user.language)
    return get_settings().language


def timezone_of(request: Request) -> str:
    cooperation = getattr(request.state, "cooperation", None)
    if isinstance(cooperation, Cooperation):
        return cooperation.timezone
    return get_settings().timezone


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A page: the template with the request's language, user, cooperation and messages."""
    lang = language(request)
    tz = timezone_of(request)
    session = load_session(request)

    def t(key: str, **values: object) -> str:
        return i18n.translate(lang, key, **values)

    def fdate(value: date | datetime) -> str:
        return i18n.format_date(value, tz)

    def ftime(value: datetime) -> str:
        return i18n.format_time(value, tz)

    def fdatetime(value: datetime) -> str:
        return i18n.format_datetime(value, tz)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="{}">').format(session.csrf)

    values: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "tz": tz,
        "t": t,
        "fdate": fdate,
        "ftime": ftime,
        "fdatetime": fdatetime,
        "weekday": lambda day: i18n.weekday(lang, day),
        "short_weekday": lambda day: i18n.short_weekday(lang, day),
        "month_name": lambda month: i18n.month_name(lang, month),
        "local": lambda moment: i18n.local(moment, tz),
        "csrf_field": csrf_field,
        "csrf_token": session.csrf,
        "actor": getattr(request.state, "actor", None),
        "coop": getattr(request.state, "cooperation", None),
        "flashes": session.take_flashes(),
        "path": request.url.path,
    }
    values.update(context or {})
    html = environment.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    # Pages show personal data: never keep them in shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    save_session(request, response)
    return response


def redirect(
    request: Request, url: str, *, flash: tuple[str, str] | None = None
) -> RedirectResponse:
    """303 See Other to ``url`` (after a form), with an optional ``(kind, message key or text)``."""
    session = load_session(request)
    if flash is not None:
        kind, message = flash
        session.flash(kind, message)
    response = RedirectResponse(url, status_code=303)
    save_session(request, response)
    return response


def say(request: Request, key: str, **values: object) -> str:
    """A message in the request's language, for flashes."""
    return i18n.translate(language(request), key, **values)

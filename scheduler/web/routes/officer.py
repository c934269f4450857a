"""Officer pages, made for a phone: my next duties, a month calendar, subscribing to my
calendar feed (links and QR codes), and my preferences."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from scheduler.api.deps import SessionDep
from scheduler.api.swaps import NowDep
from scheduler.errors import DomainError
from scheduler.models.planning import PreferenceCreate
from scheduler.services import feeds, rotas, swaps
from scheduler.services.common import MAX_PAGE, validate_as
from scheduler.services.preferences import PREFERENCES
from scheduler.services.spreadsheets import covered_days
from scheduler.web import views
from scheduler.web.deps import CooperationDep, OfficerActor, verify_csrf
from scheduler.web.i18n import local
from scheduler.web.rendering import redirect, render, say
from scheduler.web.routes.people import problems_of, span_from_days

router = APIRouter(prefix="/c/{cooperation_id}", dependencies=[Depends(verify_csrf)])

NEXT_DUTIES = 12
LOOK_AHEAD = timedelta(days=400)


def qr_svg(text: str) -> Markup:
    """A QR code of ``text`` as inline SVG (drawn here; nothing is fetched)."""
    code = segno.make(text, error="m")
    return Markup(code.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True))


@router.get("/me")
def my_duties(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep, now: NowDep
) -> HTMLResponse:
    cooperation_id = coop.id or 0
    assert actor.person is not None
    versions = views.published_versions(session, actor, cooperation_id)
    today = views.today_in(coop, now)
    duties, _ = views.duties_between(
        session,
        versions,
        start=today,
        end=today + LOOK_AHEAD,
        timezone=coop.timezone,
        person=actor.person.code,
    )
    upcoming = [duty for duty in duties if duty.end > now][:NEXT_DUTIES]
    rows, _ = swaps.list_requests(
        session=session, actor=actor, cooperation_id=cooperation_id, now=now
    )
    waiting = [
        row for row in rows if row.relation in ("to_me", "open_offer") and row.status == "open"
    ]
    return render(
        request,
        "officer/me.html",
        {"duties": upcoming, "now": now, "waiting": len(waiting)},
    )


@dataclass
class Day:
    day: date
    in_month: bool
    duties: list[rotas.DutyPublic]


@router.get("/me/calendar")
def month_calendar(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    now: NowDep,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
) -> HTMLResponse:
    """A month of my duties, Monday first; a duty shows on every day it covers."""
    cooperation_id = coop.id or 0
    assert actor.person is not None
    today = views.today_in(coop, now)
    first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    grid_start = first - timedelta(days=first.weekday())
    last = first + timedelta(days=days_in_month - 1)
    grid_end = last + timedelta(days=7 - last.weekday())
    versions = views.published_versions(session, actor, cooperation_id)
    duties, _ = views.duties_between(
        session,
        versions,
        start=grid_start,
        end=grid_end,
        timezone=coop.timezone,
        person=actor.person.code,
    )
    by_day: dict[date, list[rotas.DutyPublic]] = {}
    for duty in duties:
        for day in covered_days(local(duty.start, coop.timezone), local(duty.end, coop.timezone)):
            by_day.setdefault(day, []).append(duty)
    days = [grid_start + timedelta(days=n) for n in range((grid_end - grid_start).days)]
    weeks = [
        [Day(day, day.month == first.month, by_day.get(day, [])) for day in days[at : at + 7]]
        for at in range(0, len(days), 7)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "officer/calendar.html",
        {
            "first": first,
            "weeks": weeks,
            "today": today,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "count": sum(
                1 for duty in duties if first <= local(duty.start, coop.timezone).date() <= last
            ),
        },
    )


# --- Subscribing ------------------------------------------------------------------------------


def _subscribe_page(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    *,
    links: feeds.FeedLinks | None = None,
) -> HTMLResponse:
    mine = [
        feed
        for feed in feeds.list_feeds(session=session, actor=actor, cooperation_id=coop.id or 0)
        if feed.kind == "person"
    ]
    return render(
        request,
        "officer/subscribe.html",
        {
            "feeds": mine,
            "links": links,
            "qr_webcal": qr_svg(links.webcal_url) if links else None,
            "qr_https": qr_svg(links.url) if links else None,
        },
    )


@router.get("/me/subscribe")
def subscribe_page(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep
) -> HTMLResponse:
    return _subscribe_page(request, session, actor, coop)


def _alarm(text: str) -> int | None:
    return int(text) if text.strip() else None


@router.post("/me/subscribe")
def create_link(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    alarm_minutes: Annotated[str, Form(pattern=r"^\d{0,6}$")] = "",
) -> Response:
    """A new personal feed; its links are shown on this response only (only a hash is kept)."""
    try:
        links = feeds.create_feed(
            session=session,
            actor=actor,
            cooperation_id=coop.id or 0,
            feed_in=feeds.FeedCreate(kind="person", alarm_minutes=_alarm(alarm_minutes)),
        )
    except (DomainError, ValueError) as error:
        message = error.detail if isinstance(error, DomainError) else str(error)
        return redirect(request, f"/c/{coop.id}/me/subscribe", flash=("error", message))
    return _subscribe_page(request, session, actor, coop, links=links)


@router.post("/me/subscribe/{feed_id}/rotate")
def rotate_link(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep, feed_id: int
) -> Response:
    """A new URL for the feed; the old one stops working at once."""
    try:
        links = feeds.rotate_feed(
            session=session, actor=actor, cooperation_id=coop.id or 0, feed_id=feed_id
        )
    except DomainError as error:
        return redirect(request, f"/c/{coop.id}/me/subscribe", flash=("error", error.detail))
    return _subscribe_page(request, session, actor, coop, links=links)


@router.post("/me/subscribe/{feed_id}/revoke")
def revoke_link(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep, feed_id: int
) -> Response:
    back = f"/c/{coop.id}/me/subscribe"
    try:
        feeds.revoke_feed(
            session=session, actor=actor, cooperation_id=coop.id or 0, feed_id=feed_id
        )
    except DomainError as error:
        return redirect(request, back, flash=("error", error.detail))
    return redirect(request, back, flash=("ok", say(request, "sub.revoked")))


# --- Preferences ------------------------------------------------------------------------------


@router.get("/me/preferences")
def my_preferences(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep
) -> HTMLResponse:
    assert actor.person is not None
    rows, _ = PREFERENCES.list(
        session=session,
        actor=actor,
        cooperation_id=coop.id or 0,
        offset=0,
        limit=MAX_PAGE,
        person=actor.person.code,
    )
    public = sorted(PREFERENCES.to_public(session, rows), key=lambda row: str(row.start))
    return render(request, "officer/preferences.html", {"preferences": public})


@router.post("/me/preferences")
def add_preference(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    kind: Annotated[str, Form()],
    first: Annotated[date, Form()],
    last: Annotated[date, Form()],
) -> Response:
    assert actor.person is not None
    back = f"/c/{coop.id}/me/preferences"
    try:
        body = validate_as(
            PreferenceCreate,
            {"person": actor.person.code, "kind": kind, **span_from_days(first, last)},
        )
        PREFERENCES.create(session=session, actor=actor, cooperation_id=coop.id or 0, body=body)
    except DomainError as error:
        return redirect(request, back, flash=("error", "; ".join(problems_of(error))))
    return redirect(request, back, flash=("ok", say(request, "prefs.saved")))


@router.post("/me/preferences/{row_id}/delete")
def delete_preference(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep, row_id: int
) -> Response:
    back = f"/c/{coop.id}/me/preferences"
    try:
        PREFERENCES.delete(session=session, actor=actor, cooperation_id=coop.id or 0, row_id=row_id)
    except DomainError as error:
        return redirect(request, back, flash=("error", error.detail))
    return redirect(request, back, flash=("ok", say(request, "absences.deleted")))

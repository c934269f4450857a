"""What every page depends on: the logged-in actor, the cooperation in the URL, CSRF checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from scheduler.api.deps import SessionDep
from scheduler.auth import Actor, load_actor
from scheduler.errors import NotPermitted
from scheduler.models import Cooperation, User
from scheduler.services.cooperations import get_cooperation
from scheduler.web.security import csrf_matches, load_session, password_fingerprint


class LoginRequired(Exception):
    """No (valid) session: the visitor is sent to the login page."""


class CsrfFailed(Exception):
    """A form without the session's CSRF token."""


def current_user(request: Request, session: Session) -> User | None:
    web = load_session(request)
    if web.user_id is None:
        return None
    user = session.get(User, web.user_id)
    if user is None or not user.is_active or password_fingerprint(user) != web.fingerprint:
        return None
    return user


def web_actor(request: Request, session: SessionDep) -> Actor:
    user = current_user(request, session)
    if user is None:
        raise LoginRequired
    actor = load_actor(session, user)
    request.state.actor = actor
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]


def cooperation(
    request: Request, session: SessionDep, actor: WebActor, cooperation_id: int
) -> Cooperation:
    """The cooperation of the URL, if the actor may read it (404 otherwise)."""
    row = get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    request.state.cooperation = row
    return row


CooperationDep = Annotated[Cooperation, Depends(cooperation)]


def planner(actor: WebActor, coop: CooperationDep) -> Actor:
    assert coop.id is not None
    actor.require_planner(coop.id)
    return actor


PlannerActor = Annotated[Actor, Depends(planner)]


def officer(actor: WebActor, coop: CooperationDep) -> Actor:
    if actor.person is None or actor.person.cooperation_id != coop.id:
        raise NotPermitted("these pages are for officers linked to a person of this cooperation")
    return actor


OfficerActor = Annotated[Actor, Depends(officer)]


async def verify_csrf(request: Request) -> None:
    """Every POST must carry the session's CSRF token in the form field ``csrf_token``."""
    if request.method != "POST":
        return
    form = await request.form()
    token = form.get("csrf_token")
    if not csrf_matches(load_session(request), token if isinstance(token, str) else None):
        raise CsrfFailed

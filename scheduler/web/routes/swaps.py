"""Swap pages: the planner's inbox (approve or reject with the validator's verdict and the
fairness effects) and the officer's requests, offers and new-request form with the ranked
candidates. Every decision is made by ``scheduler.services.swaps``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from scheduler.api.deps import SessionDep
from scheduler.api.swaps import NowDep
from scheduler.auth import Actor
from scheduler.errors import DomainError
from scheduler.services import candidates, swaps
from scheduler.web import views
from scheduler.web.deps import CooperationDep, OfficerActor, PlannerActor, WebActor, verify_csrf
from scheduler.web.rendering import redirect, render, say
from scheduler.web.routes.people import problems_of

router = APIRouter(prefix="/c/{cooperation_id}", dependencies=[Depends(verify_csrf)])

WAITING = ("accepted", "approved")
# How far ahead an officer picks a colleague's duty to swap for.
SWAP_WINDOW = timedelta(days=120)


@dataclass
class Reviewed:
    """A request with what the validator says about it now (None: no taker yet)."""

    request: swaps.SwapPublic
    check: swaps.SwapCheck | None
    problem: str | None


def request_body(request: swaps.SwapPublic) -> tuple[swaps.SwapCreate, str | None]:
    """The request as the body that created it, and the taker to check it with."""
    body = swaps.SwapCreate(
        kind=request.kind,
        shift=request.shift,
        person=request.person,
        target=request.target,
        counter_shift=request.counter_shift,
        cover_start=request.cover_start,
        cover_end=request.cover_end,
    )
    return body, None if request.target else request.taker


def review(
    session: SessionDep, actor: Actor, cooperation_id: int, request: swaps.SwapPublic, now: datetime
) -> Reviewed:
    body, taker = request_body(request)
    if body.target is None and taker is None:
        return Reviewed(request, None, None)
    try:
        check = swaps.check_request(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            request_in=body,
            taker=taker,
            now=now,
        )
    except DomainError as error:
        session.rollback()
        return Reviewed(request, None, error.detail)
    return Reviewed(request, check, None)


@router.get("/swaps")
def inbox(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, now: NowDep
) -> HTMLResponse:
    cooperation_id = coop.id or 0
    rows, _ = swaps.list_requests(
        session=session, actor=actor, cooperation_id=cooperation_id, now=now
    )
    waiting = [
        review(session, actor, cooperation_id, row, now) for row in rows if row.status in WAITING
    ]
    return render(
        request,
        "planner/swaps.html",
        {
            "waiting": waiting,
            "others": [row for row in rows if row.status not in WAITING],
            "policy": swaps.get_policy(session, cooperation_id),
            "info": views.directory(session, actor, cooperation_id),
        },
    )


@router.post("/swaps/policy")
def set_policy(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    approval: Annotated[str, Form()],
    each_zone: Annotated[bool, Form()] = False,
) -> Response:
    cooperation_id = coop.id or 0
    try:
        swaps.set_policy(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            policy_in=swaps.PolicyPublic(approval=approval, each_zone=each_zone),
        )
    except (DomainError, ValueError) as error:
        message = error.detail if isinstance(error, DomainError) else str(error)
        return redirect(request, f"/c/{cooperation_id}/swaps", flash=("error", message))
    return redirect(request, f"/c/{cooperation_id}/swaps")


@router.post("/swaps/{request_id}/approve")
def approve(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    request_id: int,
    now: NowDep,
) -> Response:
    cooperation_id = coop.id or 0
    back = f"/c/{cooperation_id}/swaps"
    try:
        result = swaps.approve_request(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            request_id=request_id,
            now=now,
        )
    except DomainError as error:
        return redirect(request, back, flash=("error", "; ".join(problems_of(error))))
    if result.problems and result.status != "applied":
        return redirect(request, back, flash=("error", "; ".join(result.problems)))
    return redirect(request, back, flash=("ok", say(request, "swaps.approved", id=request_id)))


@router.post("/swaps/{request_id}/reject")
def reject(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    request_id: int,
) -> Response:
    cooperation_id = coop.id or 0
    back = f"/c/{cooperation_id}/swaps"
    try:
        swaps.reject_request(
            session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id
        )
    except DomainError as error:
        return redirect(request, back, flash=("error", error.detail))
    return redirect(request, back, flash=("ok", say(request, "swaps.rejected", id=request_id)))


# --- Officers ---------------------------------------------------------------------------------


@router.get("/me/swaps")
def my_swaps(
    request: Request, session: SessionDep, actor: OfficerActor, coop: CooperationDep, now: NowDep
) -> HTMLResponse:
    rows, _ = swaps.list_requests(
        session=session, actor=actor, cooperation_id=coop.id or 0, now=now
    )
    groups: dict[str, list[swaps.SwapPublic]] = {
        "to_me": [], "open_offer": [], "mine": [], "taken_by_me": []
    }  # fmt: skip
    for row in rows:
        if row.relation in groups:
            groups[row.relation].append(row)
    return render(
        request,
        "officer/swaps.html",
        {"groups": groups, "info": views.directory(session, actor, coop.id or 0)},
    )


def _decide(
    request: Request, coop: CooperationDep, action: str, request_id: int, run: object
) -> Response:
    back = f"/c/{coop.id}/me/swaps"
    try:
        assert callable(run)
        run()
    except DomainError as error:
        return redirect(request, back, flash=("error", "; ".join(problems_of(error))))
    return redirect(request, back, flash=("ok", say(request, f"myswaps.{action}", id=request_id)))


@router.post("/me/swaps/{request_id}/accept")
def accept(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    request_id: int,
    now: NowDep,
) -> Response:
    return _decide(
        request,
        coop,
        "accepted",
        request_id,
        lambda: swaps.accept_request(
            session=session,
            actor=actor,
            cooperation_id=coop.id or 0,
            request_id=request_id,
            now=now,
        ),
    )


@router.post("/me/swaps/{request_id}/decline")
def decline(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    request_id: int,
) -> Response:
    return _decide(
        request,
        coop,
        "declined",
        request_id,
        lambda: swaps.decline_request(
            session=session, actor=actor, cooperation_id=coop.id or 0, request_id=request_id
        ),
    )


@router.post("/me/swaps/{request_id}/cancel")
def withdraw(
    request: Request, session: SessionDep, actor: WebActor, coop: CooperationDep, request_id: int
) -> Response:
    return _decide(
        request,
        coop,
        "withdrawn",
        request_id,
        lambda: swaps.cancel_request(
            session=session, actor=actor, cooperation_id=coop.id or 0, request_id=request_id
        ),
    )


def _new_swap_page(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    now: datetime,
    shift: str,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    cooperation_id = coop.id or 0
    assert actor.person is not None
    versions = views.published_versions(session, actor, cooperation_id)
    today = views.today_in(coop, now)
    upcoming, _ = views.duties_between(
        session, versions, start=today, end=today + SWAP_WINDOW, timezone=coop.timezone
    )
    mine = [duty for duty in upcoming if duty.person == actor.person.code and duty.start > now]
    duty = next((item for item in mine if item.shift == shift), None)
    ranked: candidates.Candidates | None = None
    problem = None
    if duty is not None:
        try:
            ranked = candidates.duty_candidates(
                session=session,
                actor=actor,
                cooperation_id=cooperation_id,
                shift=shift,
                holder=actor.person.code,
                now=now,
            )
        except DomainError as error:
            problem = error.detail
    counters = [
        item
        for item in upcoming
        if duty is not None
        and item.person != actor.person.code
        and item.role == duty.role
        and item.start > now
    ]
    return render(
        request,
        "officer/swap_new.html",
        {
            "mine": mine,
            "duty": duty,
            "ranked": ranked,
            "problem": problem,
            "counters": counters,
            "errors": errors or [],
            "info": views.directory(session, actor, cooperation_id),
        },
        status=status,
    )


@router.get("/me/swaps/new")
def new_swap(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    now: NowDep,
    shift: str = "",
) -> HTMLResponse:
    return _new_swap_page(request, session, actor, coop, now, shift)


@router.post("/me/swaps/new")
def create_swap(
    request: Request,
    session: SessionDep,
    actor: OfficerActor,
    coop: CooperationDep,
    now: NowDep,
    shift: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    target: Annotated[str, Form()] = "",
    counter: Annotated[str, Form()] = "",
    cover_start: Annotated[str, Form()] = "",
    cover_end: Annotated[str, Form()] = "",
    message: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Create the request; a swap's counter duty (``code|shift``) also names the colleague."""
    cooperation_id = coop.id or 0
    counter_person, _, counter_shift = counter.partition("|")
    try:
        body = swaps.SwapCreate.model_validate(
            {
                "kind": kind,
                "shift": shift,
                "target": (counter_person if kind == "swap" else target) or None,
                "counter_shift": (counter_shift or None) if kind == "swap" else None,
                "cover_start": (cover_start or None) if kind == "partial" else None,
                "cover_end": (cover_end or None) if kind == "partial" else None,
                "message": message.strip() or None,
            }
        )
        if kind == "open":
            body.target = None
        created = swaps.create_request(
            session=session, actor=actor, cooperation_id=cooperation_id, request_in=body, now=now
        )
    except DomainError as error:
        session.rollback()
        return _new_swap_page(
            request,
            session,
            actor,
            coop,
            now,
            shift,
            errors=problems_of(error),
            status=error.status,
        )
    except ValueError as error:
        return _new_swap_page(
            request, session, actor, coop, now, shift, errors=[str(error)], status=422
        )
    return redirect(
        request,
        f"/c/{cooperation_id}/me/swaps",
        flash=("ok", say(request, "myswaps.created", id=created.id)),
    )

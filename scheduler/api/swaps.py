"""Routes for swap requests, the swap approval policy and candidates for a duty."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.types import utcnow
from scheduler.services import candidates, swaps

router = APIRouter(prefix="/cooperations/{cooperation_id}", tags=["swaps"])


def get_now(request: Request) -> datetime:
    """The service's clock; tests set ``app.state.clock`` to see requests expire."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else utcnow()


NowDep = Annotated[datetime, Depends(get_now)]


@router.get("/swaps")
def list_swaps(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    now: NowDep,
    status: str | None = None,
    kind: str | None = None,
    person: str | None = None,
    zone: str | None = None,
) -> Page[swaps.SwapPublic]:
    """Officers: their requests, those addressed to them, and open offers they could take.
    Planners: every request involving their zones. Filters: status, kind, person, zone."""
    rows, count = swaps.list_requests(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        status=status,
        kind=kind,
        person=person,
        zone=zone,
        offset=paging.offset,
        limit=paging.limit,
        now=now,
    )
    return Page(data=rows, count=count)


@router.post("/swaps", status_code=status.HTTP_201_CREATED)
def create_swap(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    request_in: swaps.SwapCreate,
    now: NowDep,
) -> swaps.SwapPublic:
    """Offer a duty: a swap, a give-away, an open offer or a partial cover. Refused (422,
    every broken rule named) when the change would break a hard rule."""
    return swaps.create_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_in=request_in, now=now
    )


@router.post("/swaps/check")
def check_swap(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    request_in: swaps.SwapCreate,
    now: NowDep,
    taker: str | None = None,
) -> swaps.SwapCheck:
    """What a request would do, without creating it: broken rules and soft effects."""
    return swaps.check_request(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        request_in=request_in,
        taker=taker,
        now=now,
    )


@router.get("/swaps/{request_id}")
def get_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int
) -> swaps.SwapPublic:
    request = swaps.get_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id
    )
    return swaps.to_public(session, request)


@router.post("/swaps/{request_id}/accept")
def accept_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int, now: NowDep
) -> swaps.SwapPublic:
    """Take the duty. 409 when someone else accepted first or the request is no longer open."""
    return swaps.accept_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id, now=now
    )


@router.post("/swaps/{request_id}/decline")
def decline_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int
) -> swaps.SwapPublic:
    return swaps.decline_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id
    )


@router.post("/swaps/{request_id}/cancel")
def cancel_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int
) -> swaps.SwapPublic:
    return swaps.cancel_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id
    )


@router.post("/swaps/{request_id}/approve")
def approve_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int, now: NowDep
) -> swaps.SwapPublic:
    """A planner approves; once every required zone approved, the swap is re-validated and
    applied (or stays approved with its ``problems`` listed)."""
    return swaps.approve_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id, now=now
    )


@router.post("/swaps/{request_id}/reject")
def reject_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int
) -> swaps.SwapPublic:
    return swaps.reject_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id
    )


@router.post("/swaps/{request_id}/apply")
def apply_swap(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, request_id: int, now: NowDep
) -> swaps.SwapPublic:
    """Apply an approved request again; 422 names the rules it would break now."""
    return swaps.apply_request(
        session=session, actor=actor, cooperation_id=cooperation_id, request_id=request_id, now=now
    )


@router.get("/swap-policy")
def get_swap_policy(
    session: SessionDep, actor: CurrentActor, cooperation_id: int
) -> swaps.PolicyPublic:
    actor.require_read(cooperation_id)
    policy = swaps.get_policy(session, cooperation_id)
    return swaps.PolicyPublic.model_validate(policy, from_attributes=True)


@router.put("/swap-policy")
def set_swap_policy(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, policy_in: swaps.PolicyPublic
) -> swaps.PolicyPublic:
    policy = swaps.set_policy(
        session=session, actor=actor, cooperation_id=cooperation_id, policy_in=policy_in
    )
    return swaps.PolicyPublic.model_validate(policy, from_attributes=True)


@router.get("/duties/{shift}/candidates")
def duty_candidates(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    shift: str,
    now: NowDep,
    holder: str | None = None,
) -> candidates.Candidates:
    """Who could take the duty without breaking a hard rule, most owed first; planners also
    see why everyone else cannot."""
    return candidates.duty_candidates(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        shift=shift,
        holder=holder,
        now=now,
    )

"""Routes for pins: a person fixed on a shift by a planner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import PinCreate, PinPublic, PinUpdate
from scheduler.services.pins import PINS

router = APIRouter(prefix="/cooperations/{cooperation_id}/pins", tags=["pins"])


@router.get("")
def list_pins(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    person: Annotated[str | None, Query(description="person code, e.g. hh-01")] = None,
) -> Page[PinPublic]:
    rows, count = PINS.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        person=person,
    )
    return Page(data=PINS.to_public(session, rows), count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_pin(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, pin_in: PinCreate
) -> PinPublic:
    row = PINS.create(session=session, actor=actor, cooperation_id=cooperation_id, body=pin_in)
    return PINS.to_public(session, [row])[0]


@router.get("/{pin_id}")
def get_pin(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, pin_id: int
) -> PinPublic:
    row = PINS.get(session=session, actor=actor, cooperation_id=cooperation_id, row_id=pin_id)
    return PINS.to_public(session, [row])[0]


@router.patch("/{pin_id}")
def update_pin(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, pin_id: int, pin_in: PinUpdate
) -> PinPublic:
    row = PINS.update(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        row_id=pin_id,
        changes=pin_in,
    )
    return PINS.to_public(session, [row])[0]


@router.delete("/{pin_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_pin(session: SessionDep, actor: CurrentActor, cooperation_id: int, pin_id: int) -> None:
    PINS.delete(session=session, actor=actor, cooperation_id=cooperation_id, row_id=pin_id)

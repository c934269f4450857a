"""Routes for shift overrides: one-off staff changes to generated shifts."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import (
    ShiftOverrideCreate,
    ShiftOverridePublic,
    ShiftOverrideUpdate,
)
from scheduler.services import overrides as service

router = APIRouter(
    prefix="/cooperations/{cooperation_id}/shift-overrides", tags=["shift overrides"]
)


@router.get("")
def list_overrides(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, paging: PagingDep
) -> Page[ShiftOverridePublic]:
    rows, count = service.list_overrides(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=[service.to_public(row) for row in rows], count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_override(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    override_in: ShiftOverrideCreate,
) -> ShiftOverridePublic:
    row = service.create_override(
        session=session, actor=actor, cooperation_id=cooperation_id, override_in=override_in
    )
    return service.to_public(row)


@router.get("/{override_id}")
def get_override(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, override_id: int
) -> ShiftOverridePublic:
    row = service.get_override(
        session=session, actor=actor, cooperation_id=cooperation_id, override_id=override_id
    )
    return service.to_public(row)


@router.patch("/{override_id}")
def update_override(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    override_id: int,
    override_in: ShiftOverrideUpdate,
) -> ShiftOverridePublic:
    row = service.update_override(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        override_id=override_id,
        override_in=override_in,
    )
    return service.to_public(row)


@router.delete("/{override_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_override(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, override_id: int
) -> None:
    service.delete_override(
        session=session, actor=actor, cooperation_id=cooperation_id, override_id=override_id
    )

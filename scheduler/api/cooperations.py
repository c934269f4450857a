"""Routes for cooperations."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import CooperationCreate, CooperationPublic, CooperationUpdate
from scheduler.services import cooperations as service

router = APIRouter(prefix="/cooperations", tags=["cooperations"])


@router.get("")
def list_cooperations(
    session: SessionDep, actor: CurrentActor, paging: PagingDep
) -> Page[CooperationPublic]:
    rows, count = service.list_cooperations(
        session=session, actor=actor, offset=paging.offset, limit=paging.limit
    )
    return Page(data=[service.to_public(row) for row in rows], count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_cooperation(
    session: SessionDep, actor: CurrentActor, cooperation_in: CooperationCreate
) -> CooperationPublic:
    row = service.create_cooperation(session=session, actor=actor, cooperation_in=cooperation_in)
    return service.to_public(row)


@router.get("/{cooperation_id}")
def get_cooperation(
    session: SessionDep, actor: CurrentActor, cooperation_id: int
) -> CooperationPublic:
    row = service.get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    return service.to_public(row)


@router.patch("/{cooperation_id}")
def update_cooperation(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    cooperation_in: CooperationUpdate,
) -> CooperationPublic:
    row = service.update_cooperation(
        session=session, actor=actor, cooperation_id=cooperation_id, cooperation_in=cooperation_in
    )
    return service.to_public(row)


@router.delete("/{cooperation_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_cooperation(session: SessionDep, actor: CurrentActor, cooperation_id: int) -> None:
    service.delete_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)

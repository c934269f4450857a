"""Routes for the shared roles of a cooperation."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import RoleCreate, RolePublic, RoleUpdate
from scheduler.services import roles as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/roles", tags=["roles"])


@router.get("")
def list_roles(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, paging: PagingDep
) -> Page[RolePublic]:
    rows, count = service.list_roles(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=[service.to_public(row) for row in rows], count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_role(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, role_in: RoleCreate
) -> RolePublic:
    row = service.create_role(
        session=session, actor=actor, cooperation_id=cooperation_id, role_in=role_in
    )
    return service.to_public(row)


@router.get("/{role_id}")
def get_role(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, role_id: int
) -> RolePublic:
    row = service.get_role(
        session=session, actor=actor, cooperation_id=cooperation_id, role_id=role_id
    )
    return service.to_public(row)


@router.patch("/{role_id}")
def update_role(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    role_id: int,
    role_in: RoleUpdate,
) -> RolePublic:
    row = service.update_role(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        role_id=role_id,
        role_in=role_in,
    )
    return service.to_public(row)


@router.delete("/{role_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_role(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, role_id: int
) -> None:
    service.delete_role(
        session=session, actor=actor, cooperation_id=cooperation_id, role_id=role_id
    )

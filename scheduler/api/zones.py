"""Routes for the zones of a cooperation."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import ZoneCreate, ZonePublic, ZoneUpdate
from scheduler.services import zones as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/zones", tags=["zones"])


@router.get("")
def list_zones(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, paging: PagingDep
) -> Page[ZonePublic]:
    rows, count = service.list_zones(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=[ZonePublic.model_validate(row) for row in rows], count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_zone(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, zone_in: ZoneCreate
) -> ZonePublic:
    row = service.create_zone(
        session=session, actor=actor, cooperation_id=cooperation_id, zone_in=zone_in
    )
    return ZonePublic.model_validate(row)


@router.get("/{zone_id}")
def get_zone(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, zone_id: int
) -> ZonePublic:
    row = service.get_zone(
        session=session, actor=actor, cooperation_id=cooperation_id, zone_id=zone_id
    )
    return ZonePublic.model_validate(row)


@router.patch("/{zone_id}")
def update_zone(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    zone_id: int,
    zone_in: ZoneUpdate,
) -> ZonePublic:
    row = service.update_zone(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        zone_id=zone_id,
        zone_in=zone_in,
    )
    return ZonePublic.model_validate(row)


@router.delete("/{zone_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_zone(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, zone_id: int
) -> None:
    service.delete_zone(
        session=session, actor=actor, cooperation_id=cooperation_id, zone_id=zone_id
    )

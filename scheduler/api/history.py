"""Routes for history before the planned horizons: person loads, zone loads and duties."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.api.personal import add_personal_routes
from scheduler.models.planning import (
    HistoryDutyCreate,
    HistoryDutyPublic,
    HistoryDutyUpdate,
    PersonHistoryLoadCreate,
    PersonHistoryLoadPublic,
    PersonHistoryLoadUpdate,
    ZoneHistoryLoadCreate,
    ZoneHistoryLoadPublic,
    ZoneHistoryLoadUpdate,
)
from scheduler.services import history as service
from scheduler.services.history import HISTORY_DUTIES, PERSON_LOADS

router = APIRouter(prefix="/cooperations/{cooperation_id}/history", tags=["history"])

add_personal_routes(
    router,
    PERSON_LOADS,
    path="/person-loads",
    create_body=PersonHistoryLoadCreate,
    update_body=PersonHistoryLoadUpdate,
    public=PersonHistoryLoadPublic,
    periods=False,
)
add_personal_routes(
    router,
    HISTORY_DUTIES,
    path="/duties",
    create_body=HistoryDutyCreate,
    update_body=HistoryDutyUpdate,
    public=HistoryDutyPublic,
    periods=True,
)


# --- zone loads ------------------------------------------------------------------------------


@router.get("/zone-loads")
def list_zone_loads(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, paging: PagingDep
) -> Page[ZoneHistoryLoadPublic]:
    rows, count = service.list_zone_loads(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    return Page(data=service.zone_loads_to_public(session, rows), count=count)


@router.post("/zone-loads", status_code=status.HTTP_201_CREATED)
def create_zone_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, load_in: ZoneHistoryLoadCreate
) -> ZoneHistoryLoadPublic:
    row = service.create_zone_load(
        session=session, actor=actor, cooperation_id=cooperation_id, body=load_in
    )
    return service.zone_loads_to_public(session, [row])[0]


@router.get("/zone-loads/{row_id}")
def get_zone_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> ZoneHistoryLoadPublic:
    row = service.get_zone_load(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
    )
    return service.zone_loads_to_public(session, [row])[0]


@router.patch("/zone-loads/{row_id}")
def update_zone_load(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    row_id: int,
    load_in: ZoneHistoryLoadUpdate,
) -> ZoneHistoryLoadPublic:
    row = service.update_zone_load(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id, changes=load_in
    )
    return service.zone_loads_to_public(session, [row])[0]


@router.delete("/zone-loads/{row_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_zone_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> None:
    service.delete_zone_load(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
    )

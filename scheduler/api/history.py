"""Routes for history before the planned horizons: person loads, zone loads and duties."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import (
    HistoryDutyCreate,
    HistoryDutyPublic,
    HistoryDutyUpdate,
    LocalMoment,
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

PersonFilter = Annotated[str | None, Query(description="person code, e.g. hh-01")]

# --- person loads ----------------------------------------------------------------------------


@router.get("/person-loads")
def list_person_loads(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    person: PersonFilter = None,
) -> Page[PersonHistoryLoadPublic]:
    rows, count = PERSON_LOADS.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        person=person,
    )
    return Page(data=PERSON_LOADS.to_public(session, rows), count=count)


@router.post("/person-loads", status_code=status.HTTP_201_CREATED)
def create_person_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, load_in: PersonHistoryLoadCreate
) -> PersonHistoryLoadPublic:
    row = PERSON_LOADS.create(
        session=session, actor=actor, cooperation_id=cooperation_id, body=load_in
    )
    return PERSON_LOADS.to_public(session, [row])[0]


@router.get("/person-loads/{row_id}")
def get_person_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> PersonHistoryLoadPublic:
    row = PERSON_LOADS.get(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
    )
    return PERSON_LOADS.to_public(session, [row])[0]


@router.patch("/person-loads/{row_id}")
def update_person_load(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    row_id: int,
    load_in: PersonHistoryLoadUpdate,
) -> PersonHistoryLoadPublic:
    row = PERSON_LOADS.update(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id, changes=load_in
    )
    return PERSON_LOADS.to_public(session, [row])[0]


@router.delete("/person-loads/{row_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_person_load(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> None:
    PERSON_LOADS.delete(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)


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


# --- duties ----------------------------------------------------------------------------------


@router.get("/duties")
def list_history_duties(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    person: PersonFilter = None,
    start: Annotated[
        LocalMoment | None, Query(alias="from", description="only duties ending after this")
    ] = None,
    end: Annotated[
        LocalMoment | None, Query(alias="to", description="only duties starting before this")
    ] = None,
) -> Page[HistoryDutyPublic]:
    rows, count = HISTORY_DUTIES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        person=person,
        start=start,
        end=end,
    )
    return Page(data=HISTORY_DUTIES.to_public(session, rows), count=count)


@router.post("/duties", status_code=status.HTTP_201_CREATED)
def create_history_duty(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, duty_in: HistoryDutyCreate
) -> HistoryDutyPublic:
    row = HISTORY_DUTIES.create(
        session=session, actor=actor, cooperation_id=cooperation_id, body=duty_in
    )
    return HISTORY_DUTIES.to_public(session, [row])[0]


@router.get("/duties/{row_id}")
def get_history_duty(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> HistoryDutyPublic:
    row = HISTORY_DUTIES.get(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
    )
    return HISTORY_DUTIES.to_public(session, [row])[0]


@router.patch("/duties/{row_id}")
def update_history_duty(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    row_id: int,
    duty_in: HistoryDutyUpdate,
) -> HistoryDutyPublic:
    row = HISTORY_DUTIES.update(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id, changes=duty_in
    )
    return HISTORY_DUTIES.to_public(session, [row])[0]


@router.delete("/duties/{row_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_history_duty(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int
) -> None:
    HISTORY_DUTIES.delete(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
    )

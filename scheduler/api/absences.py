"""Routes for absences: periods people cannot be planned."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import AbsenceCreate, AbsencePublic, AbsenceUpdate, LocalMoment
from scheduler.services import absences as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/absences", tags=["absences"])


@router.get("", description="Officers see only their own absences; planners see all.")
def list_absences(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    person: Annotated[str | None, Query(description="person code, e.g. hh-01")] = None,
    start: Annotated[
        LocalMoment | None, Query(alias="from", description="only absences ending after this")
    ] = None,
    end: Annotated[
        LocalMoment | None, Query(alias="to", description="only absences starting before this")
    ] = None,
) -> Page[AbsencePublic]:
    rows, count = service.ABSENCES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        person=person,
        start=start,
        end=end,
    )
    return Page(data=service.ABSENCES.to_public(session, rows), count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_absence(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, absence_in: AbsenceCreate
) -> AbsencePublic:
    row = service.ABSENCES.create(
        session=session, actor=actor, cooperation_id=cooperation_id, body=absence_in
    )
    return service.ABSENCES.to_public(session, [row])[0]


@router.get("/{absence_id}")
def get_absence(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, absence_id: int
) -> AbsencePublic:
    row = service.ABSENCES.get(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=absence_id
    )
    return service.ABSENCES.to_public(session, [row])[0]


@router.patch("/{absence_id}")
def update_absence(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    absence_id: int,
    absence_in: AbsenceUpdate,
) -> AbsencePublic:
    row = service.ABSENCES.update(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        row_id=absence_id,
        changes=absence_in,
    )
    return service.ABSENCES.to_public(session, [row])[0]


@router.delete("/{absence_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_absence(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, absence_id: int
) -> None:
    service.ABSENCES.delete(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=absence_id
    )

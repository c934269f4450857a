"""Routes for the people of a cooperation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import PersonCreate, PersonPublic, PersonUpdate
from scheduler.services import people as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/people", tags=["people"])


@router.get("")
def list_people(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    zone: Annotated[str | None, Query(description="zone code, e.g. HH")] = None,
    qualification: Annotated[str | None, Query(description="e.g. OBP")] = None,
    q: Annotated[str | None, Query(description="part of the name or code")] = None,
) -> Page[PersonPublic]:
    rows, count = service.list_people(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        zone=zone,
        qualification=qualification,
        q=q,
    )
    return Page(data=service.to_public(session, rows), count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_person(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, person_in: PersonCreate
) -> PersonPublic:
    row = service.create_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_in=person_in
    )
    return service.to_public(session, [row])[0]


@router.get("/{person_id}")
def get_person(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, person_id: int
) -> PersonPublic:
    row = service.get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    return service.to_public(session, [row])[0]


@router.patch("/{person_id}")
def update_person(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    person_id: int,
    person_in: PersonUpdate,
) -> PersonPublic:
    row = service.update_person(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        person_id=person_id,
        person_in=person_in,
    )
    return service.to_public(session, [row])[0]


@router.delete("/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_person(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, person_id: int
) -> None:
    service.delete_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )

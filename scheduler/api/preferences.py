"""Routes for preferences: soft wishes to avoid or get duties."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import (
    LocalMoment,
    PreferenceCreate,
    PreferencePublic,
    PreferenceUpdate,
)
from scheduler.services import preferences as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/preferences", tags=["preferences"])


@router.get("", description="Officers see only their own preferences; planners see all.")
def list_preferences(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    person: Annotated[str | None, Query(description="person code, e.g. hh-01")] = None,
    start: Annotated[
        LocalMoment | None, Query(alias="from", description="only preferences ending after this")
    ] = None,
    end: Annotated[
        LocalMoment | None, Query(alias="to", description="only preferences starting before this")
    ] = None,
) -> Page[PreferencePublic]:
    rows, count = service.PREFERENCES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        person=person,
        start=start,
        end=end,
    )
    return Page(data=service.PREFERENCES.to_public(session, rows), count=count)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_preference(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, preference_in: PreferenceCreate
) -> PreferencePublic:
    row = service.PREFERENCES.create(
        session=session, actor=actor, cooperation_id=cooperation_id, body=preference_in
    )
    return service.PREFERENCES.to_public(session, [row])[0]


@router.get("/{preference_id}")
def get_preference(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, preference_id: int
) -> PreferencePublic:
    row = service.PREFERENCES.get(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=preference_id
    )
    return service.PREFERENCES.to_public(session, [row])[0]


@router.patch("/{preference_id}")
def update_preference(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    preference_id: int,
    preference_in: PreferenceUpdate,
) -> PreferencePublic:
    row = service.PREFERENCES.update(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        row_id=preference_id,
        changes=preference_in,
    )
    return service.PREFERENCES.to_public(session, [row])[0]


@router.delete("/{preference_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_preference(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, preference_id: int
) -> None:
    service.PREFERENCES.delete(
        session=session, actor=actor, cooperation_id=cooperation_id, row_id=preference_id
    )

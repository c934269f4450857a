"""Routes for rows that belong to one person: one shape, written once.

Absences, preferences, pins, history duties and person history loads all list
(optionally by person and by a period they overlap), create, read, update and
delete the same way through a ``PersonalRows`` service; ``add_personal_routes``
adds those five routes for one of them.

No ``from __future__ import annotations`` here: the routes' annotations name
the body and response classes passed in, so they must be evaluated at once.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.models.planning import LocalMoment
from scheduler.services.personal import PersonalRows

PersonFilter = Annotated[str | None, Query(description="person code, e.g. hh-01")]


def add_personal_routes(
    router: APIRouter,
    rows: PersonalRows[Any, Any, Any],
    *,
    path: str,
    create_body: type[BaseModel],
    update_body: type[BaseModel],
    public: type[BaseModel],
    periods: bool,
    listing: str | None = None,
) -> None:
    """Add list, create, read, update and delete routes for ``rows`` under ``path``.

    With ``periods`` the list takes ``from`` and ``to`` and keeps the rows that
    overlap them.
    """
    name = rows.plural.replace(" ", "_")

    def list_with_periods(
        session: SessionDep,
        actor: CurrentActor,
        cooperation_id: int,
        paging: PagingDep,
        person: PersonFilter = None,
        start: Annotated[
            LocalMoment | None, Query(alias="from", description="only rows ending after this")
        ] = None,
        end: Annotated[
            LocalMoment | None, Query(alias="to", description="only rows starting before this")
        ] = None,
    ) -> Any:
        found, count = rows.list(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            offset=paging.offset,
            limit=paging.limit,
            person=person,
            start=start,
            end=end,
        )
        return Page(data=rows.to_public(session, found), count=count)

    def list_by_person(
        session: SessionDep,
        actor: CurrentActor,
        cooperation_id: int,
        paging: PagingDep,
        person: PersonFilter = None,
    ) -> Any:
        found, count = rows.list(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            offset=paging.offset,
            limit=paging.limit,
            person=person,
        )
        return Page(data=rows.to_public(session, found), count=count)

    def create(
        session: SessionDep,
        actor: CurrentActor,
        cooperation_id: int,
        body: create_body,  # type: ignore[valid-type]
    ) -> Any:
        row = rows.create(session=session, actor=actor, cooperation_id=cooperation_id, body=body)
        return rows.to_public(session, [row])[0]

    def read(session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int) -> Any:
        row = rows.get(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
        return rows.to_public(session, [row])[0]

    def update(
        session: SessionDep,
        actor: CurrentActor,
        cooperation_id: int,
        row_id: int,
        body: update_body,  # type: ignore[valid-type]
    ) -> Any:
        row = rows.update(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            row_id=row_id,
            changes=body,
        )
        return rows.to_public(session, [row])[0]

    def delete(session: SessionDep, actor: CurrentActor, cooperation_id: int, row_id: int) -> None:
        rows.delete(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)

    router.add_api_route(
        path,
        list_with_periods if periods else list_by_person,
        methods=["GET"],
        response_model=Page[public],  # type: ignore[valid-type]
        name=f"list_{name}",
        description=listing,
    )
    router.add_api_route(
        path,
        create,
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=public,
        name=f"create_{name}",
    )
    item = f"{path}/{{row_id}}"
    router.add_api_route(item, read, methods=["GET"], response_model=public, name=f"get_{name}")
    router.add_api_route(
        item, update, methods=["PATCH"], response_model=public, name=f"update_{name}"
    )
    router.add_api_route(
        item,
        delete,
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        name=f"delete_{name}",
    )

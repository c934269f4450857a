"""Dependencies every route shares: a database session and the authenticated actor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.auth import Actor, authenticate


def get_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            # Services commit what they finish; anything left open was not finished.
            session.rollback()


SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False, description="An API token from `permanence token create`")


def get_actor(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    return authenticate(session, credentials.credentials if credentials else None)


CurrentActor = Annotated[Actor, Depends(get_actor)]


class Paging(BaseModel):
    offset: int
    limit: int


def get_paging(
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Paging:
    return Paging(offset=offset, limit=limit)


PagingDep = Annotated[Paging, Depends(get_paging)]

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """A list response: one page of items and the total count."""

    data: list[Item]
    count: int

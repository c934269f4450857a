"""Routes about the signed-in user: who am I, and my API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from scheduler.api.deps import CurrentActor, SessionDep
from scheduler.services import accounts as service

router = APIRouter(prefix="/me", tags=["me"])


@router.get("")
def who_am_i(session: SessionDep, actor: CurrentActor) -> service.Me:
    return service.me(session=session, actor=actor)


@router.get("/tokens")
def list_tokens(session: SessionDep, actor: CurrentActor) -> list[service.TokenPublic]:
    return [
        service.token_public(row) for row in service.list_my_tokens(session=session, actor=actor)
    ]


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    description="The answer holds the token's secret; it is shown only this once.",
)
def create_token(
    session: SessionDep, actor: CurrentActor, token_in: service.TokenCreate
) -> service.TokenCreated:
    return service.create_my_token(session=session, actor=actor, token_in=token_in)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(session: SessionDep, actor: CurrentActor, token_id: int) -> None:
    service.revoke_my_token(session=session, actor=actor, token_id=token_id)

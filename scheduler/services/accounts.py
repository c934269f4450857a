"""The signed-in user's own account (who am I, my API tokens) and the audit log.

Tokens are shown in full once, when created; listings carry only a prefix so
people can tell them apart. The audit log of a cooperation is for its planners
and admins: it holds personal data (absence reasons) in its before/after rows.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from scheduler.auth import Actor, create_api_token, list_api_tokens, revoke_api_token
from scheduler.errors import NotFound
from scheduler.models import ApiToken, AuditEvent, Zone
from scheduler.models.planning import PersonPublic
from scheduler.models.types import utcnow
from scheduler.services.common import page
from scheduler.services.people import to_public as people_to_public


class MyZone(BaseModel):
    id: int
    code: str
    name: str
    cooperation_id: int


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    cooperation_ids: list[int]
    zones: list[MyZone] = Field(description="the zones a planner plans")
    person: PersonPublic | None = Field(description="the person an officer is")


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreate(BaseModel):
    name: str = Field(default="", max_length=100)
    expires_at: datetime | None = Field(default=None, description="with a UTC offset")

    @field_validator("expires_at")
    @classmethod
    def _aware_and_in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("give the expiry with a UTC offset, e.g. 2027-01-01T00:00:00Z")
        if value <= utcnow():
            raise ValueError("the expiry must be in the future")
        return value


class TokenCreated(TokenPublic):
    token: str = Field(description="the secret; shown only now, store it safely")


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    cooperation_id: int | None
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None


def me(*, session: Session, actor: Actor) -> Me:
    zones = session.exec(
        select(Zone).where(col(Zone.id).in_(actor.zone_ids)).order_by(col(Zone.id))
    ).all()
    user = actor.user
    assert user.id is not None
    return Me(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        cooperation_ids=sorted(actor.cooperation_ids),
        zones=[MyZone.model_validate(zone, from_attributes=True) for zone in zones],
        person=people_to_public(session, [actor.person])[0] if actor.person else None,
    )


def token_public(row: ApiToken) -> TokenPublic:
    return TokenPublic.model_validate(row, from_attributes=True)


def list_my_tokens(*, session: Session, actor: Actor) -> list[ApiToken]:
    return list_api_tokens(session=session, user=actor.user)


def create_my_token(*, session: Session, actor: Actor, token_in: TokenCreate) -> TokenCreated:
    """A new token for the actor; the secret is in the answer and nowhere else. Commits."""
    secret, row = create_api_token(
        session=session,
        user=actor.user,
        name=token_in.name,
        expires_at=token_in.expires_at,
        actor=actor.user,
    )
    return TokenCreated(**token_public(row).model_dump(), token=secret)


def revoke_my_token(*, session: Session, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's own tokens (others' are 404, even for admins). Commits."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.user.id:
        raise NotFound(f"API token {token_id} not found")
    revoke_api_token(session=session, token_id=token_id, actor=actor.user)


def list_audit_events(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    offset: int,
    limit: int,
    entity: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
) -> tuple[list[AuditEvent], int]:
    """The cooperation's audit log, newest first; for its planners and admins."""
    actor.require_planner(cooperation_id)
    query = select(AuditEvent).where(AuditEvent.cooperation_id == cooperation_id)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    return page(session, query.order_by(col(AuditEvent.id).desc()), offset=offset, limit=limit)

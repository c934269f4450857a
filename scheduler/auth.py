"""Users, API tokens and the permission rules every service applies.

Roles: ``admin`` may do everything; a ``planner`` plans for one or more zones
(edits those zones' people, absences and preferences, and the shared roles and
rules of their cooperations); an ``officer`` is linked to one person (reads the
rota, edits their own preferences). Tokens are random, shown once, stored as
SHA-256 (they carry 256 bits of entropy, so a slow hash adds nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from scheduler import audit
from scheduler.errors import Conflict, Invalid, NotAuthenticated, NotFound, NotPermitted
from scheduler.models import USER_ROLES, ApiToken, Person, User, UserZone, Zone
from scheduler.models.types import utcnow

TOKEN_PREFIX = "pmt_"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Actor:
    """The authenticated user with what they may touch, loaded once per request."""

    user: User
    zone_ids: frozenset[int]
    cooperation_ids: frozenset[int]
    person: Person | None

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"

    @property
    def is_planner(self) -> bool:
        return self.user.role == "planner"

    def can_read(self, cooperation_id: int) -> bool:
        return self.is_admin or cooperation_id in self.cooperation_ids

    def require_read(self, cooperation_id: int) -> None:
        # Outsiders get 404, not 403: they learn nothing about other cooperations.
        if not self.can_read(cooperation_id):
            raise NotFound(f"cooperation {cooperation_id} not found")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise NotPermitted("only an admin may do this")

    def require_planner(self, cooperation_id: int) -> None:
        """Planners of any zone of the cooperation (or admins) may edit shared things."""
        self.require_read(cooperation_id)
        if not (self.is_admin or self.is_planner):
            raise NotPermitted("only a planner of this cooperation may do this")

    def plans_zone(self, zone_id: int) -> bool:
        return self.is_admin or (self.is_planner and zone_id in self.zone_ids)

    def require_zone_planner(self, cooperation_id: int, zone_id: int, what: str) -> None:
        self.require_planner(cooperation_id)
        if not self.plans_zone(zone_id):
            raise NotPermitted(f"you do not plan the zone of {what}")

    def is_person(self, person_id: int) -> bool:
        return self.person is not None and self.person.id == person_id


def load_actor(session: Session, user: User) -> Actor:
    zone_ids: set[int] = set()
    cooperation_ids: set[int] = set()
    person = session.get(Person, user.person_id) if user.person_id else None
    if user.role == "planner":
        rows = session.exec(
            select(Zone.id, Zone.cooperation_id)
            .join(UserZone, col(UserZone.zone_id) == col(Zone.id))
            .where(UserZone.user_id == user.id)
        ).all()
        for zone_id, cooperation_id in rows:
            assert zone_id is not None
            zone_ids.add(zone_id)
            cooperation_ids.add(cooperation_id)
    if person is not None:
        cooperation_ids.add(person.cooperation_id)
    return Actor(
        user=user,
        zone_ids=frozenset(zone_ids),
        cooperation_ids=frozenset(cooperation_ids),
        person=person,
    )


def authenticate(session: Session, token: str | None) -> Actor:
    """The actor behind a bearer token, or ``NotAuthenticated``."""
    if not token:
        raise NotAuthenticated("send an API token as 'Authorization: Bearer <token>'")
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    # The lookup is by hash; compare again in constant time so timing reveals nothing.
    if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
        raise NotAuthenticated("unknown or revoked API token")
    now = utcnow()
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        raise NotAuthenticated("unknown or revoked API token")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("unknown or revoked API token")
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return load_actor(session, user)


def create_user(
    *,
    session: Session,
    username: str,
    role: str,
    display_name: str = "",
    zone_ids: list[int] | None = None,
    person_id: int | None = None,
    email: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user; planners need zones, officers a person. Commits."""
    if email is not None and "@" not in email:
        raise Invalid(f"'{email}' is not an e-mail address")
    if role not in USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(USER_ROLES)}, not '{role}'")
    if role == "planner" and not zone_ids:
        raise Invalid("a planner needs at least one zone")
    if role == "officer" and person_id is None:
        raise Invalid("an officer must be linked to a person")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(f"user '{username}' already exists")
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        person_id=person_id,
        email=email,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for zone_id in zone_ids or []:
        session.add(UserZone(user_id=user.id, zone_id=zone_id))
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=user.id,
        after=audit.snapshot(user) | {"zone_ids": zone_ids or []},
    )
    session.commit()
    return user


def create_api_token(
    *,
    session: Session,
    user: User,
    name: str = "",
    expires_at: datetime | None = None,
    actor: User | None = None,
) -> tuple[str, ApiToken]:
    """A new token for ``user``: returns the secret (shown once) and its row. Commits."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(secret),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    after = audit.snapshot(row)
    after.pop("token_hash")
    audit.record(
        session, actor=actor, action="create", entity="api_token", entity_id=row.id, after=after
    )
    session.commit()
    return secret, row


def revoke_api_token(*, session: Session, token_id: int, actor: User | None = None) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"API token {token_id} not found")
    if actor is not None and actor.role != "admin" and row.user_id != actor.id:
        raise NotFound(f"API token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit.record(session, actor=actor, action="revoke", entity="api_token", entity_id=row.id)
        session.commit()
    return row


def list_api_tokens(*, session: Session, user: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id))
        ).all()
    )


def find_user(*, session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"user '{username}' not found")
    return user

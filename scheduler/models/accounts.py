"""Who may do what: users, their zones, API tokens, and the audit log of every write."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow

USER_ROLES = ("admin", "planner", "officer")


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)  # admin | planner | officer
    # Officers are linked to the person whose duties they hold.
    person_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="SET NULL"), nullable=True),
    )
    password_hash: str | None = Field(default=None, max_length=256)
    # Where notifications go; an officer without one is reached through their person.
    email: str | None = Field(default=None, max_length=254)
    language: str | None = Field(default=None, max_length=8)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class UserZone(SQLModel, table=True):
    """The zones a planner plans for."""

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    )
    zone_id: int = Field(
        sa_column=Column(Integer, ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True)
    )


class ApiToken(SQLModel, table=True):
    """A bearer token for HTTP clients; only its SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(default="", max_length=100)
    prefix: str = Field(max_length=16)  # shown in listings so people can tell tokens apart
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None)
    expires_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, with the row before and after.

    No foreign keys: the log outlives the rows and users it describes.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = None
    actor: str = Field(max_length=64)  # username, or "cli"/"system"
    cooperation_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=32)  # create | update | delete | import | publish | ...
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)

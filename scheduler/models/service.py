"""Service state: rota versions and their duties, generation jobs and feed tokens.

Later features fill these tables; they live in the first migration so the
schema's shape is settled early and every database starts from the same place.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow


class RotaVersion(SQLModel, table=True):
    """One generated or edited rota. Drafts may change; published ones never do."""

    __table_args__ = (
        # At most one published version per cooperation and horizon, enforced by the database.
        Index(
            "uq_rotaversion_published",
            "cooperation_id",
            "horizon_start",
            "horizon_end",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    horizon_start: date
    horizon_end: date
    status: str = Field(default="draft", max_length=16)  # draft | published | superseded
    source: str = Field(default="solver", max_length=16)  # solver | import | edit | swap
    rota: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    parent_id: int | None = Field(default=None, foreign_key="rotaversion.id")
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    published_at: datetime | None = Field(default=None)
    published_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class Assignment(SQLModel, table=True):
    """One duty of a rota version: a person on a shift."""

    __table_args__ = (UniqueConstraint("version_id", "shift", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("rotaversion.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    shift: str = Field(max_length=64)
    role: str = Field(max_length=32)
    person_id: int = Field(foreign_key="person.id", index=True)
    zone: str = Field(max_length=32)  # the person's zone when the duty was planned
    start: datetime = Field(index=True)
    end: datetime = Field()
    load: float
    fixed: bool = False


class GenerationJob(SQLModel, table=True):
    """A request to solve a horizon; a worker claims it, reports progress and the result."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    status: str = Field(default="queued", max_length=16, index=True)
    horizon_start: date
    horizon_end: date
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    progress: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    error: str | None = None
    cancel_requested: bool = False
    worker: str | None = Field(default=None, max_length=128)
    result_version_id: int | None = Field(default=None, foreign_key="rotaversion.id")
    requested_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = Field(default=None)
    heartbeat_at: datetime | None = Field(default=None)
    finished_at: datetime | None = Field(default=None)


class FeedToken(SQLModel, table=True):
    """A capability URL for a calendar feed; only the token's hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=16)  # person | role | zone | cooperation
    subject: str | None = Field(default=None, max_length=64)
    token_hash: str = Field(unique=True, max_length=64)
    alarm_minutes: int | None = None
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None)
    revoked_at: datetime | None = Field(default=None)

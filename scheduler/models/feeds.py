"""Rendered calendar feeds, cached in the database so every web process shares them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary
from sqlmodel import Field, SQLModel


class FeedCache(SQLModel, table=True):
    """The bytes of one feed token's feed as last rendered, and whether they are stale.

    Every feed token gets its row when it is made (empty and stale). A publish
    marks the cooperation's rows stale and bumps their generation in its own
    transaction; the next request re-renders once and every request after that
    is served from here. A render stores its bytes only if the generation is
    still the one it started from, so a publish during a render is never lost.
    """

    feed_token_id: int = Field(
        sa_column=Column(Integer, ForeignKey("feedtoken.id", ondelete="CASCADE"), primary_key=True)
    )
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    body: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))
    etag: str = Field(default="", max_length=80)
    # The newest of the feed's inputs; HTTP Last-Modified, which never moves backwards.
    last_modified: datetime | None = None
    # The first day the feed's window covered; a new day means a new render.
    window_start: date | None = None
    stale: bool = True
    generation: int = 0
    rendered_at: datetime | None = None

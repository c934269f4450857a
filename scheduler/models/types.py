"""Small helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, aware in UTC. Instants are stored with SQLModel's UTC type on both databases."""
    return datetime.now(UTC)

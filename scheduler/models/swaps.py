"""Swap requests between officers, the locks that keep a duty in one request, approvals,
the approval policy of a cooperation, and the notification outbox.

The database enforces what must hold under concurrency: a duty (shift and
holder) is promised in at most one active request (``SwapDutyLock``), a zone
approves a request once (``SwapApproval``), and status changes are
compare-and-set updates in the services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow

SWAP_KINDS = ("swap", "giveaway", "open", "partial")
ACTIVE_STATUSES = ("open", "accepted", "approved")
FINAL_STATUSES = ("applied", "declined", "cancelled", "rejected", "expired")
APPROVAL_POLICIES = ("automatic", "planner")


class SwapRequest(SQLModel, table=True):
    """An officer's request to swap, give away, offer, or have a duty (partly) covered."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=16)  # swap | giveaway | open | partial
    # open → accepted → approved → applied; or declined | cancelled | rejected | expired
    status: str = Field(default="open", max_length=16, index=True)
    version_id: int = Field(foreign_key="rotaversion.id")  # published when requested
    shift: str = Field(max_length=64)  # the requester's duty (a shift or part id)
    requester_id: int = Field(foreign_key="person.id", index=True)
    target_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    taker_id: int | None = Field(default=None, foreign_key="person.id")  # who accepted
    counter_shift: str | None = Field(default=None, max_length=64)  # the target's duty (swap)
    cover_start: datetime | None = Field(default=None)
    cover_end: datetime | None = Field(default=None)
    # The earliest start among the duties (or the cover) involved: the request expires then.
    starts_at: datetime
    message: str | None = Field(default=None, max_length=2000)
    expires_at: datetime | None = Field(default=None)
    zones: list[str] = Field(default_factory=list, sa_type=JSON)  # zones whose load changes
    problems: list[str] = Field(default_factory=list, sa_type=JSON)  # why it last failed
    applied_version_id: int | None = Field(default=None, foreign_key="rotaversion.id")
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = Field(default=None)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class SwapDutyLock(SQLModel, table=True):
    """A duty promised in an active request; the unique key keeps it in one request only.

    Rows exist while their request is active and are deleted with its final state.
    """

    __table_args__ = (UniqueConstraint("cooperation_id", "shift", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False)
    )
    shift: str = Field(max_length=64)
    person_id: int = Field(foreign_key="person.id")
    request_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("swaprequest.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class SwapApproval(SQLModel, table=True):
    """A planner's approval of a request for one zone (or the whole cooperation: zone None)."""

    __table_args__ = (UniqueConstraint("request_id", "zone"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("swaprequest.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    zone: str = Field(max_length=32)  # a zone code, or "*" for a cooperation-wide approval
    approved_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime = Field(default_factory=utcnow)


class SwapPolicy(SQLModel, table=True):
    """How a cooperation approves swaps; a cooperation without a row approves automatically."""

    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), primary_key=True
        )
    )
    # automatic: applied when the result passes every hard rule; planner: a planner approves.
    approval: str = Field(default="automatic", max_length=16)
    # Cross-zone swaps (zone loads change) need a planner of each affected zone.
    each_zone: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class NotificationOutbox(SQLModel, table=True):
    """An event to deliver to one person or one user; a delivery job sends and marks it."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    event: str = Field(max_length=32)  # e.g. swap.created, swap.accepted, swap.applied
    swap_request_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("swaprequest.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    recipient_person_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=True),
    )
    recipient_user_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), nullable=True),
    )
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = Field(default=None, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)

"""Periodic job: expire swap requests that are due and remind people of open ones.

Expiry is the swap service's (``swaps.expire_requests``). Reminders go out at
``swap_reminder_offsets`` before the duty starts (7 days, 2 days and 12 hours
by default) to the people of the request, once per offset. A request created
inside an offset's window gets no reminder for that offset (it is news
already), and when a job run was missed only the nearest offset is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from scheduler.models import Person, SwapRequest
from scheduler.models.swaps import ACTIVE_STATUSES
from scheduler.periodic.marks import claim_mark, local_text
from scheduler.periodic.registry import JobContext
from scheduler.services import notifications, swaps


def due_offset(request: SwapRequest, offsets: list[timedelta], now: datetime) -> timedelta | None:
    """The offset whose reminder is due for ``request`` at ``now``, or None."""
    if request.starts_at <= now:
        return None
    due = [
        offset
        for offset in offsets
        if request.starts_at - offset <= now and request.created_at < request.starts_at - offset
    ]
    return min(due) if due else None


def _key(request: SwapRequest, offset: timedelta) -> str:
    return f"swap-reminder:{request.id}:{int(offset.total_seconds())}"


def run(context: JobContext) -> str:
    now = context.now
    offsets = sorted(context.settings.swap_reminder_offsets, reverse=True)
    with Session(context.engine, expire_on_commit=False) as session:
        expired = swaps.expire_requests(session, now)
        reminded = 0
        active = session.exec(
            select(SwapRequest).where(
                col(SwapRequest.status).in_(ACTIVE_STATUSES), col(SwapRequest.starts_at) > now
            )
        ).all()
        for request in active:
            offset = due_offset(request, offsets, now)
            if offset is None:
                continue
            if not claim_mark(session, _key(request, offset)):
                continue
            # The longer offsets are done too: a later run sends none of them.
            for longer in offsets:
                if longer > offset:
                    claim_mark(session, _key(request, longer))
            people = [
                person
                for person_id in (request.requester_id, request.target_id, request.taker_id)
                if person_id is not None and (person := session.get(Person, person_id))
            ]
            notifications.notify(
                session,
                cooperation_id=request.cooperation_id,
                event="swap.reminder",
                people=people,
                swap_request_id=request.id,
                payload={
                    "request": request.id,
                    "kind": request.kind,
                    "status": request.status,
                    "shift": request.shift,
                    "start": local_text(session, request.cooperation_id, request.starts_at),
                    "before": int(offset.total_seconds()),
                },
            )
            session.commit()
            reminded += 1
    return f"{len(expired)} expired, {reminded} reminded"

"""Periodic job: duties that a change made impossible get a cover request.

When an absence, a lost qualification or an ended activity window conflicts
with a published duty that has not started, this job opens an ``open`` swap
request for the duty (the swap service's cover request, so the first valid
colleague to accept takes it), ranks the candidates (the candidate service:
fairness first) and notifies the person and the planners of their zone
(``duty.conflict``). It runs every ``conflict_check_seconds`` (30 s), so the
request exists within a minute of the change.

What conflicts is decided by the independent validator on the published rota
against the current planning data (rules ``absence``, ``qualification``,
``active_window``). A cooperation is checked again only after its audit log
moved (every planning write is audited), so an idle service does no work. Each
conflict is handled once (a ``periodic_mark`` per duty, holder and rule); a
duty already promised in an active request is left to that request.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.errors import DomainError
from scheduler.models import (
    AuditEvent,
    Cooperation,
    Person,
    RotaVersion,
    SwapDutyLock,
    Zone,
)
from scheduler.periodic.marks import claim_mark, get_mark, local_text, set_mark, system_actor
from scheduler.periodic.registry import JobContext
from scheduler.services import candidates, notifications, swaps
from scheduler.services.swaps import SwapCreate
from solver.split import validate as validate_rota

log = logging.getLogger("permanence.periodic.conflicts")

CONFLICT_RULES = ("absence", "qualification", "active_window")
# Candidates named in the notification; the request's page lists them all.
CANDIDATES_NAMED = 5


def run(context: JobContext) -> str:
    opened = 0
    with Session(context.engine, expire_on_commit=False) as session:
        ids = session.exec(select(Cooperation.id)).all()
    for cooperation_id in ids:
        assert cooperation_id is not None
        with Session(context.engine, expire_on_commit=False) as session:
            try:
                opened += check_cooperation(session, cooperation_id, now=context.now)
            except Exception:  # one cooperation's failure must not stop the others
                session.rollback()
                log.exception("conflict check failed", extra={"cooperation": cooperation_id})
    return f"{opened} cover requests opened"


def check_cooperation(session: Session, cooperation_id: int, *, now: datetime) -> int:
    """Open cover requests for the cooperation's new conflicts; how many. Commits."""
    last_event = session.exec(
        select(func.max(AuditEvent.id)).where(AuditEvent.cooperation_id == cooperation_id)
    ).one()
    state_key = f"conflicts:audit:{cooperation_id}"
    if last_event is not None and get_mark(session, state_key) == str(last_event):
        return 0
    opened = 0
    versions = session.exec(
        select(RotaVersion).where(
            RotaVersion.cooperation_id == cooperation_id,
            RotaVersion.status == "published",
            col(RotaVersion.horizon_end) > now.date(),
        )
    ).all()
    for version in versions:
        opened += _check_version(session, version, now)
    if last_event is not None:
        set_mark(session, state_key, str(last_event))
        session.commit()
    return opened


def _check_version(session: Session, version: RotaVersion, now: datetime) -> int:
    rota = swaps.load_published(session, version, now=now)
    opened = 0
    seen: set[tuple[str, str]] = set()
    for violation in validate_rota(rota.expanded, rota.rota.assignments, uncovered_allowed=True):
        if violation.rule not in CONFLICT_RULES or violation.person is None:
            continue
        for shift in violation.shifts:
            duty = rota.duty(shift, violation.person)
            if duty is None or (shift, violation.person) in seen:
                continue
            seen.add((shift, violation.person))
            if rota.expanded.scenario.instant(duty.start) <= now:
                continue  # started or past: nothing to cover any more
            holder = rota.people[violation.person]
            if _promised(session, version.cooperation_id, shift, holder):
                continue
            key = f"conflict:{version.cooperation_id}:{shift}:{holder.id}:{violation.rule}"
            if not claim_mark(session, key):
                continue
            if _open_cover(session, version.cooperation_id, shift, holder, violation.message, now):
                opened += 1
    return opened


def _promised(session: Session, cooperation_id: int, shift: str, holder: Person) -> bool:
    """Whether the duty is already in an active request (the holder may have asked already)."""
    return (
        session.exec(
            select(SwapDutyLock.id).where(
                SwapDutyLock.cooperation_id == cooperation_id,
                SwapDutyLock.shift == shift,
                SwapDutyLock.person_id == holder.id,
            )
        ).first()
        is not None
    )


def _open_cover(
    session: Session, cooperation_id: int, shift: str, holder: Person, reason: str, now: datetime
) -> bool:
    """Open the cover request and notify; False when the swap service refused it."""
    actor = system_actor()
    try:
        request = swaps.create_request(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            request_in=SwapCreate(kind="open", shift=shift, person=holder.code, message=reason),
            now=now,
        )
    except DomainError as error:
        session.rollback()
        log.warning(
            "no cover request for %s of %s: %s",
            shift,
            holder.code,
            error,
            extra={"cooperation": cooperation_id},
        )
        return False
    ranked = candidates.duty_candidates(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        shift=shift,
        holder=holder.code,
        now=now,
    )
    zone = session.get(Zone, holder.zone_id)
    notifications.notify(
        session,
        cooperation_id=cooperation_id,
        event="duty.conflict",
        people=[holder],
        planner_zones=[zone] if zone else [],
        swap_request_id=request.id,
        payload={
            "duty": shift,
            "person": holder.code,
            "start": local_text(session, cooperation_id, request.starts_at),
            "reason": reason,
            "request": request.id,
            "candidates": [
                f"{item.name} ({item.zone})" for item in ranked.candidates[:CANDIDATES_NAMED]
            ],
            "candidate_codes": [item.person for item in ranked.candidates],
        },
    )
    session.commit()
    log.info(
        "cover request %s opened for %s of %s",
        request.id,
        shift,
        holder.code,
        extra={"cooperation": cooperation_id},
    )
    return True

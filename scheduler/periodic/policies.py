"""The settings people give the periodic jobs: a cooperation's rolling-generation policy
and a person's duty-reminder opt-in."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session

from scheduler import audit
from scheduler.auth import Actor
from scheduler.config import Settings
from scheduler.models import Person, ReminderOptIn, RollingPolicy
from scheduler.models.types import utcnow
from scheduler.periodic.jobs.rolling import policy_for
from scheduler.services.common import get_scoped
from scheduler.services.cooperations import get_cooperation
from scheduler.services.people import require_personal_read, require_personal_write


class RollingPolicyIn(BaseModel):
    enabled: bool = True
    ahead_weeks: int = Field(default=13, ge=1, le=104, description="Keep this far planned.")
    run_day: int = Field(default=1, ge=1, le=28, description="Day of the month to plan on.")
    auto_publish: bool = Field(
        default=False,
        description="Publish a draft that covers every shift and passes the validator.",
    )
    time_limit: float | None = Field(default=None, gt=0, le=3600)


class RollingPolicyPublic(RollingPolicyIn):
    source: Literal["cooperation", "default", "none"] = Field(
        description="The cooperation's own policy, the service default, or none (off)."
    )


def get_rolling_policy(
    *, session: Session, actor: Actor, cooperation_id: int, settings: Settings
) -> RollingPolicyPublic:
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    row = session.get(RollingPolicy, cooperation_id)
    if row is not None:
        return RollingPolicyPublic.model_validate(row.model_dump() | {"source": "cooperation"})
    default = policy_for(session, cooperation_id, settings)
    if default is not None:
        return RollingPolicyPublic.model_validate(default.model_dump() | {"source": "default"})
    return RollingPolicyPublic(enabled=False, source="none")


def set_rolling_policy(
    *, session: Session, actor: Actor, cooperation_id: int, policy_in: RollingPolicyIn
) -> RollingPolicyPublic:
    """Set the cooperation's own policy; planners. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    row = session.get(RollingPolicy, cooperation_id)
    before = audit.snapshot(row) if row is not None else None
    row = row or RollingPolicy(cooperation_id=cooperation_id)
    for name, value in policy_in.model_dump().items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor.user,
        action="update" if before else "create",
        entity="rolling_policy",
        entity_id=cooperation_id,
        cooperation_id=cooperation_id,
        before=before,
        after=audit.snapshot(row),
    )
    session.commit()
    return RollingPolicyPublic.model_validate(row.model_dump() | {"source": "cooperation"})


class ReminderIn(BaseModel):
    hours_before: int | None = Field(
        default=24,
        ge=1,
        le=24 * 14,
        description="Remind this many hours before each duty; null: no reminders.",
    )


def get_reminders(
    *, session: Session, actor: Actor, cooperation_id: int, person_id: int
) -> ReminderIn:
    require_personal_read(actor, cooperation_id, person_id, "reminders")
    get_scoped(session, Person, person_id, cooperation_id)
    row = session.get(ReminderOptIn, person_id)
    return ReminderIn(hours_before=row.hours_before if row else None)


def set_reminders(
    *, session: Session, actor: Actor, cooperation_id: int, person_id: int, reminder_in: ReminderIn
) -> ReminderIn:
    """Opt a person in or out of duty reminders; the person or their zone's planners."""
    person = get_scoped(session, Person, person_id, cooperation_id)
    require_personal_write(actor, person, "reminders", own_allowed=True)
    row = session.get(ReminderOptIn, person_id)
    if reminder_in.hours_before is None:
        if row is not None:
            session.delete(row)
    else:
        row = row or ReminderOptIn(person_id=person_id)
        row.hours_before = reminder_in.hours_before
        session.add(row)
    audit.record(
        session,
        actor=actor.user,
        action="update",
        entity="reminder_opt_in",
        entity_id=person_id,
        cooperation_id=cooperation_id,
        after=reminder_in.model_dump(),
    )
    session.commit()
    return reminder_in

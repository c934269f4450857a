"""Periodic job: remind people who opted in of their next duty.

A person with a ``reminder_opt_in`` row hears ``hours_before`` (24 by default)
before each published duty starts — once per duty, with the role, the times in
the cooperation's time zone, and whom they take over from (the people whose
duty of the same role ends when theirs starts).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from scheduler.models import Assignment, Person, ReminderOptIn, Role, RotaVersion
from scheduler.periodic.marks import claim_mark, local_text
from scheduler.periodic.registry import JobContext
from scheduler.services import notifications


def run(context: JobContext) -> str:
    now = context.now
    sent = 0
    with Session(context.engine, expire_on_commit=False) as session:
        for opt_in in session.exec(select(ReminderOptIn)).all():
            person = session.get(Person, opt_in.person_id)
            if person is None:
                continue
            duties = session.exec(
                select(Assignment)
                .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
                .where(
                    RotaVersion.status == "published",
                    Assignment.person_id == person.id,
                    col(Assignment.start) > now,
                    col(Assignment.start) <= now + timedelta(hours=opt_in.hours_before),
                )
                .order_by(col(Assignment.start))
            ).all()
            for duty in duties:
                if not claim_mark(session, f"duty-reminder:{person.id}:{duty.shift}"):
                    continue
                notifications.notify(
                    session,
                    cooperation_id=person.cooperation_id,
                    event="duty.reminder",
                    people=[person],
                    payload={
                        "duty": duty.shift,
                        "role": _role_name(session, person.cooperation_id, duty.role),
                        "start": local_text(session, person.cooperation_id, duty.start),
                        "end": local_text(session, person.cooperation_id, duty.end),
                        "handover": _handover_from(session, duty),
                    },
                )
                session.commit()
                sent += 1
    return f"{sent} reminders"


def _role_name(session: Session, cooperation_id: int, code: str) -> str:
    role = session.exec(
        select(Role).where(Role.cooperation_id == cooperation_id, Role.code == code)
    ).first()
    return role.name if role and role.name else code


def _handover_from(session: Session, duty: Assignment) -> list[str]:
    """Who holds the same role's published duty that ends when ``duty`` starts."""
    version = session.get(RotaVersion, duty.version_id)
    assert version is not None
    rows = session.exec(
        select(Person)
        .join(Assignment, col(Assignment.person_id) == col(Person.id))
        .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
        .where(
            RotaVersion.cooperation_id == version.cooperation_id,
            RotaVersion.status == "published",
            Assignment.role == duty.role,
            Assignment.end == duty.start,
            Assignment.person_id != duty.person_id,
        )
    ).all()
    return sorted(
        {f"{person.name} ({person.phone})" if person.phone else person.name for person in rows}
    )

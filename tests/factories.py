"""Keyword-only factories for database rows, with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from scheduler.auth import Actor, create_api_token, create_user, load_actor
from scheduler.models import (
    Absence,
    Assignment,
    Cooperation,
    Person,
    Preference,
    Role,
    RotaVersion,
    User,
    Zone,
)

_numbers = itertools.count(1)


def make_cooperation(
    session: Session, *, slug: str | None = None, name: str = "Test"
) -> Cooperation:
    row = Cooperation(
        slug=slug or f"coop-{next(_numbers)}",
        name=name,
        calendar={"country": "BE"},
        rules={"min_rest": "PT11H", "max_concurrent": 1},
    )
    session.add(row)
    session.commit()
    return row


def make_zone(session: Session, *, cooperation: Cooperation, code: str | None = None) -> Zone:
    code = code or f"Z{next(_numbers)}"
    row = Zone(cooperation_id=cooperation.id, code=code, name=f"PZ {code}")  # type: ignore[arg-type]
    session.add(row)
    session.commit()
    return row


def make_person(
    session: Session,
    *,
    zone: Zone,
    code: str | None = None,
    qualifications: list[str] | None = None,
    fte: float = 1.0,
) -> Person:
    code = code or f"p-{next(_numbers)}"
    row = Person(
        cooperation_id=zone.cooperation_id,
        zone_id=zone.id,  # type: ignore[arg-type]
        code=code,
        name=f"Person {code}",
        qualifications=qualifications or ["OBP"],
        fte=fte,
    )
    session.add(row)
    session.commit()
    return row


def make_role(session: Session, *, cooperation: Cooperation, code: str = "OVW") -> Role:
    row = Role(
        cooperation_id=cooperation.id,  # type: ignore[arg-type]
        code=code,
        name=f"Role {code}",
        requires=["OBP"],
        shifts=[{"rrule": "FREQ=WEEKLY;BYDAY=MO", "start": "08:00", "duration": "P7D"}],
    )
    session.add(row)
    session.commit()
    return row


def make_user(
    session: Session,
    *,
    role: str,
    zones: list[Zone] | None = None,
    person: Person | None = None,
    username: str | None = None,
) -> User:
    return create_user(
        session=session,
        username=username or f"{role}-{next(_numbers)}",
        role=role,
        zone_ids=[zone.id for zone in zones or [] if zone.id is not None],
        person_id=person.id if person else None,
    )


def make_actor(session: Session, **kwargs: object) -> Actor:
    return load_actor(session, make_user(session, **kwargs))  # type: ignore[arg-type]


def auth_headers(session: Session, user: User) -> dict[str, str]:
    token, _ = create_api_token(session=session, user=user, name="test")
    return {"Authorization": f"Bearer {token}"}


def make_rota_version(session: Session, *, cooperation: Cooperation) -> RotaVersion:
    row = RotaVersion(
        cooperation_id=cooperation.id,  # type: ignore[arg-type]
        horizon_start=date(2026, 1, 5),
        horizon_end=date(2026, 2, 2),
        status="published",
    )
    session.add(row)
    session.commit()
    return row


def make_assignment(
    session: Session, *, person: Person, shift: str = "OVW@2026-01-05T08:00"
) -> Assignment:
    version = make_rota_version(
        session,
        cooperation=session.get(Cooperation, person.cooperation_id),  # type: ignore[arg-type]
    )
    start = datetime(2026, 1, 5, 7, tzinfo=UTC)
    row = Assignment(
        version_id=version.id,  # type: ignore[arg-type]
        shift=shift,
        role=shift.partition("@")[0],
        person_id=person.id,  # type: ignore[arg-type]
        zone=session.get(Zone, person.zone_id).code,  # type: ignore[union-attr]
        start=start,
        end=start + timedelta(days=7),
        load=216.0,
    )
    session.add(row)
    session.commit()
    return row


def make_absence(
    session: Session,
    *,
    person: Person,
    start: datetime = datetime(2026, 7, 13),
    end: datetime = datetime(2026, 8, 3),
    reason: str = "leave",
) -> Absence:
    row = Absence(
        cooperation_id=person.cooperation_id,
        person_id=person.id,  # type: ignore[arg-type]
        start=start,
        end=end,
        whole_days=start.time() == end.time() == time(0),
        reason=reason,
    )
    session.add(row)
    session.commit()
    return row


def make_preference(
    session: Session,
    *,
    person: Person,
    start: datetime = datetime(2026, 12, 21),
    end: datetime = datetime(2027, 1, 4),
    kind: str = "avoid",
) -> Preference:
    row = Preference(
        cooperation_id=person.cooperation_id,
        person_id=person.id,  # type: ignore[arg-type]
        start=start,
        end=end,
        kind=kind,
        weight=2,
    )
    session.add(row)
    session.commit()
    return row


@dataclass
class World:
    """A cooperation of two zones (HH, RT) with a planner for each, an officer of HH, an
    admin, and an outsider planning a zone of another cooperation."""

    cooperation: Cooperation
    hh: Zone
    rt: Zone
    officer_person: Person
    admin: User
    hh_planner: User
    rt_planner: User
    officer: User
    outsider: User


def make_world(session: Session) -> World:
    cooperation = make_cooperation(session)
    hh = make_zone(session, cooperation=cooperation, code="HH")
    rt = make_zone(session, cooperation=cooperation, code="RT")
    officer_person = make_person(session, zone=hh, code="hh-01")
    elsewhere = make_zone(session, cooperation=make_cooperation(session), code="XX")
    return World(
        cooperation=cooperation,
        hh=hh,
        rt=rt,
        officer_person=officer_person,
        admin=make_user(session, role="admin"),
        hh_planner=make_user(session, role="planner", zones=[hh]),
        rt_planner=make_user(session, role="planner", zones=[rt]),
        officer=make_user(session, role="officer", person=officer_person),
        outsider=make_user(session, role="planner", zones=[elsewhere]),
    )

"""Keyword-only factories for database rows, with sensible defaults."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from scheduler.auth import Actor, create_api_token, create_user, load_actor
from scheduler.models import Cooperation, Person, Role, User, Zone

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

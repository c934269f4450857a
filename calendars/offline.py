"""Feed files for offline use: one ``.ics`` per person and per role of a solved rota.

``permanence solve --ics DIR`` calls :func:`write_feeds`. A rota file has no
publish history, so every event has SEQUENCE 0 and its LAST-MODIFIED is the
start of the horizon: the same rota always writes the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from calendars.events import Person, Snapshot, Staffed, feed_duties
from calendars.feed import FeedKind, render_feed
from calendars.text import Language, phrase
from solver.rota import Rota
from solver.scenario import Scenario

OFFLINE_DOMAIN = "offline.permanence"


def rota_snapshot(rota: Rota, published_at: datetime) -> Snapshot:
    """The rota's staffed shifts as one snapshot."""
    people: dict[str, list[tuple[str, str]]] = {}
    first: dict[str, Staffed] = {}
    for duty in rota.assignments:
        people.setdefault(duty.shift, []).append((duty.person, duty.zone))
        first.setdefault(
            duty.shift, Staffed(duty.shift, duty.role, duty.start, duty.end, people=())
        )
    shifts = {
        shift: Staffed(
            staffed.shift, staffed.role, staffed.start, staffed.end, tuple(sorted(people[shift]))
        )
        for shift, staffed in first.items()
    }
    return Snapshot(published_at=published_at, shifts=shifts)


def write_feeds(rota: Rota, scenario: Scenario, directory: Path, language: Language) -> list[Path]:
    """Write ``person-<code>.ics`` for everyone with a duty and ``role-<code>.ics`` per role.

    Returns the paths written, sorted. The directory is created if needed.
    """
    directory.mkdir(parents=True, exist_ok=True)
    published_at = scenario.instant(scenario.horizon.start)
    history = [rota_snapshot(rota, published_at)]
    domain = f"{_slug(scenario.name).lower() or 'rota'}.{OFFLINE_DOMAIN}"
    people = {
        person.id: Person(
            name=person.name,
            phone=person.contact.phone if person.contact else None,
            email=person.contact.email if person.contact else None,
        )
        for person in scenario.people
    }
    role_names = {role.id: role.name for role in scenario.roles}
    feeds: list[tuple[FeedKind, str, str]] = [
        ("person", code, phrase(language, "person_feed", name=people.get(code, Person(code)).name))
        for code in sorted({duty.person for duty in rota.assignments})
    ]
    feeds += [
        ("role", role.id, phrase(language, "role_feed", name=role.name)) for role in scenario.roles
    ]
    written = []
    for kind, subject, name in feeds:
        duties = feed_duties(
            history,
            kind=kind,
            subject=subject,
            domain=domain,
            people=people,
            role_names=role_names,
        )
        path = directory / f"{kind}-{_slug(subject)}.ics"
        path.write_bytes(
            render_feed(
                name=name,
                duties=duties,
                kind=kind,
                timezone=scenario.timezone,
                language=language,
            )
        )
        written.append(path)
    return sorted(written)


def _slug(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text).strip("-")

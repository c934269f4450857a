"""Data the pages share, gathered through the services: roles and zones in order, zone
colours, names, and the published duties of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.auth import Actor
from scheduler.models import Cooperation, RotaVersion
from scheduler.services import people, roles, rotas, zones
from scheduler.services.common import MAX_PAGE
from scheduler.web.grid import monday_of


@dataclass(frozen=True)
class Directory:
    """The cooperation's roles (in planning order), zones (with colour index) and names."""

    roles: list[tuple[str, str]]  # (code, name)
    zones: list[tuple[str, str]]
    colours: dict[str, int]  # zone code → colour index
    names: dict[str, str]  # person code → name
    zone_of: dict[str, str]  # person code → zone code


def directory(session: Session, actor: Actor, cooperation_id: int) -> Directory:
    role_rows, _ = roles.list_roles(
        session=session, actor=actor, cooperation_id=cooperation_id, offset=0, limit=MAX_PAGE
    )
    zone_rows, _ = zones.list_zones(
        session=session, actor=actor, cooperation_id=cooperation_id, offset=0, limit=MAX_PAGE
    )
    zone_rows = sorted(zone_rows, key=lambda row: row.code)
    person_rows, _ = people.list_people(
        session=session, actor=actor, cooperation_id=cooperation_id, offset=0, limit=MAX_PAGE
    )
    zone_codes = {row.id: row.code for row in zone_rows}
    return Directory(
        roles=[(row.code, row.name or row.code) for row in role_rows],
        zones=[(row.code, row.name) for row in zone_rows],
        colours={row.code: index for index, row in enumerate(zone_rows)},
        names={row.code: row.name or row.code for row in person_rows},
        zone_of={row.code: zone_codes.get(row.zone_id, "") for row in person_rows},
    )


def published_versions(session: Session, actor: Actor, cooperation_id: int) -> list[RotaVersion]:
    rows, _ = rotas.list_versions(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        status="published",
        offset=0,
        limit=MAX_PAGE,
    )
    return sorted(rows, key=lambda row: row.horizon_start)


def local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(timezone))


def duties_between(
    session: Session,
    versions: list[RotaVersion],
    *,
    start: date,
    end: date,
    timezone: str,
    person: str | None = None,
) -> tuple[list[rotas.DutyPublic], list[dict[str, Any]]]:
    """The duties (and uncovered shifts) of ``versions`` overlapping local ``[start, end)``."""
    duties: list[rotas.DutyPublic] = []
    gaps: list[dict[str, Any]] = []
    since, until = local_midnight(start, timezone), local_midnight(end, timezone)
    for version in versions:
        if version.horizon_end <= start or version.horizon_start >= end:
            continue
        duties += rotas.version_duties(session, version, start=since, end=until, person=person)
        for gap in (version.rota or {}).get("uncovered", []):
            gap_start = datetime.fromisoformat(gap["start"])
            gap_end = datetime.fromisoformat(gap["end"])
            if gap_end > since and gap_start < until:
                gaps.append(gap)
    duties.sort(key=lambda duty: (duty.start, duty.role, duty.person))
    return duties, gaps


def uncovered_at(versions: list[RotaVersion], moment: datetime) -> set[str]:
    """The roles with a shift that nobody holds at ``moment`` (an aware instant)."""
    roles: set[str] = set()
    for version in versions:
        for gap in (version.rota or {}).get("uncovered", []):
            if datetime.fromisoformat(gap["start"]) <= moment < datetime.fromisoformat(gap["end"]):
                roles.add(gap["role"])
    return roles


def default_first_monday(versions: list[RotaVersion], today: date) -> date:
    """This week when a published horizon holds today, else the start of the nearest one."""
    if not versions or any(v.horizon_start <= today < v.horizon_end for v in versions):
        return monday_of(today)
    upcoming = [v for v in versions if v.horizon_start > today]
    chosen = upcoming[0] if upcoming else versions[-1]
    return monday_of(chosen.horizon_start)


def today_in(cooperation: Cooperation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(cooperation.timezone)).date()

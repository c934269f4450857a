"""Render duties as one iCalendar feed: stable UIDs, deterministic bytes, UTC times.

A feed is what a calendar client subscribes to: a person's own duties, or who
is on duty for a role, a zone or a whole cooperation. Everything that varies
comes in as data (including each duty's SEQUENCE and LAST-MODIFIED), so the
same input always gives the same bytes and an ETag over them is meaningful.

Times are written in UTC (``DTSTART:20260302T070000Z``). Every client converts
UTC to the viewer's zone with its own time-zone database, so no VTIMEZONE has
to be right for summer and winter time; the local zone is still used for the
human-readable times in each description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vDuration, vText

from calendars.text import Language, local_time, phrase

PRODUCT_ID = "-//Permanence//Calendar feeds//EN"
FeedKind = Literal["person", "role", "zone", "cooperation"]


@dataclass(frozen=True)
class Contact:
    """A person as a feed shows them: name, zone and how to reach them."""

    name: str
    zone: str
    phone: str | None = None
    email: str | None = None

    def label(self) -> str:
        return f"{self.name} ({self.zone})"

    def reach(self) -> str:
        return " · ".join(part for part in (self.label(), self.phone, self.email) if part)


@dataclass(frozen=True)
class FeedDuty:
    """One event of a feed: a shift of a role and the people on it.

    ``uid`` comes from :func:`event_uid`; ``sequence`` and ``last_modified``
    come from the history of published versions (:mod:`calendars.revisions`),
    never from the render time. ``previous`` and ``following`` are the people
    of the role's shifts before and after (handover and who takes over next).
    """

    uid: str
    role: str
    role_name: str
    start: datetime
    end: datetime
    people: tuple[Contact, ...]
    sequence: int
    last_modified: datetime
    previous: tuple[Contact, ...] = ()
    following: tuple[Contact, ...] = ()

    def __post_init__(self) -> None:
        for moment in (self.start, self.end, self.last_modified):
            if moment.tzinfo is None:
                raise ValueError(f"{self.uid}: times must be aware, got {moment}")
        if self.end <= self.start:
            raise ValueError(f"{self.uid}: end must be after start")


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def event_uid(*, kind: FeedKind, shift: str, domain: str, part: str | None = None) -> str:
    """The UID of a shift's event in feeds of ``kind``; the same for every regeneration.

    Person feeds hold one event per (shift, person): ``part`` is the person's
    code. Zone feeds hold the zone's people on a shift: ``part`` is the zone.
    The kind is part of the UID, so someone subscribed to their own feed and a
    role feed sees two events, not one event fought over by two calendars.
    ``domain`` names the deployment and cooperation, so cooperations never clash.
    """
    stem = "-".join(_UNSAFE.sub("-", piece).strip("-") for piece in (kind, shift, part) if piece)
    return f"{stem}@{domain}"


def render_feed(
    *,
    name: str,
    duties: Sequence[FeedDuty],
    kind: FeedKind,
    timezone: str,
    language: Language,
    refresh: timedelta = timedelta(hours=1),
    alarm_minutes: int | None = None,
    description: str | None = None,
) -> bytes:
    """The feed's iCalendar bytes; identical input gives identical bytes."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    for duty in sorted(duties, key=lambda duty: (duty.start, duty.role, duty.uid)):
        calendar.add_component(_event(duty, kind, zone, language, alarm_minutes))
    body: bytes = calendar.to_ical()
    return body


def _event(
    duty: FeedDuty, kind: FeedKind, zone: ZoneInfo, language: Language, alarm_minutes: int | None
) -> Event:
    event = Event()
    stamp = _utc(duty.last_modified)
    event.add("uid", duty.uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", duty.sequence)
    event.add("dtstart", _utc(duty.start))
    event.add("dtend", _utc(duty.end))
    summary = _summary(duty, kind, language)
    event.add("summary", summary)
    event.add("description", _description(duty, zone, language))
    event.add("categories", [duty.role])
    event.add("status", "CONFIRMED")
    # On call is not busy: a duty must not block meetings in free/busy look-ups.
    event.add("transp", "TRANSPARENT")
    if alarm_minutes is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(summary))
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
    return event


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _summary(duty: FeedDuty, kind: FeedKind, language: Language) -> str:
    if kind == "person":
        return phrase(language, "my_duty", role=duty.role_name)
    people = ", ".join(
        " · ".join(part for part in (person.label(), person.phone) if part)
        for person in duty.people
    )
    return f"{duty.role_name}: {people}"


def _description(duty: FeedDuty, zone: ZoneInfo, language: Language) -> str:
    lines = [
        f"{phrase(language, 'role')}: {duty.role_name} ({duty.role})",
        f"{phrase(language, 'from')}: {local_time(duty.start, zone, language)}",
        f"{phrase(language, 'until')}: {local_time(duty.end, zone, language)}",
    ]
    lines += [f"{phrase(language, 'on_duty')}: {person.reach()}" for person in duty.people]
    lines += [f"{phrase(language, 'handover_from')}: {person.reach()}" for person in duty.previous]
    lines += [f"{phrase(language, 'takes_over')}: {person.reach()}" for person in duty.following]
    return "\n".join(lines)

"""Helpers for the calendar tests: duties at Brussels wall-clock times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calendars.feed import Contact, FeedDuty, FeedKind, event_uid

BRUSSELS = ZoneInfo("Europe/Brussels")
PUBLISHED = datetime(2025, 12, 1, 9, 30, tzinfo=UTC)
JAN = Contact("Jan Peeters", "HH", "+32 470 11 22 33", "jan.peeters@hh.example")
AN = Contact("An Claes", "RT", "+32 470 44 55 66")
PARTS: dict[FeedKind, str] = {"person": "hh-01", "zone": "HH"}


def local(year: int, month: int, day: int, hour: int = 8) -> datetime:
    """A Brussels wall-clock time as an aware instant (UTC), never wall-clock arithmetic."""
    return datetime(year, month, day, hour, tzinfo=BRUSSELS).astimezone(UTC)


def duty(
    start: datetime,
    end: datetime | None = None,
    *,
    kind: FeedKind = "person",
    people: tuple[Contact, ...] = (JAN,),
    **overrides: Any,
) -> FeedDuty:
    """A weekly OVW duty starting at ``start`` (Monday 08:00 to Monday 08:00 by default)."""
    local_start = start.astimezone(BRUSSELS)
    shift = f"OVW@{local_start:%Y-%m-%dT%H:%M}"
    if end is None:
        end = (local_start.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=BRUSSELS)
    fields: dict[str, Any] = {
        "uid": event_uid(kind=kind, shift=shift, domain="demo.example", part=PARTS.get(kind)),
        "role": "OVW",
        "role_name": "Officier van wacht",
        "start": start,
        "end": end.astimezone(UTC),
        "people": people,
        "sequence": 0,
        "last_modified": PUBLISHED,
    }
    fields.update(overrides)
    return FeedDuty(**fields)

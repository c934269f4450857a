"""Rendering one feed: what clients read from it, parsed back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from calendars.feed import FeedDuty, event_uid, render_feed
from tests.calendars.conftest import AN, BRUSSELS, JAN, duty, local

WINTER = local(2026, 1, 5)  # CET, UTC+1
SUMMER = local(2026, 7, 6)  # CEST, UTC+2
SPRING_CHANGE = local(2026, 3, 23)  # ends on 30 March, after the change to summer time
AUTUMN_CHANGE = local(2026, 10, 19)  # ends on 26 October, after the change to winter time


def render(duties: list[FeedDuty], **overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "name": "Mijn permanenties — Jan Peeters",
        "duties": duties,
        "kind": "person",
        "timezone": "Europe/Brussels",
        "language": "nl",
    }
    fields.update(overrides)
    return render_feed(**fields)


def events(body: bytes) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def local_start(event: icalendar.Component) -> datetime:
    start: datetime = event.decoded("dtstart")
    return start.astimezone(BRUSSELS).replace(tzinfo=None)


class TestTimes:
    def test_winter_and_summer_duties_start_at_eight_local(self) -> None:
        winter, summer = events(render([duty(WINTER), duty(SUMMER)]))
        assert local_start(winter) == datetime(2026, 1, 5, 8, 0)
        assert local_start(summer) == datetime(2026, 7, 6, 8, 0)
        # Written in UTC, so no client needs a time-zone definition to get them right.
        assert winter["DTSTART"].to_ical() == b"20260105T070000Z"
        assert summer["DTSTART"].to_ical() == b"20260706T060000Z"

    @pytest.mark.parametrize(
        ("start", "hours", "end"),
        [
            (SPRING_CHANGE, 7 * 24 - 1, datetime(2026, 3, 30, 8, 0)),
            (AUTUMN_CHANGE, 7 * 24 + 1, datetime(2026, 10, 26, 8, 0)),
        ],
    )
    def test_a_duty_across_a_dst_change_ends_at_eight_local(
        self, start: datetime, hours: int, end: datetime
    ) -> None:
        (event,) = events(render([duty(start)]))
        assert local_start(event) == start.astimezone(BRUSSELS).replace(tzinfo=None)
        ends: datetime = event.decoded("dtend")
        assert ends.astimezone(BRUSSELS).replace(tzinfo=None) == end
        assert ends - event.decoded("dtstart") == timedelta(hours=hours)

    def test_descriptions_show_local_wall_clock_times(self) -> None:
        (event,) = events(render([duty(SPRING_CHANGE)]))
        description = str(event["DESCRIPTION"])
        assert "Van: ma 23 mrt 2026 08:00" in description
        assert "Tot: ma 30 mrt 2026 08:00" in description

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            duty(datetime(2026, 1, 5, 8), datetime(2026, 1, 12, 8))

    def test_an_end_not_after_the_start_is_refused(self) -> None:
        with pytest.raises(ValueError, match="end must be after start"):
            duty(WINTER, WINTER)
        assert duty(WINTER, WINTER + timedelta(seconds=1)).end > WINTER


class TestStableOutput:
    def test_same_data_gives_byte_identical_output_whatever_the_order(self) -> None:
        duties = [duty(WINTER), duty(SUMMER), duty(SPRING_CHANGE)]
        assert render(duties) == render(list(reversed(duties)))

    def test_dtstamp_is_the_last_modification_not_the_render_time(self) -> None:
        modified = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
        (event,) = events(render([duty(WINTER, sequence=3, last_modified=modified)]))
        assert event.decoded("dtstamp") == modified
        assert event.decoded("last-modified") == modified
        assert event["SEQUENCE"] == 3

    def test_events_are_ordered_by_start(self) -> None:
        found = events(render([duty(SUMMER), duty(WINTER)]))
        assert [local_start(event).month for event in found] == [1, 7]

    def test_lines_end_in_crlf_and_fold_at_75_octets(self) -> None:
        body = render([duty(WINTER)])
        lines = body.split(b"\r\n")
        assert body.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in b"".join(lines)
        assert max(len(line) for line in lines) <= 75


class TestCalendarProperties:
    def test_name_refresh_and_ttl(self) -> None:
        calendar = icalendar.Calendar.from_ical(render([], refresh=timedelta(minutes=30)))
        assert str(calendar["NAME"]) == "Mijn permanenties — Jan Peeters"
        assert str(calendar["X-WR-CALNAME"]) == "Mijn permanenties — Jan Peeters"
        assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        assert calendar.decoded("REFRESH-INTERVAL") == timedelta(minutes=30)
        assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT30M"
        assert str(calendar["METHOD"]) == "PUBLISH"

    def test_on_call_is_not_busy(self) -> None:
        (event,) = events(render([duty(WINTER)]))
        assert str(event["TRANSP"]) == "TRANSPARENT"

    def test_a_reminder_only_when_the_feed_asks_for_one(self) -> None:
        (without,) = events(render([duty(WINTER)]))
        assert list(without.walk("VALARM")) == []
        (event,) = events(render([duty(WINTER)], alarm_minutes=90))
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-90)
        assert str(alarm["ACTION"]) == "DISPLAY"
        (at_start,) = events(render([duty(WINTER)], alarm_minutes=0))
        assert next(iter(at_start.walk("VALARM"))).decoded("TRIGGER") == timedelta(0)


class TestWords:
    def test_person_feed_in_dutch_names_the_role_handover_and_contacts(self) -> None:
        (event,) = events(render([duty(WINTER, previous=(AN,), following=(AN,))]))
        assert str(event["SUMMARY"]) == "Permanentie Officier van wacht"
        description = str(event["DESCRIPTION"])
        assert "Rol: Officier van wacht (OVW)" in description
        assert "Van dienst: Jan Peeters (HH) · +32 470 11 22 33 · jan.peeters@hh.example" in (
            description
        )
        assert "Overname van: An Claes (RT) · +32 470 44 55 66" in description
        assert "Overdracht aan: An Claes (RT)" in description

    def test_role_feed_in_english_shows_who_is_on_duty_with_zone_and_phone(self) -> None:
        (event,) = events(
            render([duty(WINTER, kind="role", people=(JAN, AN))], kind="role", language="en")
        )
        assert str(event["SUMMARY"]) == (
            "Officier van wacht: Jan Peeters (HH) · +32 470 11 22 33, "
            "An Claes (RT) · +32 470 44 55 66"
        )
        description = str(event["DESCRIPTION"])
        assert "From: Mon 5 Jan 2026 08:00" in description
        assert "On duty: An Claes (RT) · +32 470 44 55 66" in description


class TestUids:
    def test_person_and_role_feeds_never_share_a_uid(self) -> None:
        shift = "OVW@2026-01-05T08:00"
        mine = event_uid(kind="person", shift=shift, part="hh-01", domain="coop.example")
        role = event_uid(kind="role", shift=shift, domain="coop.example")
        zone = event_uid(kind="zone", shift=shift, part="HH", domain="coop.example")
        everyone = event_uid(kind="cooperation", shift=shift, domain="coop.example")
        assert len({mine, role, zone, everyone}) == 4
        assert mine == "person-OVW-2026-01-05T08-00-hh-01@coop.example"

    def test_a_uid_depends_only_on_the_shift_and_the_person(self) -> None:
        first = event_uid(kind="person", shift="ICT@2026-01-05T17:00", part="a", domain="d")
        assert first == event_uid(kind="person", shift="ICT@2026-01-05T17:00", part="a", domain="d")
        assert first != event_uid(kind="person", shift="ICT@2026-01-06T17:00", part="a", domain="d")
        assert first != event_uid(kind="person", shift="ICT@2026-01-05T17:00", part="b", domain="d")

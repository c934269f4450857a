"""The week grid: which days a duty covers, cells spanning days, uncovered shifts flagged."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.services.rotas import DutyPublic
from scheduler.web.grid import build_grid, day_span

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def duty(shift_start: str, end: str, person: str = "hh-01", role: str = "OVW") -> DutyPublic:
    return DutyPublic(
        shift=f"{role}@{shift_start}",
        role=role,
        start=local(shift_start),
        end=local(end),
        person=person,
        person_name=f"Person {person}",
        zone=person[:2].upper(),
        load=1.0,
        fixed=False,
    )


class TestCoveredDays:
    def test_a_week_from_monday_08_00_covers_monday_to_sunday(self) -> None:
        assert day_span(local("2026-03-02T08:00"), local("2026-03-09T08:00")) == (
            date(2026, 3, 2),
            date(2026, 3, 8),
        )

    def test_a_night_covers_the_evening_it_starts(self) -> None:
        assert day_span(local("2026-03-02T17:00"), local("2026-03-03T08:00")) == (
            date(2026, 3, 2),
            date(2026, 3, 2),
        )

    def test_ending_at_noon_does_not_reach_that_day_one_minute_later_does(self) -> None:
        start = local("2026-03-06T17:00")
        assert day_span(start, local("2026-03-09T12:00"))[1] == date(2026, 3, 8)
        assert day_span(start, local("2026-03-09T12:01"))[1] == date(2026, 3, 9)


def test_cells_span_the_days_a_duty_covers_and_gaps_are_flagged() -> None:
    duties = [
        duty("2026-03-02T17:00", "2026-03-03T08:00", "hh-01", "ICT"),
        duty("2026-03-06T17:00", "2026-03-09T08:00", "rt-01", "ICT"),
    ]
    uncovered = [
        {
            "shift": "ICT@2026-03-03T17:00",
            "role": "ICT",
            "start": "2026-03-03T17:00:00+01:00",
            "end": "2026-03-04T08:00:00+01:00",
            "missing": 1,
        }
    ]
    (grid,) = build_grid(
        roles=["ICT"],
        duties=duties,
        uncovered=uncovered,
        first_monday=date(2026, 3, 2),
        weeks=1,
        timezone="Europe/Brussels",
    )
    cells = grid.weeks[0].cells
    assert [(cell.day.day, cell.span) for cell in cells] == [(2, 1), (3, 1), (4, 1), (5, 1), (6, 3)]
    assert [holder.code for holder in cells[0].segments[0].holders] == ["hh-01"]
    assert cells[1].segments[0].missing == 1 and not cells[1].segments[0].holders
    assert [holder.code for holder in cells[4].segments[0].holders] == ["rt-01"]
    assert grid.uncovered == 1


def test_a_duty_from_the_week_before_continues_into_the_first_cell() -> None:
    grid, _ = build_grid(
        roles=["OVW", "SB"],
        duties=[duty("2026-02-26T08:00", "2026-03-05T08:00")],
        uncovered=[],
        first_monday=date(2026, 3, 2),
        weeks=2,
        timezone="Europe/Brussels",
    )
    first_week = grid.weeks[0].cells
    assert (first_week[0].day, first_week[0].span) == (date(2026, 3, 2), 3)
    assert len(grid.weeks[1].cells) == 7
    assert all(not cell.segments for cell in grid.weeks[1].cells)

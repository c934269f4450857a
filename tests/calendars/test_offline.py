"""Offline feed files: one per person and per role, written from a rota file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import icalendar

from calendars.offline import write_feeds
from solver.rota import Assignment, Rota
from solver.scenario import Scenario
from solver.shifts import expand
from tests.calendars.conftest import BRUSSELS
from tests.solver.conftest import make_person, make_scenario

PEOPLE = ("hh-01", "rt-01", "hh-02")


def scenario() -> Scenario:
    return make_scenario(
        horizon=("2026-03-02", "2026-04-06"),
        people=[make_person(code) for code in PEOPLE],
        name="Demo HH/RT",
    )


def rota(scenario: Scenario) -> Rota:
    """Five weekly OVW duties taken in turn by the three people."""
    shifts = expand(scenario).shifts
    return Rota(
        scenario=scenario.name,
        status="FEASIBLE",
        assignments=[
            Assignment(
                shift=shift.id,
                role=shift.role,
                start=shift.start,
                end=shift.end,
                person=PEOPLE[index % 3],
                zone=PEOPLE[index % 3][:2].upper(),
                load=shift.load,
            )
            for index, shift in enumerate(shifts)
        ],
    )


def test_one_file_per_person_with_a_duty_and_per_role(tmp_path: Path) -> None:
    demo = scenario()
    written = write_feeds(rota(demo), demo, tmp_path / "ics", "en")
    assert [path.name for path in written] == [
        "person-hh-01.ics",
        "person-hh-02.ics",
        "person-rt-01.ics",
        "role-OVW.ics",
    ]
    role = icalendar.Calendar.from_ical((tmp_path / "ics" / "role-OVW.ics").read_bytes())
    events = list(role.walk("VEVENT"))
    assert len(events) == 5
    assert str(role["X-WR-CALNAME"]) == "On call: Role OVW"
    starts = [event.decoded("dtstart").astimezone(BRUSSELS) for event in events]
    assert [start.replace(tzinfo=None) for start in starts][3:] == [
        datetime(2026, 3, 23, 8),
        datetime(2026, 3, 30, 8),
    ]
    assert str(events[0]["SUMMARY"]) == "Role OVW: Person hh-01 (HH)"
    mine = icalendar.Calendar.from_ical((tmp_path / "ics" / "person-hh-01.ics").read_bytes())
    uids = [str(event["UID"]) for event in mine.walk("VEVENT")]
    assert uids == [
        "person-OVW-2026-03-02T08-00-hh-01@demo-hh-rt.offline.permanence",
        "person-OVW-2026-03-23T08-00-hh-01@demo-hh-rt.offline.permanence",
    ]


def test_the_same_rota_writes_the_same_bytes(tmp_path: Path) -> None:
    demo = scenario()
    first = write_feeds(rota(demo), demo, tmp_path / "a", "nl")
    second = write_feeds(rota(demo), demo, tmp_path / "b", "nl")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]

"""Feeds as other software reads them: Mozilla's ical.js (Thunderbird) and a CalDAV server.

ical.js runs under node from ``tests/js`` (``npm ci --prefix tests/js``); the
CalDAV server is Radicale on loopback. Outside CI a missing node or package
skips these tests with the reason; in CI (``CI`` set) it fails them.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest

from calendars.feed import render_feed
from tests.calendars.conftest import AN, JAN, duty, local
from tests.conftest import missing

JS_DIR = Path(__file__).resolve().parents[1] / "js"
WINTER, SUMMER = local(2026, 1, 5), local(2026, 7, 6)
SPRING_CHANGE, AUTUMN_CHANGE = local(2026, 3, 23), local(2026, 10, 19)


def feed() -> bytes:
    return render_feed(
        name="Permanentie OvW",
        duties=[
            duty(WINTER, kind="role", people=(JAN,), sequence=2),
            duty(SPRING_CHANGE, kind="role", people=(AN,), previous=(JAN,)),
            duty(SUMMER, kind="role", people=(JAN, AN)),
            duty(AUTUMN_CHANGE, kind="role", people=(AN,)),
        ],
        kind="role",
        timezone="Europe/Brussels",
        language="nl",
        alarm_minutes=30,
    )


def ical_js(body: bytes) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        missing("node is not installed")
    if not (JS_DIR / "node_modules" / "ical.js").is_dir():
        missing(f"ical.js is not installed: run npm ci --prefix {JS_DIR}")
    result = subprocess.run(
        [str(node), str(JS_DIR / "parse.mjs"), "Europe/Brussels"],
        input=body,
        capture_output=True,
        check=True,
        timeout=30,
    )
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


class TestIcalJs:
    def test_local_times_in_summer_winter_and_across_both_dst_changes(self) -> None:
        parsed = ical_js(feed())
        assert [(event["local_start"], event["local_end"]) for event in parsed["events"]] == [
            ("2026-01-05T08:00", "2026-01-12T08:00"),
            ("2026-03-23T08:00", "2026-03-30T08:00"),
            ("2026-07-06T08:00", "2026-07-13T08:00"),
            ("2026-10-19T08:00", "2026-10-26T08:00"),
        ]
        assert parsed["events"][1]["end"] == "2026-03-30T06:00:00.000Z"
        assert parsed["events"][3]["end"] == "2026-10-26T07:00:00.000Z"

    def test_it_reads_what_icalendar_reads(self) -> None:
        body = feed()
        parsed = ical_js(body)
        ours = list(icalendar.Calendar.from_ical(body).walk("VEVENT"))
        assert parsed["name"] == "Permanentie OvW"
        assert parsed["refresh"] == "PT1H"
        assert [event["uid"] for event in parsed["events"]] == [str(e["UID"]) for e in ours]
        assert [event["sequence"] for event in parsed["events"]] == [2, 0, 0, 0]
        assert [event["summary"] for event in parsed["events"]] == [str(e["SUMMARY"]) for e in ours]
        first = parsed["events"][0]
        assert first["description"] == str(ours[0]["DESCRIPTION"])
        assert first["dtstamp"] == first["last_modified"] == "2025-12-01T09:30:00.000Z"
        assert first["transp"] == "TRANSPARENT"
        assert first["alarms"] == ["-PT30M"]
        assert "Overname van: Jan Peeters (HH)" in parsed["events"][1]["description"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale CalDAV server on loopback without authentication; yields its URL."""
    try:
        import radicale  # noqa: F401
    except ImportError:
        missing("radicale is not installed (pip install -e '.[test]')")
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "none",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/.web/", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    errors = server.stderr.read().decode() if server.stderr else ""
                    raise RuntimeError(f"Radicale did not start: {errors}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


AUTH = ("officer", "x")
SUMMER_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="20260706T060000Z" end="20260706T070000Z"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


@pytest.mark.slow
def test_a_caldav_server_imports_the_feed_and_gives_the_events_back(radicale: str) -> None:
    body = feed()
    collection = f"{radicale}/officer/ovw/"
    # A PUT of a whole calendar on a collection is Radicale's import: one item per UID.
    imported = httpx.put(
        collection,
        content=body,
        headers={"Content-Type": "text/calendar; charset=utf-8"},
        auth=AUTH,
    )
    assert imported.status_code == 201, imported.text
    listing = httpx.request("PROPFIND", collection, headers={"Depth": "1"}, auth=AUTH)
    assert listing.status_code == 207
    assert len(re.findall(r"<href>/officer/ovw/[^<]+</href>", listing.text)) == 4
    # The server understands the times: a query for the summer duty's first hour finds it alone.
    query = httpx.request(
        "REPORT",
        collection,
        content=SUMMER_QUERY,
        headers={"Depth": "1", "Content-Type": "application/xml"},
        auth=AUTH,
    )
    assert query.status_code == 207
    found = re.findall(r"UID:(\S+)", query.text)
    assert found == ["role-OVW-2026-07-06T08-00@demo.example"]
    back = httpx.get(collection, auth=AUTH)
    assert back.status_code == 200
    returned = {
        str(event["UID"]): event
        for event in icalendar.Calendar.from_ical(back.content).walk("VEVENT")
    }
    sent = {str(event["UID"]): event for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert returned.keys() == sent.keys()
    for uid, event in sent.items():
        stored = returned[uid]
        for name in ("DTSTART", "DTEND", "DTSTAMP", "LAST-MODIFIED"):
            assert stored.decoded(name) == event.decoded(name), (uid, name)
        assert stored["SEQUENCE"] == event["SEQUENCE"]
        assert str(stored["SUMMARY"]) == str(event["SUMMARY"])
        assert str(stored["DESCRIPTION"]) == str(event["DESCRIPTION"])
        assert str(stored["TRANSP"]) == "TRANSPARENT"
        (alarm,) = stored.walk("VALARM")
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)

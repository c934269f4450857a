"""The story in a browser: a planner generates, watches, reviews and publishes a rota; an
officer gives a duty away; the colleague accepts; the planner approves; the officer's feed
and the control room follow. Every request must go to the app itself."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from sqlmodel import Session, col, select

from scheduler.db import make_engine
from scheduler.models import Assignment, Person, RotaVersion
from tests.e2e.conftest import TIMEZONE, Server, Traffic, log_in, new_page, screenshot

pytestmark = pytest.mark.slow


def published_duties(server: Server) -> list[tuple[datetime, datetime, str, str]]:
    """(start, end, shift, person code) of the published rota, in order."""
    engine = make_engine(server.database_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Assignment.start, Assignment.end, Assignment.shift, Person.code)
                .join(Person, col(Person.id) == col(Assignment.person_id))
                .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
                .where(RotaVersion.status == "published")
                .order_by(col(Assignment.start))
            ).all()
            return [(start, end, shift, code) for start, end, shift, code in rows]
    finally:
        engine.dispose()


def events_starting(feed: bytes, start: datetime) -> int:
    calendar = Calendar.from_ical(feed)
    return sum(
        1
        for event in calendar.walk("VEVENT")
        if event.decoded("DTSTART") == start and str(event.get("STATUS", "")) != "CANCELLED"
    )


def test_the_whole_story(browser: Any, server: Server, traffic: Traffic) -> None:
    base = f"/c/{server.cooperation_id}"
    start, end = server.horizon

    # A planner generates a rota and watches it progress.
    planner = new_page(browser, traffic)
    log_in(planner, server, server.usernames["planner"])
    planner.goto(server.url(f"{base}/generate"))
    planner.get_by_label("Van", exact=True).fill(start.isoformat())
    planner.get_by_label("Tot", exact=True).fill(end.isoformat())
    planner.get_by_label("Rekentijd (seconden)").fill("5")
    planner.get_by_role("button", name="Planning berekenen").click()
    planner.wait_for_url(re.compile(r".*/jobs/\d+$"))
    planner.locator("#job-status[data-status='succeeded']").wait_for(timeout=90_000)
    assert any(url.endswith("/progress") for url in traffic.urls), "progress was not polled"
    assert planner.locator("#job-objective").inner_text() != "—"
    screenshot(planner, "generate-progress")

    # Reviews fairness, then publishes.
    planner.locator("#review-link").click()
    planner.locator("#person-chart-OVW svg").wait_for()
    assert planner.locator("#zone-chart-OVW svg rect").count() >= 4
    assert "ontwerp" in planner.locator("#version-status").inner_text()
    screenshot(planner, "review")
    planner.get_by_role("button", name="Publiceren").click()
    planner.locator("#grid-OVW").wait_for()
    assert "is gepubliceerd" in planner.locator(".flash.ok").inner_text()
    screenshot(planner, "dashboard")

    # Swaps in this cooperation wait for a planner.
    planner.get_by_role("link", name="Ruilverzoeken").click()
    planner.get_by_label("Goedkeuring").select_option("planner")
    planner.get_by_role("button", name="Opslaan").click()
    assert planner.get_by_label("Goedkeuring").input_value() == "planner"

    duties = published_duties(server)
    assert len(duties) == 5
    now = datetime.now(TIMEZONE)
    given_start, _given_end, given_shift, holder = duties[-1]
    assert given_start > now + timedelta(days=7)

    # The holder subscribes, then offers the duty to the best-ranked colleague.
    officer = new_page(browser, traffic, phone=True)
    log_in(officer, server, server.usernames[holder])
    officer.wait_for_url(re.compile(rf".*{base}/me$"))
    screenshot(officer, "officer-duties")
    officer.goto(server.url(f"{base}/me/subscribe"))
    officer.get_by_role("button", name="Link maken").click()
    feed_url = officer.locator("#https-link").inner_text().strip()
    assert feed_url.startswith(server.base_url + "/api/v1/feeds/")
    assert (
        officer.locator("#webcal-link")
        .get_attribute("href", timeout=5_000)
        .startswith("webcal://127.0.0.1")
    )
    assert officer.locator(".qr svg").first.is_visible()
    screenshot(officer, "officer-subscribe")
    assert events_starting(httpx.get(feed_url).content, given_start) == 1

    officer.goto(server.url(f"{base}/me/swaps/new?shift={given_shift}"))
    first_candidate = officer.locator("#target option").nth(1)
    taker = first_candidate.get_attribute("value")
    assert taker
    officer.locator("#target").select_option(taker)
    screenshot(officer, "officer-swap-request")
    officer.get_by_role("button", name="Verzoek versturen").click()
    assert "is verstuurd" in officer.locator(".flash.ok").inner_text()
    request_id = re.search(r"Verzoek (\d+)", officer.locator(".flash.ok").inner_text())
    assert request_id is not None

    # The colleague accepts.
    colleague = new_page(browser, traffic, phone=True)
    log_in(colleague, server, server.usernames[taker])
    colleague.goto(server.url(f"{base}/me/swaps"))
    request = colleague.locator(f"#swap-{request_id.group(1)}")
    request.get_by_role("button", name="Aanvaarden").click()
    assert "aanvaard" in colleague.locator(".flash.ok").inner_text()

    # The planner sees the validator's verdict and the fairness effects, and approves.
    planner.goto(server.url(f"{base}/swaps"))
    waiting = planner.locator(f"#swap-{request_id.group(1)}")
    assert "Geldig" in waiting.locator(".verdict").inner_text()
    assert waiting.locator("details table tbody tr").count() >= 2
    screenshot(planner, "swap-inbox")
    waiting.get_by_role("button", name="Goedkeuren").click()
    assert "goedgekeurd" in planner.locator(".flash.ok").inner_text()

    # The officer's feed no longer holds the duty.
    assert events_starting(httpx.get(feed_url).content, given_start) == 0
    after = published_duties(server)
    assert [code for _, _, shift, code in after if shift == given_shift] == [taker]

    # The control room shows the right person on each side of a handover.
    handover_start, _, _, incoming = after[2]
    outgoing = after[1][3]
    local_handover = handover_start.astimezone(TIMEZONE).replace(tzinfo=None)
    wall = new_page(browser, traffic)
    log_in(wall, server, server.usernames["planner"])
    for moment, expected in (
        (local_handover, incoming),
        (local_handover - timedelta(minutes=1), outgoing),
    ):
        wall.goto(server.url(f"{base}/wall?at={moment.isoformat(timespec='minutes')}"))
        assert wall.locator("#role-OVW .now .who").get_attribute("data-person") == expected
    wall.goto(server.url(f"{base}/wall"))
    assert wall.locator("meta[http-equiv='refresh']").count() == 1
    screenshot(wall, "control-room", full_page=False)

    officer.goto(server.url(f"{base}/me/calendar?month={given_start.astimezone(TIMEZONE):%Y-%m}"))
    screenshot(officer, "officer-calendar")
    planner.goto(server.url(f"{base}/people"))
    screenshot(planner, "people")

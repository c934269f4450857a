"""Officer pages: next duties, the month calendar, subscribing (links, QR, rotate, revoke),
preferences, and a give-away through request, acceptance and the planner's approval."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlmodel import select

from scheduler.models import Assignment, Person, Preference, RotaVersion
from tests.factories import make_user
from tests.scheduler.conftest import Planning
from tests.scheduler.web.conftest import Browser, logged_in
from tests.scheduler.web.helpers import publish_rota

pytestmark = pytest.mark.slow

# Before the planned weeks of March 2026, so every duty lies ahead.
NOW = datetime(2026, 2, 20, 12, tzinfo=UTC)
BRUSSELS = ZoneInfo("Europe/Brussels")


def base(planning: Planning) -> str:
    return f"/c/{planning.cooperation_id}"


@pytest.fixture
def published(planning: Planning, web_app: FastAPI) -> int:
    web_app.state.clock = lambda: NOW
    web_app.state.feed_clock = lambda: NOW
    return publish_rota(planning)


def duties_of(planning: Planning, code: str) -> list[Assignment]:
    with planning.session() as session:
        return list(
            session.exec(
                select(Assignment)
                .join(Person)
                .join(RotaVersion)
                .where(Person.code == code, RotaVersion.status == "published")
                .order_by(Assignment.start)  # type: ignore[arg-type]
            ).all()
        )


def a_holder(planning: Planning) -> str:
    """Someone with a duty in the published rota (hh-01, the officer, if they have one)."""
    for code in ("hh-01", "hh-02", "hh-03", "rt-01", "rt-02", "rt-03"):
        if duties_of(planning, code):
            return code
    raise AssertionError("nobody has a duty")


@pytest.fixture
def holder_browser(planning: Planning, web_app: FastAPI, published: int) -> Iterator[Browser]:
    code = a_holder(planning)
    if code == "hh-01":
        yield from logged_in(web_app, planning, planning.officer)
        return
    yield from logged_in(web_app, planning, officer_actor(planning, code))


def officer_actor(planning: Planning, code: str):  # type: ignore[no-untyped-def]
    from scheduler.auth import load_actor

    with planning.session() as session:
        person = session.exec(select(Person).where(Person.code == code)).one()
        return load_actor(session, make_user(session, role="officer", person=person))


def test_my_next_duties_and_the_month(
    planning: Planning, holder_browser: Browser, published: int
) -> None:
    code = a_holder(planning)
    mine = duties_of(planning, code)
    page = holder_browser.get(f"{base(planning)}/me").text
    first = mine[0].start.astimezone(BRUSSELS).strftime("%d/%m/%Y 08:00")
    assert page.count('<li id="duty-') == len(mine)
    assert first in page
    assert "/me/swaps/new?shift=OVW%402026-" in page
    month = holder_browser.get(f"{base(planning)}/me/calendar", params={"month": "2026-03"}).text
    assert "Maart 2026" in month
    # A week-long duty shows on seven days of the month grid.
    assert month.count('title="OVW ') >= 7 * sum(1 for duty in mine if duty.start.month == 3) - 7


def test_subscribe_rotate_and_revoke(
    planning: Planning, holder_browser: Browser, published: int
) -> None:
    created = holder_browser.post(f"{base(planning)}/me/subscribe", {"alarm_minutes": "30"})
    assert created.status_code == 200
    assert "Bewaar deze link nu" in created.text
    url = re.search(r'id="https-link">([^<]+)<', created.text)
    webcal = re.search(r'id="webcal-link" href="([^"]+)"', created.text)
    assert url is not None and webcal is not None
    assert webcal.group(1) == "webcal://" + url.group(1).split("://", 1)[1]
    assert created.text.count("<svg") >= 2  # QR codes, drawn on the server
    path = url.group(1).split("://", 1)[1].split("/", 1)[1]
    feed = holder_browser.client.get("/" + path)
    assert feed.status_code == 200 and b"BEGIN:VCALENDAR" in feed.content
    listing = holder_browser.get(f"{base(planning)}/me/subscribe").text
    assert "Bewaar deze link nu" not in listing  # shown once
    feed_id = re.search(r"/me/subscribe/(\d+)/rotate", listing)
    assert feed_id is not None
    rotated = holder_browser.post(f"{base(planning)}/me/subscribe/{feed_id.group(1)}/rotate")
    new_url = re.search(r'id="https-link">([^<]+)<', rotated.text)
    assert new_url is not None and new_url.group(1) != url.group(1)
    assert holder_browser.client.get("/" + path).status_code == 404
    new_id = re.search(r"/me/subscribe/(\d+)/revoke", rotated.text)
    assert new_id is not None
    revoked = holder_browser.post(
        f"{base(planning)}/me/subscribe/{new_id.group(1)}/revoke", follow_redirects=True
    )
    assert "De link werkt niet meer." in revoked.text
    assert "U hebt nog geen link." in revoked.text


def test_my_preferences(planning: Planning, officer_browser: Browser) -> None:
    page = f"{base(planning)}/me/preferences"
    added = officer_browser.post(
        page, {"kind": "prefer", "first": "2026-03-09", "last": "2026-03-15"}, follow_redirects=True
    )
    assert "Graag</strong>: 09/03/2026 – 15/03/2026" in added.text
    with planning.session() as session:
        preference = session.exec(select(Preference)).one()
    assert preference.weight == 1
    officer_browser.post(f"{page}/{preference.id}/delete")
    with planning.session() as session:
        assert session.exec(select(Preference)).all() == []


def test_a_give_away_from_request_to_approval(
    planning: Planning,
    web_app: FastAPI,
    holder_browser: Browser,
    planner_browser: Browser,
    published: int,
) -> None:
    holder = a_holder(planning)
    duty = duties_of(planning, holder)[0]
    planner_browser.post(f"{base(planning)}/swaps/policy", {"approval": "planner"})
    form = holder_browser.get(f"{base(planning)}/me/swaps/new", params={"shift": duty.shift}).text
    ranked = re.findall(r'<option value="([a-z]+-\d+)">\d+\. ', form)
    assert ranked, "no candidates offered"
    taker = ranked[0]
    sent = holder_browser.post(
        f"{base(planning)}/me/swaps/new",
        {"shift": duty.shift, "kind": "giveaway", "target": taker},
        follow_redirects=True,
    )
    request_id = re.search(r"Verzoek (\d+) is verstuurd", sent.text)
    assert request_id is not None, sent.text
    mine = holder_browser.get(f"{base(planning)}/me/swaps").text
    assert f'id="swap-{request_id.group(1)}"' in mine and "Intrekken" in mine

    for taker_browser in logged_in(web_app, planning, officer_actor(planning, taker)):
        inbox = taker_browser.get(f"{base(planning)}/me/swaps").text
        assert "Gevraagd aan mij" in inbox and "Aanvaarden" in inbox
        accepted = taker_browser.post(
            f"{base(planning)}/me/swaps/{request_id.group(1)}/accept", follow_redirects=True
        )
        assert f"U hebt verzoek {request_id.group(1)} aanvaard." in accepted.text

    inbox = planner_browser.get(f"{base(planning)}/swaps").text
    assert "Geldig: geen enkele regel wordt geschonden." in inbox
    assert "Effect op de eerlijkheid" in inbox
    approved = planner_browser.post(
        f"{base(planning)}/swaps/{request_id.group(1)}/approve", follow_redirects=True
    )
    assert f"Verzoek {request_id.group(1)} is goedgekeurd." in approved.text
    assert [row.shift for row in duties_of(planning, taker)].count(duty.shift) == 1
    assert duty.shift not in [row.shift for row in duties_of(planning, holder)]


def test_a_refused_request_names_the_problem(
    planning: Planning, holder_browser: Browser, published: int
) -> None:
    holder = a_holder(planning)
    duty = duties_of(planning, holder)[0]
    response = holder_browser.post(
        f"{base(planning)}/me/swaps/new", {"shift": duty.shift, "kind": "giveaway"}
    )
    assert response.status_code == 422
    assert "target" in response.text


def test_the_control_room_at_a_handover(
    planning: Planning, planner_browser: Browser, published: int
) -> None:
    with planning.session() as session:
        duties = list(
            session.exec(
                select(Assignment, Person)
                .join(Person)
                .join(RotaVersion)
                .where(RotaVersion.status == "published")
                .order_by(Assignment.start)  # type: ignore[arg-type]
            ).all()
        )
    (_, outgoing), (second, incoming) = duties[0], duties[1]
    handover = second.start.astimezone(BRUSSELS).replace(tzinfo=None)
    wall = f"{base(planning)}/wall"
    at_handover = planner_browser.get(wall, params={"at": handover.isoformat()}).text
    now_part = at_handover.split('class="next"')[0]
    assert f'data-person="{incoming.code}"' in now_part
    before = planner_browser.get(
        wall, params={"at": (handover - timedelta(minutes=1)).isoformat()}
    ).text
    assert f'data-person="{outgoing.code}"' in before.split('class="next"')[0]
    live = planner_browser.get(wall).text
    assert '<meta http-equiv="refresh" content="60">' in live
    assert "<nav" not in live  # a wall screen shows nothing but the roles


def test_an_open_offer_is_taken_by_whoever_may(
    planning: Planning, web_app: FastAPI, holder_browser: Browser, published: int
) -> None:
    holder = a_holder(planning)
    duty = duties_of(planning, holder)[0]
    form = holder_browser.get(f"{base(planning)}/me/swaps/new", params={"shift": duty.shift}).text
    taker = re.findall(r'<option value="([a-z]+-\d+)">\d+\. ', form)[0]
    offered = holder_browser.post(
        f"{base(planning)}/me/swaps/new",
        {"shift": duty.shift, "kind": "open", "target": taker, "message": "Wie kan?"},
        follow_redirects=True,
    )
    request_id = re.search(r"Verzoek (\d+) is verstuurd", offered.text)
    assert request_id is not None, offered.text
    for taker_browser in logged_in(web_app, planning, officer_actor(planning, taker)):
        offers = taker_browser.get(f"{base(planning)}/me/swaps").text
        section = offers.split("Open aanbod dat ik kan nemen")[1].split("Mijn verzoeken")[0]
        assert f'id="swap-{request_id.group(1)}"' in section and "Wie kan?" in section
        taker_browser.post(f"{base(planning)}/me/swaps/{request_id.group(1)}/accept")
    # The default policy applies a valid acceptance at once.
    assert duty.shift in [row.shift for row in duties_of(planning, taker)]


def test_a_partial_cover_takes_local_times(
    planning: Planning, holder_browser: Browser, published: int
) -> None:
    holder = a_holder(planning)
    duty = duties_of(planning, holder)[0]
    start = duty.start.astimezone(BRUSSELS)
    form = holder_browser.get(f"{base(planning)}/me/swaps/new", params={"shift": duty.shift}).text
    taker = re.findall(r'<option value="([a-z]+-\d+)">\d+\. ', form)[0]
    cover = {
        "cover_start": (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "cover_end": (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    sent = holder_browser.post(
        f"{base(planning)}/me/swaps/new",
        {"shift": duty.shift, "kind": "partial", "target": taker} | cover,
        follow_redirects=True,
    )
    assert "is verstuurd" in sent.text, sent.text
    mine = holder_browser.get(f"{base(planning)}/me/swaps").text
    first, last = start + timedelta(days=2), start + timedelta(days=3)
    assert f"{first:%d/%m/%Y %H:%M} – {last:%d/%m/%Y %H:%M}" in mine


def test_the_wall_for_one_role(
    planning: Planning, planner_browser: Browser, published: int
) -> None:
    wall = planner_browser.get(f"{base(planning)}/wall", params={"role": "OVW"}).text
    assert wall.count('class="wall-role"') == 1 and 'id="role-OVW"' in wall
    assert (
        planner_browser.get(f"{base(planning)}/wall", params={"role": "XX"}).text.count(
            'class="wall-role"'
        )
        == 0
    )

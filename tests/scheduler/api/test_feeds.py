"""Feeds over HTTP: managing capability URLs, and what calendar clients get when they poll."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import icalendar
import pytest
from fastapi.testclient import TestClient

from scheduler.app import create_app
from scheduler.auth import Actor
from tests.scheduler.api.test_rotas import base, headers
from tests.scheduler.conftest import Planning
from tests.scheduler.test_feeds import NOW, publish


@pytest.fixture
def api(planning: Planning) -> Iterator[TestClient]:
    app = create_app(engine=planning.engine)
    # The planned weeks are in March 2026: stand the feeds' clock just before them.
    app.state.feed_clock = lambda: NOW
    with TestClient(app) as client:
        yield client


def make_feed(api: TestClient, planning: Planning, actor: Actor, **body: Any) -> dict[str, Any]:
    response = api.post(f"{base(planning)}/feeds", json=body, headers=headers(planning, actor))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def path_of(feed: dict[str, Any]) -> str:
    url: str = feed["url"]
    return "/" + url.split("/", 3)[3]


class TestManaging:
    def test_create_list_rotate_and_revoke(self, api: TestClient, planning: Planning) -> None:
        officer = headers(planning, planning.officer)
        feed = make_feed(api, planning, planning.officer, kind="person", alarm_minutes=15)
        assert feed["webcal_url"].startswith("webcal://127.0.0.1:8000/api/v1/feeds/pmf_")
        listed = api.get(f"{base(planning)}/feeds", headers=officer).json()
        assert [row["id"] for row in listed] == [feed["id"]]
        assert "url" not in listed[0]  # only a hash is kept: the URL is shown once
        rotated = api.post(f"{base(planning)}/feeds/{feed['id']}/rotate", headers=officer)
        assert rotated.status_code == 200
        assert rotated.json()["alarm_minutes"] == 15
        assert api.get(path_of(feed)).status_code == 404
        assert api.get(path_of(rotated.json())).status_code == 200
        gone = api.delete(f"{base(planning)}/feeds/{rotated.json()['id']}", headers=officer)
        assert gone.status_code == 204
        assert api.get(path_of(rotated.json())).status_code == 404
        assert api.get(f"{base(planning)}/feeds", headers=officer).json() == []

    def test_refusals_are_problem_details_naming_the_field(
        self, api: TestClient, planning: Planning
    ) -> None:
        officer = headers(planning, planning.officer)
        shared = api.post(
            f"{base(planning)}/feeds", json={"kind": "role", "subject": "OVW"}, headers=officer
        )
        assert shared.status_code == 403
        assert shared.headers["content-type"] == "application/problem+json"
        unknown = api.post(
            f"{base(planning)}/feeds",
            json={"kind": "zone", "subject": "XX"},
            headers=headers(planning, planning.planner_hh),
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"] == [
            {"field": "subject", "message": "no zone 'XX' in this cooperation"}
        ]
        too_early = api.post(
            f"{base(planning)}/feeds", json={"kind": "person", "alarm_minutes": -5}, headers=officer
        )
        assert too_early.status_code == 422
        assert too_early.json()["errors"][0]["field"] == "alarm_minutes"
        assert api.post(f"{base(planning)}/feeds", json={"kind": "person"}).status_code == 401


class TestServing:
    def test_a_feed_is_text_calendar_with_validators_and_cache_control(
        self, api: TestClient, planning: Planning
    ) -> None:
        publish(planning)
        feed = make_feed(api, planning, planning.planner_hh, kind="role", subject="OVW")
        response = api.get(path_of(feed))
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
        assert parsedate_to_datetime(response.headers["last-modified"]).tzinfo is not None
        assert response.headers["cache-control"] == "private, max-age=300"
        assert response.headers["referrer-policy"] == "no-referrer"
        calendar = icalendar.Calendar.from_ical(response.content)
        assert len(list(calendar.walk("VEVENT"))) == 5
        assert api.get(path_of(feed)).content == response.content

    def test_head_gives_the_headers_without_the_body(
        self, api: TestClient, planning: Planning
    ) -> None:
        publish(planning)
        feed = make_feed(api, planning, planning.officer, kind="person")
        full = api.get(path_of(feed))
        head = api.head(path_of(feed))
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == str(len(full.content))
        assert head.headers["etag"] == full.headers["etag"]

    def test_conditional_requests(self, api: TestClient, planning: Planning) -> None:
        publish(planning)
        path = path_of(make_feed(api, planning, planning.officer, kind="person"))
        first = api.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        cases = [
            ({"If-None-Match": etag}, 304),
            ({"If-None-Match": f'"other", W/{etag}'}, 304),
            ({"If-None-Match": "*"}, 304),
            ({"If-None-Match": '"other"'}, 200),
            ({"If-Modified-Since": modified}, 304),
            ({"If-Modified-Since": _shifted(modified, seconds=-1)}, 200),
            ({"If-Modified-Since": _shifted(modified, days=1)}, 304),
            ({"If-Modified-Since": "not a date"}, 200),
            # If-None-Match decides when both are sent.
            ({"If-None-Match": '"other"', "If-Modified-Since": modified}, 200),
        ]
        for sent, expected in cases:
            response = api.get(path, headers=sent)
            assert response.status_code == expected, sent
            if expected == 304:
                assert response.content == b""
                assert response.headers["etag"] == etag
            else:
                assert response.content == first.content

    def test_a_publish_changes_the_etag_and_old_validators_get_the_new_feed(
        self, api: TestClient, planning: Planning
    ) -> None:
        version = publish(planning)
        path = path_of(make_feed(api, planning, planning.planner_hh, kind="role", subject="OVW"))
        first = api.get(path)
        publish(planning, ("rt-02", "rt-01", "hh-02", "hh-01", "hh-03"), parent=version)
        second = api.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert second.status_code == 200
        assert second.headers["etag"] != first.headers["etag"]
        assert parsedate_to_datetime(second.headers["last-modified"]) >= parsedate_to_datetime(
            first.headers["last-modified"]
        )
        assert b"Person rt-02 (RT)" in second.content

    def test_unknown_and_revoked_tokens_get_the_same_404(
        self, api: TestClient, planning: Planning
    ) -> None:
        feed = make_feed(api, planning, planning.officer, kind="person")
        api.delete(
            f"{base(planning)}/feeds/{feed['id']}", headers=headers(planning, planning.officer)
        )
        revoked = api.get(path_of(feed))
        unknown = api.get("/api/v1/feeds/pmf_" + "x" * 43 + ".ics")
        assert revoked.status_code == unknown.status_code == 404
        for response in (revoked, unknown):
            body = response.json()
            assert (body["title"], body["detail"]) == ("Not found", "no such feed")
        assert api.head(path_of(feed)).status_code == 404


def _shifted(http_date: str, **delta: float) -> str:
    return format_datetime(parsedate_to_datetime(http_date) + timedelta(**delta), usegmt=True)

"""The audit log over HTTP: planners read their cooperation's writes, filtered, newest first."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import World, auth_headers, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def audit_url(world: World, query: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/audit{query}"


def test_planner_reads_writes_with_filters(
    client: TestClient, session: Session, world: World
) -> None:
    headers = auth_headers(session, world.hh_planner)
    people = f"/api/v1/cooperations/{world.cooperation.id}/people"
    created = client.post(
        people, json={"code": "hh-02", "name": "Bert", "zone": "HH"}, headers=headers
    )
    client.patch(f"{people}/{created.json()['id']}", json={"name": "Bert Claes"}, headers=headers)
    client.post(
        f"/api/v1/cooperations/{world.cooperation.id}/absences",
        json={"person": "hh-02", "start": "2026-07-13", "end": "2026-07-14"},
        headers=headers,
    )
    everything = client.get(audit_url(world), headers=headers).json()
    assert [(event["entity"], event["action"]) for event in everything["data"]] == [
        ("absence", "create"),
        ("person", "update"),
        ("person", "create"),
    ]
    updates = client.get(audit_url(world, "?entity=person&action=update"), headers=headers).json()
    assert updates["count"] == 1
    [update] = updates["data"]
    assert update["actor"] == world.hh_planner.username
    assert update["before"]["name"] == "Bert" and update["after"]["name"] == "Bert Claes"
    since = everything["data"][0]["at"]
    assert client.get(audit_url(world, f"?since={since}"), headers=headers).json()["count"] >= 1
    later = client.get(audit_url(world, "?since=2999-01-01T00:00:00Z"), headers=headers).json()
    assert later["count"] == 0
    naive = client.get(audit_url(world, "?since=2026-01-01T00:00:00"), headers=headers)
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "since"


def test_officer_may_not_read_the_log(client: TestClient, session: Session, world: World) -> None:
    response = client.get(audit_url(world), headers=auth_headers(session, world.officer))
    assert response.status_code == 403


def test_outsider_gets_404(client: TestClient, session: Session, world: World) -> None:
    response = client.get(audit_url(world), headers=auth_headers(session, world.outsider))
    assert response.status_code == 404

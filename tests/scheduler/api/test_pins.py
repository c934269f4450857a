"""Pins over HTTP: planners of the person's zone fix people on shifts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent, Pin
from tests.factories import World, auth_headers, make_person, make_role, make_world


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session)
    make_role(session, cooperation=world.cooperation, code="OVW")
    return world


def pins_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/pins{suffix}"


PIN = {"shift": "OVW@2026-01-05T08:00", "person": "hh-01"}


def test_zone_planner_pins_moves_and_unpins(
    client: TestClient, session: Session, world: World
) -> None:
    make_person(session, zone=world.hh, code="hh-02")
    headers = auth_headers(session, world.hh_planner)
    created = client.post(pins_url(world), json=PIN, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["person"] == "hh-01"
    url = pins_url(world, f"/{created.json()['id']}")
    moved = client.patch(url, json={"person": "hh-02"}, headers=headers)
    assert moved.status_code == 200 and moved.json()["person"] == "hh-02"
    event = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "pin", AuditEvent.action == "update")
    ).one()
    assert event.before is not None and event.before["person"] == "hh-01"
    assert event.after is not None and event.after["person"] == "hh-02"
    listed = client.get(
        pins_url(world, "?person=hh-02"), headers=auth_headers(session, world.officer)
    )
    assert listed.json()["count"] == 1
    assert client.delete(url, headers=headers).status_code == 204
    assert session.exec(select(Pin)).all() == []


def test_planner_of_another_zone_may_not_pin(
    client: TestClient, session: Session, world: World
) -> None:
    response = client.post(
        pins_url(world), json=PIN, headers=auth_headers(session, world.rt_planner)
    )
    assert response.status_code == 403


def test_duplicate_pin_conflicts(client: TestClient, session: Session, world: World) -> None:
    headers = auth_headers(session, world.hh_planner)
    assert client.post(pins_url(world), json=PIN, headers=headers).status_code == 201
    assert client.post(pins_url(world), json=PIN, headers=headers).status_code == 409
    assert len(session.exec(select(Pin)).all()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"shift": "OVW@2026-01-05"}, "shift"),
        ({"shift": "ICT@2026-01-05T17:00"}, "shift"),
        ({"person": "nobody"}, "person"),
    ],
)
def test_invalid_pin_names_the_field(
    client: TestClient, session: Session, world: World, change: dict[str, str], field: str
) -> None:
    response = client.post(
        pins_url(world), json=PIN | change, headers=auth_headers(session, world.hh_planner)
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]

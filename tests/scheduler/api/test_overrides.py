"""Shift overrides over HTTP: shift ids checked, one override per shift, planners only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent
from tests.factories import World, auth_headers, make_role, make_world


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session)
    make_role(session, cooperation=world.cooperation, code="OVW")
    return world


def overrides_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/shift-overrides{suffix}"


def test_planner_overrides_a_shift_and_edits_it(
    client: TestClient, session: Session, world: World
) -> None:
    headers = auth_headers(session, world.rt_planner)
    created = client.post(
        overrides_url(world), json={"shift": "OVW@2026-07-20T08:00", "staff": 2}, headers=headers
    )
    assert created.status_code == 201, created.text
    url = overrides_url(world, f"/{created.json()['id']}")
    updated = client.patch(url, json={"staff": 0}, headers=headers)
    assert updated.status_code == 200 and updated.json()["staff"] == 0
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity == "shift_override", AuditEvent.action == "update"
        )
    ).one()
    assert event.before == {
        "shift": "OVW@2026-07-20T08:00",
        "staff": 2,
        "id": created.json()["id"],
        "cooperation_id": world.cooperation.id,
    }
    assert event.after is not None and event.after["staff"] == 0
    listed = client.get(overrides_url(world), headers=auth_headers(session, world.officer))
    assert listed.json()["count"] == 1
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"shift": "OVW 2026-07-20 08:00", "staff": 2}, "shift", "expected a shift id"),
        ({"shift": "OVW@2026-02-30T08:00", "staff": 2}, "shift", "expected a shift id"),
        ({"shift": "SB@2026-07-20T08:00", "staff": 2}, "shift", "unknown role 'SB'"),
        ({"shift": "OVW@2026-07-20T08:00", "staff": -1}, "staff", "greater than or equal"),
    ],
)
def test_invalid_override_names_the_field(
    client: TestClient,
    session: Session,
    world: World,
    body: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = client.post(
        overrides_url(world), json=body, headers=auth_headers(session, world.admin)
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_second_override_of_a_shift_conflicts(
    client: TestClient, session: Session, world: World
) -> None:
    headers = auth_headers(session, world.hh_planner)
    body = {"shift": "OVW@2026-07-20T08:00", "staff": 2}
    assert client.post(overrides_url(world), json=body, headers=headers).status_code == 201
    assert client.post(overrides_url(world), json=body, headers=headers).status_code == 409


def test_officer_may_not_override(client: TestClient, session: Session, world: World) -> None:
    response = client.post(
        overrides_url(world),
        json={"shift": "OVW@2026-07-20T08:00", "staff": 2},
        headers=auth_headers(session, world.officer),
    )
    assert response.status_code == 403

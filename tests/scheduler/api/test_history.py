"""History over HTTP: person loads, zone loads and duties before the horizon."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent, HistoryDuty
from tests.factories import World, auth_headers, make_role, make_world


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session)
    make_role(session, cooperation=world.cooperation, code="OVW")
    return world


def history_url(world: World, suffix: str) -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/history/{suffix}"


class TestPersonLoads:
    def test_zone_planner_records_and_edits_a_load(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.hh_planner)
        created = client.post(
            history_url(world, "person-loads"),
            json={"person": "hh-01", "role": "OVW", "load": 648},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        assert created.json() | {"id": 0} == {
            "id": 0,
            "cooperation_id": world.cooperation.id,
            "person": "hh-01",
            "role": "OVW",
            "load": 648.0,
        }
        url = history_url(world, f"person-loads/{created.json()['id']}")
        assert client.patch(url, json={"load": 700}, headers=headers).json()["load"] == 700
        event = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "person_history_load", AuditEvent.action == "update"
            )
        ).one()
        assert event.before is not None and event.before["load"] == 648
        listed = client.get(
            history_url(world, "person-loads"), headers=auth_headers(session, world.officer)
        )
        assert listed.json()["count"] == 1

    def test_second_load_for_the_same_person_and_role_conflicts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.hh_planner)
        body = {"person": "hh-01", "role": "OVW", "load": 648}
        assert (
            client.post(history_url(world, "person-loads"), json=body, headers=headers).status_code
            == 201
        )
        assert (
            client.post(history_url(world, "person-loads"), json=body, headers=headers).status_code
            == 409
        )

    def test_unknown_role_and_other_zone(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            history_url(world, "person-loads"),
            json={"person": "hh-01", "role": "SB", "load": 1},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "role", "message": "unknown role 'SB'"}]
        response = client.post(
            history_url(world, "person-loads"),
            json={"person": "hh-01", "role": "OVW", "load": 1},
            headers=auth_headers(session, world.rt_planner),
        )
        assert response.status_code == 403


class TestZoneLoads:
    def test_zone_planner_records_their_zone_only(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.rt_planner)
        url = history_url(world, "zone-loads")
        refused = client.post(
            url, json={"zone": "HH", "role": "OVW", "load": 5400}, headers=headers
        )
        assert refused.status_code == 403
        created = client.post(
            url, json={"zone": "RT", "role": "OVW", "load": 5184}, headers=headers
        )
        assert created.status_code == 201, created.text
        assert created.json()["zone"] == "RT"
        row_url = history_url(world, f"zone-loads/{created.json()['id']}")
        moved = client.patch(row_url, json={"zone": "HH"}, headers=headers)
        assert moved.status_code == 403
        again = client.post(url, json={"zone": "RT", "role": "OVW", "load": 1}, headers=headers)
        assert again.status_code == 409
        assert client.delete(row_url, headers=headers).status_code == 204
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.entity == "zone_history_load")
        ).all()
        assert actions == ["create", "delete"]

    def test_unknown_zone_names_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            history_url(world, "zone-loads"),
            json={"zone": "XX", "role": "OVW", "load": 1},
            headers=auth_headers(session, world.admin),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "zone"


class TestHistoryDuties:
    def test_duty_with_times_round_trips(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.hh_planner)
        created = client.post(
            history_url(world, "duties"),
            json={
                "role": "OVW",
                "person": "hh-01",
                "start": "2025-12-22T08:00",
                "end": "2025-12-29T08:00",
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        assert created.json()["start"] == "2025-12-22T08:00:00"
        row = session.get(HistoryDuty, created.json()["id"])
        assert row is not None and not row.whole_days
        found = client.get(history_url(world, "duties?from=2025-12-29T07:59"), headers=headers)
        assert found.json()["count"] == 1
        none = client.get(history_url(world, "duties?from=2025-12-29T08:00"), headers=headers)
        assert none.json()["count"] == 0

    def test_end_before_start_names_end(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            history_url(world, "duties"),
            json={"role": "OVW", "person": "hh-01", "start": "2025-12-22", "end": "2025-12-21"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "end"

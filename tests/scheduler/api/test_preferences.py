"""Preferences over HTTP: officers keep their own, zone planners help, others only read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent, Preference
from tests.factories import World, auth_headers, make_person, make_preference, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def preferences_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/preferences{suffix}"


CHRISTMAS = {"start": "2026-12-21", "end": "2027-01-04", "kind": "avoid", "weight": 3}


class TestOfficer:
    def test_creates_edits_and_deletes_their_own(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.officer)
        created = client.post(
            preferences_url(world), json={"person": "hh-01"} | CHRISTMAS, headers=headers
        )
        assert created.status_code == 201, created.text
        assert created.json()["start"] == "2026-12-21" and created.json()["weight"] == 3
        url = preferences_url(world, f"/{created.json()['id']}")
        updated = client.patch(url, json={"kind": "prefer", "weight": 1}, headers=headers)
        assert updated.status_code == 200
        assert updated.json()["kind"] == "prefer"
        assert client.delete(url, headers=headers).status_code == 204
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.entity == "preference")
        ).all()
        assert actions == ["create", "update", "delete"]
        assert session.exec(select(Preference)).all() == []

    def test_may_not_touch_a_colleagues(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        colleague = make_person(session, zone=world.hh, code="hh-02")
        theirs = make_preference(session, person=colleague)
        headers = auth_headers(session, world.officer)
        url = preferences_url(world, f"/{theirs.id}")
        assert (
            client.post(
                preferences_url(world), json={"person": "hh-02"} | CHRISTMAS, headers=headers
            ).status_code
            == 403
        )
        assert client.patch(url, json={"weight": 9}, headers=headers).status_code == 403
        assert client.delete(url, headers=headers).status_code == 403
        assert client.get(url, headers=headers).status_code == 403
        assert theirs.weight == 2

    def test_may_not_hand_their_preference_to_a_colleague(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_person(session, zone=world.hh, code="hh-02")
        mine = make_preference(session, person=world.officer_person)
        response = client.patch(
            preferences_url(world, f"/{mine.id}"),
            json={"person": "hh-02"},
            headers=auth_headers(session, world.officer),
        )
        assert response.status_code == 403


class TestPlanners:
    def test_zone_planner_writes_other_zones_planner_only_reads(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = {"person": "hh-01"} | CHRISTMAS
        refused = client.post(
            preferences_url(world), json=body, headers=auth_headers(session, world.rt_planner)
        )
        assert refused.status_code == 403
        created = client.post(
            preferences_url(world), json=body, headers=auth_headers(session, world.hh_planner)
        )
        assert created.status_code == 201
        listed = client.get(preferences_url(world), headers=auth_headers(session, world.rt_planner))
        assert listed.json()["count"] == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"kind": "maybe"}, "kind"), ({"weight": 0}, "weight"), ({"end": "2026-12-21"}, "end")],
    )
    def test_invalid_field_is_named(
        self,
        client: TestClient,
        session: Session,
        world: World,
        change: dict[str, object],
        field: str,
    ) -> None:
        response = client.post(
            preferences_url(world),
            json={"person": "hh-01"} | CHRISTMAS | change,
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_unknown_preference_is_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.delete(
            preferences_url(world, "/999999"), headers=auth_headers(session, world.hh_planner)
        )
        assert response.status_code == 404

"""Roles over HTTP: shared editing by planners, templates validated by the solver's models."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent, PersonHistoryLoad, Pin, Role, ShiftOverride
from tests.factories import World, auth_headers, make_role, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def roles_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/roles{suffix}"


NEW_ROLE: dict[str, Any] = {
    "code": "SB",
    "name": "Slachtofferbejegening",
    "requires": ["SB"],
    "shifts": [
        {"rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", "start": "17:00", "duration": "PT15H"},
        {"rrule": "FREQ=WEEKLY;BYDAY=FR", "start": "17:00", "duration": "PT63H"},
    ],
    "zone_shares": {"HH": 1, "RT": 1},
    "min_gap": "P14D",
    "max_duties": [{"count": 2, "window": "P56D"}],
}


class TestCreateRole:
    def test_any_planner_of_the_cooperation_creates_it_last(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_role(session, cooperation=world.cooperation, code="OVW")
        response = client.post(
            roles_url(world), json=NEW_ROLE, headers=auth_headers(session, world.rt_planner)
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["position"] == 1
        assert body["min_gap"] == "P14D"
        assert body["shifts"][1] == {
            "rrule": "FREQ=WEEKLY;BYDAY=FR",
            "start": "17:00",
            "duration": "PT63H",
            "staff": None,
        }
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "role")).one()
        assert event.after is not None and event.after["zone_shares"] == {"HH": 1, "RT": 1}

    def test_officer_may_not(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            roles_url(world), json=NEW_ROLE, headers=auth_headers(session, world.officer)
        )
        assert response.status_code == 403

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"shifts": []}, "shifts"),
            (
                {"shifts": [{"rrule": "FREQ=SOMETIMES", "start": "08:00", "duration": "P7D"}]},
                "shifts[0].rrule",
            ),
            (
                {"shifts": [{"rrule": "FREQ=DAILY", "start": "08:00", "duration": "PT0H"}]},
                "shifts[0].duration",
            ),
            (
                {"shifts": [{"rrule": "FREQ=DAILY", "start": "08:00", "duration": "P1M"}]},
                "shifts[0].duration",
            ),
            ({"min_gap": "three weeks"}, "min_gap"),
            ({"max_duties": [{"count": -1, "window": "P7D"}]}, "max_duties[0].count"),
            ({"zone_shares": {"HH": -1}}, "zone_shares"),
            ({"zone_shares": {"XX": 1}}, "zone_shares"),
            ({"code": "OV@W"}, "code"),
            ({"staff": -1}, "staff"),
        ],
    )
    def test_invalid_field_is_named(
        self,
        client: TestClient,
        session: Session,
        world: World,
        change: dict[str, Any],
        field: str,
    ) -> None:
        response = client.post(
            roles_url(world), json=NEW_ROLE | change, headers=auth_headers(session, world.admin)
        )
        assert response.status_code == 422, response.text
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_duplicate_code_conflicts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_role(session, cooperation=world.cooperation, code="SB")
        response = client.post(
            roles_url(world), json=NEW_ROLE, headers=auth_headers(session, world.hh_planner)
        )
        assert response.status_code == 409


class TestUpdateRole:
    def test_renaming_carries_pins_overrides_and_history_along(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        role = make_role(session, cooperation=world.cooperation, code="OVW")
        cooperation_id = world.cooperation.id
        assert cooperation_id is not None and role.id is not None
        person_id = world.officer_person.id
        assert person_id is not None
        session.add(
            Pin(cooperation_id=cooperation_id, shift="OVW@2026-01-05T08:00", person_id=person_id)
        )
        session.add(
            ShiftOverride(cooperation_id=cooperation_id, shift="OVW@2026-07-20T08:00", staff=2)
        )
        session.add(
            ShiftOverride(cooperation_id=cooperation_id, shift="OVWX@2026-07-20T08:00", staff=2)
        )
        session.add(
            PersonHistoryLoad(
                cooperation_id=cooperation_id, person_id=person_id, role_id=role.id, load=648
            )
        )
        session.commit()
        response = client.patch(
            roles_url(world, f"/{role.id}"),
            json={"code": "OFW"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 200, response.text
        assert session.exec(select(Pin.shift)).all() == ["OFW@2026-01-05T08:00"]
        assert sorted(session.exec(select(ShiftOverride.shift)).all()) == [
            "OFW@2026-07-20T08:00",
            "OVWX@2026-07-20T08:00",
        ]
        assert session.exec(select(PersonHistoryLoad.role_id)).all() == [role.id]
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "role", AuditEvent.action == "update")
        ).one()
        assert event.before is not None and event.before["code"] == "OVW"
        assert event.after is not None and event.after["code"] == "OFW"

    def test_partial_update_keeps_the_rest_and_validates_templates(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        role = make_role(session, cooperation=world.cooperation)
        headers = auth_headers(session, world.hh_planner)
        url = roles_url(world, f"/{role.id}")
        response = client.patch(url, json={"min_gap": "P21D"}, headers=headers)
        assert response.status_code == 200
        assert response.json()["shifts"][0]["duration"] == "P7D"
        response = client.patch(url, json={"shifts": [{"rrule": "x"}]}, headers=headers)
        assert response.status_code == 422
        assert {error["field"] for error in response.json()["errors"]} >= {"shifts[0].rrule"}

    def test_unknown_role_is_404(self, client: TestClient, session: Session, world: World) -> None:
        response = client.patch(
            roles_url(world, "/999999"),
            json={"name": "x"},
            headers=auth_headers(session, world.admin),
        )
        assert response.status_code == 404


class TestDeleteRole:
    def test_role_with_overrides_conflicts_then_deletes_when_free(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        role = make_role(session, cooperation=world.cooperation)
        override = ShiftOverride(
            cooperation_id=world.cooperation.id,  # type: ignore[arg-type]
            shift="OVW@2026-07-20T08:00",
            staff=2,
        )
        session.add(override)
        session.commit()
        headers = auth_headers(session, world.hh_planner)
        url = roles_url(world, f"/{role.id}")
        assert client.delete(url, headers=headers).status_code == 409
        session.delete(override)
        session.commit()
        assert client.delete(url, headers=headers).status_code == 204
        session.expire_all()
        assert session.get(Role, role.id) is None

    def test_list_is_in_position_order(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        first = make_role(session, cooperation=world.cooperation, code="B")
        second = make_role(session, cooperation=world.cooperation, code="A")
        first.position, second.position = 1, 0
        session.add_all([first, second])
        session.commit()
        response = client.get(roles_url(world), headers=auth_headers(session, world.officer))
        assert [role["code"] for role in response.json()["data"]] == ["A", "B"]

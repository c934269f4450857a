"""Zones over HTTP: permissions, validation, 404 and 409, and the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import AuditEvent
from tests.factories import (
    auth_headers,
    make_cooperation,
    make_person,
    make_role,
    make_user,
    make_zone,
)


class TestCreateZone:
    def test_admin_creates_a_zone_and_it_is_audited(
        self, client: TestClient, session: Session
    ) -> None:
        cooperation = make_cooperation(session)
        admin = make_user(session, role="admin")
        response = client.post(
            f"/api/v1/cooperations/{cooperation.id}/zones",
            json={"code": "HH", "name": "PZ Het Houtsche"},
            headers=auth_headers(session, admin),
        )
        assert response.status_code == 201, response.text
        zone = response.json()
        assert zone["code"] == "HH"
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "zone", AuditEvent.action == "create")
        ).one()
        assert event.actor == admin.username
        assert event.after is not None and event.after["name"] == "PZ Het Houtsche"

    def test_planner_may_not_create_zones(self, client: TestClient, session: Session) -> None:
        cooperation = make_cooperation(session)
        planner = make_user(
            session, role="planner", zones=[make_zone(session, cooperation=cooperation)]
        )
        response = client.post(
            f"/api/v1/cooperations/{cooperation.id}/zones",
            json={"code": "RT", "name": "PZ Regio Tielt"},
            headers=auth_headers(session, planner),
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    def test_bad_code_is_refused_naming_the_field(
        self, client: TestClient, session: Session
    ) -> None:
        cooperation = make_cooperation(session)
        admin = make_user(session, role="admin")
        response = client.post(
            f"/api/v1/cooperations/{cooperation.id}/zones",
            json={"code": "H H", "name": "x"},
            headers=auth_headers(session, admin),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "code"

    def test_duplicate_code_conflicts(self, client: TestClient, session: Session) -> None:
        cooperation = make_cooperation(session)
        make_zone(session, cooperation=cooperation, code="HH")
        admin = make_user(session, role="admin")
        response = client.post(
            f"/api/v1/cooperations/{cooperation.id}/zones",
            json={"code": "HH", "name": "again"},
            headers=auth_headers(session, admin),
        )
        assert response.status_code == 409


class TestDeleteZone:
    def test_zone_with_people_conflicts_and_stays(
        self, client: TestClient, session: Session
    ) -> None:
        cooperation = make_cooperation(session)
        zone = make_zone(session, cooperation=cooperation)
        make_person(session, zone=zone)
        admin = make_user(session, role="admin")
        headers = auth_headers(session, admin)
        url = f"/api/v1/cooperations/{cooperation.id}/zones/{zone.id}"
        assert client.delete(url, headers=headers).status_code == 409
        assert client.get(url, headers=headers).status_code == 200

    def test_unknown_zone_is_404(self, client: TestClient, session: Session) -> None:
        cooperation = make_cooperation(session)
        admin = make_user(session, role="admin")
        response = client.delete(
            f"/api/v1/cooperations/{cooperation.id}/zones/999999",
            headers=auth_headers(session, admin),
        )
        assert response.status_code == 404

    def test_zone_of_another_cooperation_is_404(self, client: TestClient, session: Session) -> None:
        mine, theirs = make_cooperation(session), make_cooperation(session)
        their_zone = make_zone(session, cooperation=theirs)
        planner = make_user(session, role="planner", zones=[make_zone(session, cooperation=mine)])
        response = client.get(
            f"/api/v1/cooperations/{mine.id}/zones/{their_zone.id}",
            headers=auth_headers(session, planner),
        )
        assert response.status_code == 404


def test_no_token_is_401(client: TestClient, session: Session) -> None:
    cooperation = make_cooperation(session)
    response = client.get(f"/api/v1/cooperations/{cooperation.id}/zones")
    assert response.status_code == 401
    assert response.json()["title"] == "Not authenticated"


class TestRenameZone:
    def test_renaming_a_code_carries_the_roles_zone_shares(
        self, client: TestClient, session: Session
    ) -> None:
        from scheduler.models import Role

        cooperation = make_cooperation(session)
        zone = make_zone(session, cooperation=cooperation, code="HH")
        role = make_role(session, cooperation=cooperation)
        role.zone_shares = {"HH": 1.0}
        session.add(role)
        session.commit()
        admin = make_user(session, role="admin")
        response = client.patch(
            f"/api/v1/cooperations/{cooperation.id}/zones/{zone.id}",
            json={"code": "HT"},
            headers=auth_headers(session, admin),
        )
        assert response.status_code == 200, response.text
        session.refresh(role)
        assert session.get(Role, role.id).zone_shares == {"HT": 1.0}  # type: ignore[union-attr]

    def test_a_zone_with_planned_duties_keeps_its_code(
        self, client: TestClient, session: Session
    ) -> None:
        from datetime import UTC, date, datetime

        from scheduler.models import Assignment, RotaVersion

        cooperation = make_cooperation(session)
        zone = make_zone(session, cooperation=cooperation, code="HH")
        person = make_person(session, zone=zone)
        version = RotaVersion(
            cooperation_id=cooperation.id,  # type: ignore[arg-type]
            horizon_start=date(2026, 1, 5),
            horizon_end=date(2026, 1, 12),
        )
        session.add(version)
        session.flush()
        session.add(
            Assignment(
                version_id=version.id,  # type: ignore[arg-type]
                shift="OVW@2026-01-05T08:00",
                role="OVW",
                person_id=person.id,  # type: ignore[arg-type]
                zone="HH",
                start=datetime(2026, 1, 5, 7, tzinfo=UTC),
                end=datetime(2026, 1, 12, 7, tzinfo=UTC),
                load=168,
            )
        )
        session.commit()
        admin = make_user(session, role="admin")
        url = f"/api/v1/cooperations/{cooperation.id}/zones/{zone.id}"
        headers = auth_headers(session, admin)
        assert client.patch(url, json={"code": "HT"}, headers=headers).status_code == 409
        assert client.patch(url, json={"name": "Renamed"}, headers=headers).status_code == 200

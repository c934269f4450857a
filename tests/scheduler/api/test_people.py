"""People over HTTP: zone-scoped writes, reads for the whole cooperation, filters, 404/409."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import Absence, AuditEvent, Person
from tests.factories import (
    World,
    auth_headers,
    make_absence,
    make_assignment,
    make_person,
    make_user,
    make_world,
)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def people_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/people{suffix}"


NEW_PERSON = {
    "code": "hh-02",
    "name": "Bert Claes",
    "zone": "HH",
    "qualifications": ["OBP", "SB"],
    "fte": 0.8,
    "active_start": "2026-01-05",
    "phone": "+32 50 00 00 02",
}


class TestCreatePerson:
    def test_zone_planner_creates_and_it_is_audited(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            people_url(world), json=NEW_PERSON, headers=auth_headers(session, world.hh_planner)
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (
            body["zone"] == "HH"
            and body["fte"] == 0.8
            and body["qualifications"]
            == [
                "OBP",
                "SB",
            ]
        )
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.action == "create")
        ).one()
        assert event.actor == world.hh_planner.username
        assert event.cooperation_id == world.cooperation.id
        assert event.before is None
        assert event.after is not None and event.after["zone"] == "HH"

    def test_planner_of_another_zone_may_not(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            people_url(world), json=NEW_PERSON, headers=auth_headers(session, world.rt_planner)
        )
        assert response.status_code == 403

    def test_officer_may_not(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            people_url(world), json=NEW_PERSON, headers=auth_headers(session, world.officer)
        )
        assert response.status_code == 403

    def test_outsider_gets_404(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            people_url(world), json=NEW_PERSON, headers=auth_headers(session, world.outsider)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"fte": 0}, "fte"),
            ({"fte": 1.01}, "fte"),
            ({"code": "hh 02"}, "code"),
            ({"active_end": "2026-01-05"}, "active_end"),
            ({"name": ""}, "name"),
        ],
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
            people_url(world),
            json=NEW_PERSON | change,
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_fte_of_exactly_one_and_end_a_day_after_start_pass(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            people_url(world),
            json=NEW_PERSON | {"fte": 1, "active_end": "2026-01-06"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 201, response.text

    def test_unknown_zone_names_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            people_url(world),
            json=NEW_PERSON | {"zone": "XX"},
            headers=auth_headers(session, world.admin),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "zone", "message": "unknown zone 'XX'"}]

    def test_duplicate_code_conflicts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            people_url(world),
            json=NEW_PERSON | {"code": "hh-01"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 409


class TestReadPeople:
    def test_officer_reads_colleagues_with_contacts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        colleague = make_person(session, zone=world.rt, code="rt-01")
        colleague.phone = "+32 51 00 00 01"
        session.add(colleague)
        session.commit()
        response = client.get(
            people_url(world, f"/{colleague.id}"), headers=auth_headers(session, world.officer)
        )
        assert response.status_code == 200
        assert response.json()["phone"] == "+32 51 00 00 01"
        assert response.json()["zone"] == "RT"

    def test_filters_by_zone_qualification_and_name(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_person(session, zone=world.rt, code="rt-01", qualifications=["SB"])
        make_person(session, zone=world.rt, code="rt-02", qualifications=["OBP", "ICT"])
        headers = auth_headers(session, world.officer)

        def codes(query: str) -> list[str]:
            response = client.get(people_url(world, query), headers=headers)
            assert response.status_code == 200, response.text
            return [person["code"] for person in response.json()["data"]]

        assert codes("?zone=RT") == ["rt-01", "rt-02"]
        assert codes("?qualification=OBP") == ["hh-01", "rt-02"]
        assert codes("?qualification=OB") == []
        assert codes("?q=RT-0&zone=RT&qualification=SB") == ["rt-01"]

    def test_pagination_counts_all(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        for number in range(2, 6):
            make_person(session, zone=world.hh, code=f"hh-0{number}")
        response = client.get(
            people_url(world, "?offset=1&limit=2"), headers=auth_headers(session, world.officer)
        )
        assert response.json()["count"] == 5
        assert [person["code"] for person in response.json()["data"]] == ["hh-02", "hh-03"]

    def test_unknown_person_is_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get(
            people_url(world, "/999999"), headers=auth_headers(session, world.admin)
        )
        assert response.status_code == 404

    def test_person_of_another_cooperation_is_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = make_world(session)
        response = client.get(
            people_url(world, f"/{other.officer_person.id}"),
            headers=auth_headers(session, world.admin),
        )
        assert response.status_code == 404


class TestUpdatePerson:
    def test_planner_edits_and_audit_has_before_and_after(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        url = people_url(world, f"/{world.officer_person.id}")
        response = client.patch(
            url, json={"fte": 0.5, "phone": None}, headers=auth_headers(session, world.hh_planner)
        )
        assert response.status_code == 200, response.text
        assert response.json()["fte"] == 0.5
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.action == "update")
        ).one()
        assert event.before is not None and event.before["fte"] == 1.0
        assert event.after is not None and event.after["fte"] == 0.5

    def test_moving_needs_planner_of_both_zones(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        url = people_url(world, f"/{world.officer_person.id}")
        move = {"zone": "RT"}
        assert (
            client.patch(
                url, json=move, headers=auth_headers(session, world.hh_planner)
            ).status_code
            == 403
        )
        assert (
            client.patch(
                url, json=move, headers=auth_headers(session, world.rt_planner)
            ).status_code
            == 403
        )
        both = make_user(session, role="planner", zones=[world.hh, world.rt])
        response = client.patch(url, json=move, headers=auth_headers(session, both))
        assert response.status_code == 200
        assert response.json()["zone"] == "RT"

    def test_officer_may_not_edit_even_themselves(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.patch(
            people_url(world, f"/{world.officer_person.id}"),
            json={"phone": "+32 1"},
            headers=auth_headers(session, world.officer),
        )
        assert response.status_code == 403

    def test_end_before_kept_start_names_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        url = people_url(world, f"/{world.officer_person.id}")
        headers = auth_headers(session, world.hh_planner)
        assert (
            client.patch(url, json={"active_start": "2026-03-01"}, headers=headers).status_code
            == 200
        )
        response = client.patch(url, json={"active_end": "2026-03-01"}, headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "active_end"

    def test_renaming_to_a_taken_code_conflicts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_person(session, zone=world.hh, code="hh-02")
        response = client.patch(
            people_url(world, f"/{world.officer_person.id}"),
            json={"code": "hh-02"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 409
        assert session.get(Person, world.officer_person.id).code == "hh-01"  # type: ignore[union-attr]


class TestDeletePerson:
    def test_delete_cascades_absences_and_is_audited(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        person = make_person(session, zone=world.hh)
        make_absence(session, person=person)
        response = client.delete(
            people_url(world, f"/{person.id}"), headers=auth_headers(session, world.hh_planner)
        )
        assert response.status_code == 204
        session.expire_all()
        assert session.get(Person, person.id) is None
        assert session.exec(select(Absence).where(Absence.person_id == person.id)).all() == []
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.action == "delete")
        ).one()
        assert event.before is not None and event.before["code"] == person.code

    def test_person_with_duties_conflicts_and_stays(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_assignment(session, person=world.officer_person)
        url = people_url(world, f"/{world.officer_person.id}")
        headers = auth_headers(session, world.hh_planner)
        assert client.delete(url, headers=headers).status_code == 409
        assert client.get(url, headers=headers).status_code == 200

    def test_planner_of_another_zone_may_not(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.delete(
            people_url(world, f"/{world.officer_person.id}"),
            headers=auth_headers(session, world.rt_planner),
        )
        assert response.status_code == 403

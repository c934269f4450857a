"""Bulk import over HTTP: JSON and CSV, every bad row named, nothing written on error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from scheduler.models import Absence, AuditEvent, Person
from tests.factories import World, auth_headers, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def url(world: World, what: str, query: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/{what}/import{query}"


def count(session: Session, model: type[Person] | type[Absence]) -> int:
    return session.exec(select(func.count(col(model.id)))).one()


PEOPLE_CSV = (
    "code,name,zone,qualifications,fte,email\n"
    "hh-02,Bert Claes,HH,OBP;SB,0.8,bert@example.org\n"
    "rt-01,Chris Dewulf,RT,SB,,\n"
)


class TestImportPeople:
    def test_csv_body_imports_every_row_with_lists_and_defaults(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "people"),
            content=PEOPLE_CSV,
            headers=auth_headers(session, world.admin) | {"Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text
        assert response.json() == {"created": 2, "updated": 0}
        bert = session.exec(select(Person).where(Person.code == "hh-02")).one()
        assert bert.qualifications == ["OBP", "SB"] and bert.fte == 0.8
        chris = session.exec(select(Person).where(Person.code == "rt-01")).one()
        assert chris.fte == 1.0 and chris.email is None
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "person")).all()
        assert sorted(actions) == ["create", "create", "import"]

    def test_json_list_imports(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            url(world, "people"),
            json=[
                {"code": "hh-02", "name": "Bert Claes", "zone": "HH", "qualifications": ["OBP"]},
                {"code": "hh-03", "name": "Dirk Engels", "zone": "HH"},
            ],
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 201, response.text
        assert count(session, Person) == 3

    def test_multipart_upload_of_a_csv_file(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "people"),
            files={"file": ("people.csv", PEOPLE_CSV.encode(), "text/csv")},
            headers=auth_headers(session, world.admin),
        )
        assert response.status_code == 201, response.text
        assert response.json()["created"] == 2

    def test_bad_rows_are_all_named_and_nothing_is_imported(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        before = count(session, Person)
        csv_text = (
            "code,name,zone,qualifications,fte\n"
            "hh-02,Bert Claes,HH,OBP,1\n"
            "hh-03,Dirk Engels,XX,OBP,1\n"
            "hh-04,Eva Fonteyne,HH,OBP,2\n"
            "hh-02,Bert Again,HH,OBP,1\n"
        )
        response = client.post(
            url(world, "people"),
            content=csv_text,
            headers=auth_headers(session, world.admin) | {"Content-Type": "text/csv"},
        )
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert errors[0] == {"field": "rows[2].zone", "message": "unknown zone 'XX'"}
        assert errors[1]["field"] == "rows[3].fte"
        assert errors[2]["field"] == "rows[4]" and "already exists" in errors[2]["message"]
        assert "rows[2].zone: unknown zone 'XX'" in response.json()["detail"]
        assert count(session, Person) == before
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "import")).all() == []

    def test_existing_code_conflicts_in_create_mode_and_updates_in_upsert_mode(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth_headers(session, world.hh_planner)
        rows = [
            {"code": "hh-01", "phone": "+32 50 11 11 11"},
            {"code": "hh-09", "name": "New Person", "zone": "HH"},
        ]
        conflict = client.post(url(world, "people"), json=rows, headers=headers)
        assert conflict.status_code == 422  # hh-01's row lacks a name and zone to be created
        rows[0] |= {"name": "Person hh-01", "zone": "HH"}
        conflict = client.post(url(world, "people"), json=rows, headers=headers)
        assert conflict.status_code == 409
        [error] = conflict.json()["errors"]
        assert error["field"] == "rows[1]" and "mode=upsert" in error["message"]
        assert count(session, Person) == 1
        upsert = client.post(url(world, "people", "?mode=upsert"), json=rows, headers=headers)
        assert upsert.status_code == 201, upsert.text
        assert upsert.json() == {"created": 1, "updated": 1}
        assert world.officer_person.phone == "+32 50 11 11 11"
        assert world.officer_person.qualifications == ["OBP"]

    def test_rows_for_a_zone_the_planner_does_not_plan_are_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "people"),
            json=[
                {"code": "hh-02", "name": "Bert Claes", "zone": "HH"},
                {"code": "rt-01", "name": "Chris Dewulf", "zone": "RT"},
            ],
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 403
        assert [error["field"] for error in response.json()["errors"]] == ["rows[2]"]
        assert count(session, Person) == 1

    @pytest.mark.parametrize(
        ("content", "content_type", "field"),
        [
            ("code,name,colour\nx,y,z\n", "text/csv", "header"),
            ("", "text/csv", "body"),
            ("code,name,zone\nhh-02,Bert,HH,extra\n", "text/csv", "rows[1]"),
            ('{"code": "x"}', "application/json", "body"),
            ("[1]", "application/json", "rows[1]"),
            ("[{", "application/json", "body"),
        ],
    )
    def test_unreadable_uploads_are_422_naming_where(
        self,
        client: TestClient,
        session: Session,
        world: World,
        content: str,
        content_type: str,
        field: str,
    ) -> None:
        response = client.post(
            url(world, "people"),
            content=content,
            headers=auth_headers(session, world.admin) | {"Content-Type": content_type},
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field

    def test_other_media_types_are_415(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "people"),
            content="<people/>",
            headers=auth_headers(session, world.admin) | {"Content-Type": "application/xml"},
        )
        assert response.status_code == 415

    def test_officer_may_not_import(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "people"), json=[], headers=auth_headers(session, world.officer)
        )
        assert response.status_code == 403


class TestImportAbsences:
    def test_csv_with_dates_and_times(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "absences"),
            content=(
                "person,start,end,reason\n"
                "hh-01,2026-07-13,2026-08-03,leave\n"
                "hh-01,2026-03-02T08:00,2026-03-02T17:00,training\n"
            ),
            headers=auth_headers(session, world.hh_planner) | {"Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text
        whole_days = session.exec(select(Absence.whole_days).order_by(col(Absence.id))).all()
        assert whole_days == [True, False]

    def test_a_bad_row_names_the_row_and_nothing_is_imported(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "absences"),
            content=(
                "person,start,end,reason\n"
                "hh-01,2026-07-13,2026-08-03,leave\n"
                "\n"
                "nobody,2026-07-13,2026-08-03,leave\n"
                "hh-01,2026-09-01,2026-08-01,leave\n"
            ),
            headers=auth_headers(session, world.hh_planner) | {"Content-Type": "text/csv"},
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "rows[2].person", "message": "unknown person 'nobody'"},
            {"field": "rows[3].end", "message": "end must be after start"},
        ]
        assert count(session, Absence) == 0

    def test_json_import_for_another_zone_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            url(world, "absences"),
            json=[{"person": "hh-01", "start": "2026-07-13", "end": "2026-07-14"}],
            headers=auth_headers(session, world.rt_planner),
        )
        assert response.status_code == 403
        assert count(session, Absence) == 0

"""Scenario export and import over HTTP: formats, permissions, and 422s that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import Cooperation, Person, User, Zone
from scheduler.services.scenarios import import_scenario
from solver.scenario import Scenario, load_scenario, parse_scenario, scenario_to_data
from tests.factories import auth_headers, make_cooperation, make_user, make_zone

EVERY_FIELD = Path(__file__).parents[1] / "data" / "every-field.yaml"
HORIZON = {"start": "2026-01-05", "end": "2027-01-04"}


@pytest.fixture(scope="module")
def every_field() -> Scenario:
    return load_scenario(EVERY_FIELD)


@pytest.fixture
def cooperation(session: Session, every_field: Scenario) -> Cooperation:
    return import_scenario(session=session, scenario=every_field, slug="http")


def planner_of(session: Session, cooperation: Cooperation) -> User:
    zone = session.exec(select(Zone).where(Zone.cooperation_id == cooperation.id)).first()
    assert zone is not None
    return make_user(session, role="planner", zones=[zone])


class TestExport:
    def test_a_planner_gets_the_canonical_json(
        self,
        client: TestClient,
        session: Session,
        cooperation: Cooperation,
        every_field: Scenario,
    ) -> None:
        response = client.get(
            f"/api/v1/cooperations/{cooperation.id}/scenario",
            params=HORIZON,
            headers=auth_headers(session, planner_of(session, cooperation)),
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        assert response.json() == scenario_to_data(every_field)

    def test_yaml_on_request(
        self,
        client: TestClient,
        session: Session,
        cooperation: Cooperation,
        every_field: Scenario,
    ) -> None:
        response = client.get(
            f"/api/v1/cooperations/{cooperation.id}/scenario",
            params=HORIZON | {"format": "yaml"},
            headers=auth_headers(session, make_user(session, role="admin")),
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/yaml")
        assert parse_scenario(yaml.safe_load(response.text)) == every_field

    def test_an_officer_may_not_see_everyones_absences(
        self, client: TestClient, session: Session, cooperation: Cooperation
    ) -> None:
        person = session.exec(select(Person).where(Person.cooperation_id == cooperation.id)).first()
        officer = make_user(session, role="officer", person=person)
        response = client.get(
            f"/api/v1/cooperations/{cooperation.id}/scenario",
            params=HORIZON,
            headers=auth_headers(session, officer),
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"

    def test_a_planner_of_another_cooperation_gets_404(
        self, client: TestClient, session: Session, cooperation: Cooperation
    ) -> None:
        outsider = make_user(
            session,
            role="planner",
            zones=[make_zone(session, cooperation=make_cooperation(session))],
        )
        response = client.get(
            f"/api/v1/cooperations/{cooperation.id}/scenario",
            params=HORIZON,
            headers=auth_headers(session, outsider),
        )
        assert response.status_code == 404

    def test_no_token_is_401(self, client: TestClient, cooperation: Cooperation) -> None:
        response = client.get(f"/api/v1/cooperations/{cooperation.id}/scenario", params=HORIZON)
        assert response.status_code == 401

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"start": "2026-13-01", "end": "2026-02-01"}, "start"),
            ({"start": "2026-01-05", "end": "soon"}, "end"),
            ({"start": "2026-01-05"}, "end"),
            ({"start": "2026-01-05", "end": "2026-01-05"}, "end"),
            ({"start": "2026-01-05", "end": "2026-01-04"}, "end"),
            (HORIZON | {"format": "xml"}, "format"),
        ],
    )
    def test_bad_parameters_are_422_naming_the_parameter(
        self,
        client: TestClient,
        session: Session,
        cooperation: Cooperation,
        params: dict[str, str],
        field: str,
    ) -> None:
        response = client.get(
            f"/api/v1/cooperations/{cooperation.id}/scenario",
            params=params,
            headers=auth_headers(session, make_user(session, role="admin")),
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]


class TestImport:
    def test_an_admin_imports_a_scenario(
        self, client: TestClient, session: Session, every_field: Scenario
    ) -> None:
        response = client.post(
            "/api/v1/cooperations/import",
            params={"slug": "posted"},
            json=scenario_to_data(every_field),
            headers=auth_headers(session, make_user(session, role="admin")),
        )
        assert response.status_code == 201, response.text
        assert response.json()["slug"] == "posted"
        assert response.json()["name"] == every_field.name

    def test_a_bad_scenario_is_422_naming_the_field_and_writes_nothing(
        self, client: TestClient, session: Session, every_field: Scenario
    ) -> None:
        data = scenario_to_data(every_field)
        data["people"][3]["zone"] = "XX"
        response = client.post(
            "/api/v1/cooperations/import",
            json=data,
            headers=auth_headers(session, make_user(session, role="admin")),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "people[3].zone", "message": "unknown zone 'XX'"}
        ]
        assert session.exec(select(Cooperation).where(Cooperation.name == data["name"])).all() == []

    def test_planners_may_not_import(
        self,
        client: TestClient,
        session: Session,
        cooperation: Cooperation,
        every_field: Scenario,
    ) -> None:
        response = client.post(
            "/api/v1/cooperations/import",
            params={"slug": "http", "replace": "true"},
            json=scenario_to_data(every_field),
            headers=auth_headers(session, planner_of(session, cooperation)),
        )
        assert response.status_code == 403

    def test_an_existing_slug_is_409_unless_replaced(
        self,
        client: TestClient,
        session: Session,
        cooperation: Cooperation,
        every_field: Scenario,
    ) -> None:
        headers = auth_headers(session, make_user(session, role="admin"))
        url = "/api/v1/cooperations/import"
        body = scenario_to_data(every_field) | {"name": "Renamed"}
        assert (
            client.post(url, params={"slug": "http"}, json=body, headers=headers).status_code == 409
        )
        response = client.post(
            url, params={"slug": "http", "replace": "true"}, json=body, headers=headers
        )
        assert response.status_code == 201
        assert response.json()["id"] == cooperation.id
        assert response.json()["name"] == "Renamed"

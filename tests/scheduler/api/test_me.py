"""Who am I, and my own API tokens: listed without secrets, created once, revoked."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import World, auth_headers, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_officer_sees_their_person_and_cooperation(
    client: TestClient, session: Session, world: World
) -> None:
    response = client.get("/api/v1/me", headers=auth_headers(session, world.officer))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "officer" and body["username"] == world.officer.username
    assert body["person"]["code"] == "hh-01" and body["person"]["zone"] == "HH"
    assert body["cooperation_ids"] == [world.cooperation.id]
    assert body["zones"] == []


def test_planner_sees_their_zones(client: TestClient, session: Session, world: World) -> None:
    body = client.get("/api/v1/me", headers=auth_headers(session, world.hh_planner)).json()
    assert [zone["code"] for zone in body["zones"]] == ["HH"]
    assert body["person"] is None


def test_token_is_shown_once_works_and_can_be_revoked(
    client: TestClient, session: Session, world: World
) -> None:
    headers = auth_headers(session, world.officer)
    created = client.post(
        "/api/v1/me/tokens",
        json={"name": "calendar laptop", "expires_at": "2099-01-01T00:00:00Z"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert secret.startswith(created.json()["prefix"])
    new_headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=new_headers).status_code == 200
    listed = client.get("/api/v1/me/tokens", headers=headers).json()
    assert [token["name"] for token in listed] == ["test", "calendar laptop"]
    assert all("token" not in token and "token_hash" not in token for token in listed)
    revoked = client.delete(f"/api/v1/me/tokens/{created.json()['id']}", headers=headers)
    assert revoked.status_code == 204
    assert client.get("/api/v1/me", headers=new_headers).status_code == 401


def test_someone_elses_token_is_404_even_for_an_admin(
    client: TestClient, session: Session, world: World
) -> None:
    officer_token = client.get(
        "/api/v1/me/tokens", headers=auth_headers(session, world.officer)
    ).json()[0]
    response = client.delete(
        f"/api/v1/me/tokens/{officer_token['id']}", headers=auth_headers(session, world.admin)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("expires_at", ["2000-01-01T00:00:00Z", "2099-01-01T00:00:00"])
def test_expiry_must_be_future_and_carry_an_offset(
    client: TestClient, session: Session, world: World, expires_at: str
) -> None:
    response = client.post(
        "/api/v1/me/tokens",
        json={"expires_at": expires_at},
        headers=auth_headers(session, world.officer),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"


def test_without_a_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401

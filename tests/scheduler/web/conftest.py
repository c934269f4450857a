"""Page fixtures: the real app over a database whose writes commit, users with passwords,
and a browser-like client that logs in and sends the CSRF token with every form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from scheduler.app import create_app
from scheduler.auth import Actor
from scheduler.models import User
from scheduler.services.passwords import set_password
from tests.scheduler.conftest import Planning

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A TestClient that keeps the session cookie and fills in the page's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response = self.client.get(url, **kwargs)
        self._remember(response)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        if not self.csrf:
            self.get("/login")
        form = {"csrf_token": self.csrf, **(data or {})}
        response = self.client.post(url, data=form, **kwargs)
        self._remember(response)
        return response

    def _remember(self, response: httpx.Response) -> None:
        match = (
            CSRF.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if match:
            self.csrf = match.group(1)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/login")
        return self.post(
            "/login", {"username": username, "password": password}, follow_redirects=False
        )


def give_password(planning: Planning, actor: Actor, password: str = PASSWORD) -> str:
    with planning.session() as session:
        user = session.get(User, actor.user.id)
        assert user is not None
        set_password(session=session, user=user, password=password)
        return user.username


@pytest.fixture
def app_client(planning: Planning) -> Iterator[TestClient]:
    with TestClient(create_app(engine=planning.engine)) as client:
        yield client


@pytest.fixture
def browser(app_client: TestClient) -> Browser:
    return Browser(app_client)


@pytest.fixture
def planner_browser(planning: Planning, app_client: TestClient) -> Browser:
    browser = Browser(app_client)
    response = browser.login(give_password(planning, planning.planner_hh))
    assert response.status_code == 303, response.text
    return browser


@pytest.fixture
def officer_browser(planning: Planning, app_client: TestClient) -> Browser:
    browser = Browser(app_client)
    response = browser.login(give_password(planning, planning.officer))
    assert response.status_code == 303, response.text
    return browser

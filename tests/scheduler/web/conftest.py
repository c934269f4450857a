"""Page fixtures: the real app over a database whose writes commit, users with passwords,
and a browser-like client that logs in and sends the CSRF token with every form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
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
        response: httpx.Response = self.client.get(url, **kwargs)
        self._remember(response)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        if not self.csrf:
            self.get("/login")
        form = {"csrf_token": self.csrf, **(data or {})}
        response: httpx.Response = self.client.post(url, data=form, **kwargs)
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
        """Log in as a person would: the login form, then the page it leads to (which
        carries the session's new CSRF token). The login response itself is returned."""
        self.get("/login")
        response = self.post(
            "/login", {"username": username, "password": password}, follow_redirects=False
        )
        if response.status_code == 303:
            self.get(response.headers["location"])
        return response


def give_password(planning: Planning, actor: Actor, password: str = PASSWORD) -> str:
    with planning.session() as session:
        user = session.get(User, actor.user.id)
        assert user is not None
        set_password(session=session, user=user, password=password)
        return user.username


@pytest.fixture
def web_app(planning: Planning) -> FastAPI:
    return create_app(engine=planning.engine)


@pytest.fixture
def app_client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app) as client:
        yield client


@pytest.fixture
def browser(app_client: TestClient) -> Browser:
    return Browser(app_client)


def logged_in(web_app: FastAPI, planning: Planning, actor: Actor) -> Iterator[Browser]:
    """A browser of its own (own cookies) logged in as ``actor``."""
    with TestClient(web_app) as client:
        browser = Browser(client)
        response = browser.login(give_password(planning, actor))
        assert response.status_code == 303, response.text
        yield browser


@pytest.fixture
def planner_browser(web_app: FastAPI, planning: Planning) -> Iterator[Browser]:
    yield from logged_in(web_app, planning, planning.planner_hh)


@pytest.fixture
def officer_browser(web_app: FastAPI, planning: Planning) -> Iterator[Browser]:
    yield from logged_in(web_app, planning, planning.officer)

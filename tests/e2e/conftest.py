"""Browser tests: a real server in a subprocess, headless Chromium driven by Playwright.

The Debian ``chromium`` package is used as is (Playwright's own browser
downloads are never fetched): ``executable_path=/usr/bin/chromium``. Outside
CI the tests skip when Chromium or Playwright is missing; in CI they fail.

The server runs ``permanence serve --no-worker`` and ``permanence worker
--no-periodic`` against a committed test database (SQLite file, or a
throw-away PostgreSQL database when ``PERMANENCE_TEST_DATABASE_URL`` names
one), on a free loopback port. Every request a page makes is recorded; a test
fails if any goes to another host than the app's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session, SQLModel, select

from scheduler.db import make_engine
from scheduler.models import Person, User
from scheduler.services.passwords import set_password
from tests.conftest import missing
from tests.scheduler.conftest import import_planning, planning_scenario

CHROMIUM = os.environ.get("PERMANENCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "e2e password 2026"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEZONE = ZoneInfo("Europe/Brussels")


def require_browser() -> None:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the playwright package is not installed: pip install -e '.[test]'")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base_url: str
    cooperation_id: int
    usernames: dict[str, str]  # role name or person code → username
    horizon: tuple[date, date]
    database_url: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path


def current_monday() -> date:
    today = datetime.now(TIMEZONE).date()
    return today - timedelta(days=today.weekday())


def _prepare(database_url: str) -> tuple[int, dict[str, str], tuple[date, date]]:
    """Import a five-week cooperation around today, with users that have passwords."""
    start = current_monday() - timedelta(weeks=1)
    horizon = (start, start + timedelta(weeks=5))
    engine = make_engine(database_url)
    try:
        planning = import_planning(
            engine,
            planning_scenario(horizon=(horizon[0].isoformat(), horizon[1].isoformat())),
        )
        usernames: dict[str, str] = {}
        with Session(engine, expire_on_commit=False) as session:
            from tests.factories import make_user

            for name, actor in (("planner", planning.planner_hh), ("hh-01", planning.officer)):
                user = session.get(User, actor.user.id)
                assert user is not None
                set_password(session=session, user=user, password=PASSWORD)
                usernames[name] = user.username
            people = session.exec(
                select(Person).where(Person.cooperation_id == planning.cooperation_id)
            ).all()
            for person in people:
                if person.code == "hh-01":
                    continue
                user = make_user(
                    session, role="officer", person=person, username=f"officer-{person.code}"
                )
                set_password(session=session, user=user, password=PASSWORD)
                usernames[person.code] = user.username
        return planning.cooperation_id, usernames, horizon
    finally:
        engine.dispose()


def _wait_until_up(url: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"server process exited with {process.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


@pytest.fixture(scope="module")
def server(
    committed_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    require_browser()
    cooperation_id, usernames, horizon = _prepare(committed_database_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "PERMANENCE_DATABASE_URL": committed_database_url,
        "PERMANENCE_BASE_URL": base_url,
        "PERMANENCE_ENVIRONMENT": "development",
        "PERMANENCE_LANGUAGE": "nl",
    }
    command = shutil.which("permanence", path=str(Path(sys.executable).parent)) or "permanence"
    logs = tmp_path_factory.mktemp("e2e-logs")
    processes = [
        subprocess.Popen(
            [command, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=(logs / "serve.log").open("wb"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [command, "worker", "--no-periodic", "--poll-interval", "0.3", "--text-logs"],
            env=env,
            stdout=(logs / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
        ),
    ]
    server = Server(base_url, cooperation_id, usernames, horizon, committed_database_url, processes)
    try:
        _wait_until_up(base_url, processes)
        yield server
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        engine = make_engine(committed_database_url)
        with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()


@dataclass
class Traffic:
    """Every URL the browser asked for."""

    app_host: str
    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        # data: URLs never leave the browser; anything else must go to the app.
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme != "data" and urlsplit(url).netloc != self.app_host
        ]


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def traffic(server: Server) -> Iterator[Traffic]:
    recorded = Traffic(urlsplit(server.base_url).netloc)
    yield recorded
    assert recorded.urls, "no request was recorded"
    assert recorded.foreign() == [], f"requests to other hosts: {recorded.foreign()}"


def new_page(browser: Any, traffic: Traffic, *, phone: bool = False) -> Any:
    """A fresh context (own cookies) whose every request is recorded in ``traffic``."""
    options: dict[str, Any] = {"locale": "nl-BE", "timezone_id": "Europe/Brussels"}
    if phone:
        options |= {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    else:
        options |= {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**options)
    context.on("request", lambda request: traffic.urls.append(request.url))
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def log_in(page: Any, server: Server, username: str) -> None:
    page.goto(server.url("/login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Saved under docs/screenshots when PERMANENCE_SCREENSHOTS is set (CI leaves docs alone)."""
    if os.environ.get("PERMANENCE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

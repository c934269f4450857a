"""The service commands: migrate, import, export, users, tokens, demo, and a real server.

Each test gets a fresh, empty database (a SQLite file, or a throw-away
PostgreSQL database when the suite runs on PostgreSQL): the commands commit
for real and must migrate it themselves.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select
from typer.testing import CliRunner, Result

from scheduler.app import create_app
from scheduler.cli import app
from scheduler.config import get_settings
from scheduler.db import make_engine
from scheduler.models import Absence, ApiToken, Cooperation, Person, User
from solver.demo import demo_scenario
from solver.scenario import load_scenario, parse_scenario, scenario_to_data
from tests.conftest import ThrowawayPostgres, require_postgres

ROOT = Path(__file__).parents[2]
EVERY_FIELD = Path(__file__).parent / "data" / "every-field.yaml"
PERMANENCE = Path(sys.executable).parent / "permanence"
TOKEN = re.compile(r"^\s+(\S+)\s+(pmt_\S+)$", re.MULTILINE)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database the commands see as ``PERMANENCE_DATABASE_URL``."""
    server = os.environ.get("PERMANENCE_TEST_DATABASE_URL", "sqlite")
    throwaway = None
    if server == "sqlite":
        url = f"sqlite:///{tmp_path / 'cli.db'}"
    else:
        require_postgres(server)
        throwaway = ThrowawayPostgres(server)
        url = throwaway.url
    monkeypatch.setenv("PERMANENCE_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()
        if throwaway is not None:
            throwaway.drop()


@pytest.fixture
def cli_engine(database: str) -> Iterator[Engine]:
    engine = make_engine(database)
    yield engine
    engine.dispose()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def count(cli_engine: Engine, model: type[SQLModel]) -> int:
    with Session(cli_engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def bad_copy(tmp_path: Path) -> Path:
    """The every-field fixture with an unknown zone on the fourth person."""
    data = yaml.safe_load(EVERY_FIELD.read_text())
    data["people"][3]["zone"] = "XX"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_migrate_creates_the_schema(database: str, cli_engine: Engine) -> None:
    result = run("migrate")
    assert result.exit_code == 0, result.output
    assert {"cooperation", "person", "assignment", "alembic_version"} <= set(
        inspect(cli_engine).get_table_names()
    )


class TestImportExport:
    def test_import_then_export_gives_the_file_back(self, database: str, tmp_path: Path) -> None:
        imported = run("import", str(EVERY_FIELD), "--cooperation", "every")
        assert imported.exit_code == 0, imported.output
        assert "slug every" in imported.stdout

        exported = run(
            "export", "--cooperation", "every", "--start", "2026-01-05", "--end", "2027-01-04"
        )
        assert exported.exit_code == 0, exported.output
        assert json.loads(exported.stdout) == scenario_to_data(load_scenario(EVERY_FIELD))

        out = tmp_path / "back.yaml"
        written = run(
            "export", "--cooperation", "every", "--start", "2026-01-05", "--end", "2027-01-04",
            "--out", str(out),
        )  # fmt: skip
        assert written.exit_code == 0, written.output
        assert load_scenario(out) == load_scenario(EVERY_FIELD)

    def test_a_bad_file_names_the_field_exits_1_and_imports_nothing(
        self, database: str, cli_engine: Engine, tmp_path: Path
    ) -> None:
        result = run("import", str(bad_copy(tmp_path)))
        assert result.exit_code == 1
        assert "people[3].zone: unknown zone 'XX'" in result.stderr
        assert count(cli_engine, Cooperation) == 0
        assert count(cli_engine, Person) == 0

    def test_a_file_that_is_not_yaml_exits_1(self, database: str, tmp_path: Path) -> None:
        path = tmp_path / "broken.yaml"
        path.write_text("people: [unclosed\n")
        result = run("import", str(path))
        assert result.exit_code == 1
        assert "broken.yaml is not valid YAML" in result.stderr

    def test_an_existing_cooperation_is_replaced_only_on_request(
        self, database: str, cli_engine: Engine, tmp_path: Path
    ) -> None:
        assert run("import", str(EVERY_FIELD), "--cooperation", "twice").exit_code == 0
        data = yaml.safe_load(EVERY_FIELD.read_text())
        data["absences"] = data["absences"][:1]
        smaller = tmp_path / "smaller.yaml"
        smaller.write_text(yaml.safe_dump(data))

        refused = run("import", str(smaller), "--cooperation", "twice")
        assert refused.exit_code == 1
        assert "already exists" in refused.stderr
        assert count(cli_engine, Absence) == 3

        replaced = run("import", str(smaller), "--cooperation", "twice", "--replace")
        assert replaced.exit_code == 0, replaced.output
        assert count(cli_engine, Absence) == 1
        assert count(cli_engine, Cooperation) == 1

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("2026-13-01", "2026-02-01", "--start"),
            ("2026-02-01", "2026-02-01", "end: must be after start"),
        ],
    )
    def test_a_bad_horizon_is_refused(
        self, database: str, start: str, end: str, message: str
    ) -> None:
        assert run("import", str(EVERY_FIELD), "--cooperation", "h").exit_code == 0
        result = run("export", "--cooperation", "h", "--start", start, "--end", end)
        assert result.exit_code != 0
        assert message in result.output

    def test_an_unknown_cooperation_exits_1(self, database: str) -> None:
        result = run(
            "export", "--cooperation", "nope", "--start", "2026-01-05", "--end", "2026-02-02"
        )
        assert result.exit_code == 1
        assert "no cooperation with slug 'nope'" in result.stderr


class TestUsersAndTokens:
    def test_a_created_token_works_against_the_app_until_revoked(
        self, database: str, cli_engine: Engine
    ) -> None:
        assert run("import", str(EVERY_FIELD), "--cooperation", "t").exit_code == 0
        added = run("user", "add", "planner-hh", "--role", "planner", "--zone", "HH")
        assert added.exit_code == 0, added.output
        created = run("token", "create", "planner-hh", "--name", "laptop")
        assert created.exit_code == 0, created.output
        token = created.stdout.strip()
        assert token.startswith("pmt_") and "\n" not in token

        with Session(cli_engine) as session:
            cooperation_id = session.exec(select(Cooperation.id)).one()
            token_id = session.exec(select(ApiToken.id)).one()
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(engine=cli_engine)) as client:
            zones = client.get(f"/api/v1/cooperations/{cooperation_id}/zones", headers=headers)
            assert zones.status_code == 200
            assert [zone["code"] for zone in zones.json()["data"]] == ["HH", "RT"]

            assert run("token", "revoke", str(token_id)).exit_code == 0
            again = client.get(f"/api/v1/cooperations/{cooperation_id}/zones", headers=headers)
            assert again.status_code == 401

    def test_officers_are_linked_to_their_person_and_listed(
        self, database: str, cli_engine: Engine
    ) -> None:
        assert run("import", str(EVERY_FIELD), "--cooperation", "o").exit_code == 0
        result = run(
            "user", "add", "an", "--role", "officer", "--person", "hh-01", "--name", "An Peeters"
        )
        assert result.exit_code == 0, result.output
        added = run("user", "add", "root", "--role", "admin", "--email", "root@pz.example")
        assert added.exit_code == 0, added.output
        listing = run("user", "list")
        assert listing.exit_code == 0
        lines = listing.stdout.splitlines()
        assert re.search(r"an\s+officer\s+person hh-01$", lines[0])
        assert re.search(r"root\s+admin$", lines[1])
        with Session(cli_engine) as session:
            user = session.exec(select(User).where(User.username == "an")).one()
            assert user.display_name == "An Peeters"
            root = session.exec(select(User).where(User.username == "root")).one()
            assert root.email == "root@pz.example"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--role", "planner", "--zone", "XX"], "no zone 'XX'"),
            (["--role", "planner"], "a planner needs at least one zone"),
            (["--role", "officer", "--person", "zz-99"], "no person 'zz-99'"),
            (["--role", "officer"], "an officer must be linked to a person"),
            (["--role", "admin", "--email", "nobody"], "'nobody' is not an e-mail address"),
        ],
    )
    def test_bad_users_are_refused(
        self, database: str, cli_engine: Engine, args: list[str], message: str
    ) -> None:
        assert run("import", str(EVERY_FIELD), "--cooperation", "u").exit_code == 0
        result = run("user", "add", "someone", *args)
        assert result.exit_code == 1
        assert message in result.stderr
        assert count(cli_engine, User) == 0

    def test_an_unknown_role_is_a_usage_error(self, database: str) -> None:
        result = run("user", "add", "someone", "--role", "chief")
        assert result.exit_code == 2
        assert "chief" in result.output

    def test_a_duplicate_user_and_an_unknown_token_exit_1(self, database: str) -> None:
        assert run("user", "add", "root", "--role", "admin").exit_code == 0
        assert "already exists" in run("user", "add", "root", "--role", "admin").stderr
        revoked = run("token", "revoke", "999")
        assert revoked.exit_code == 1
        assert "API token 999 not found" in revoked.stderr


class TestDemo:
    @pytest.mark.slow
    def test_demo_loads_the_same_data_every_run_with_fresh_tokens(
        self, database: str, cli_engine: Engine
    ) -> None:
        first = run("demo", "--no-serve", "--no-plan", "--port", "8123")
        assert first.exit_code == 0, first.output
        first_tokens = dict(TOKEN.findall(first.stdout))
        assert set(first_tokens) == {"admin", "planner-hh", "officer-hh-01"}
        assert "http://127.0.0.1:8123/docs" in first.stdout
        assert re.search(r"curl -H \"Authorization: Bearer pmt_\S+\" \S+/people", first.stdout)

        second = run("demo", "--no-serve", "--no-plan")
        assert second.exit_code == 0, second.output
        second_tokens = dict(TOKEN.findall(second.stdout))
        scenario = demo_scenario()
        with Session(cli_engine) as session:
            cooperation = session.exec(select(Cooperation)).one()
            assert cooperation.slug == "demo"
            usernames = session.exec(select(User.username).order_by(col(User.id))).all()
        assert usernames == ["admin", "planner-hh", "planner-rt", "officer-hh-01"]
        assert count(cli_engine, Person) == len(scenario.people)

        exported = run(
            "export", "--cooperation", "demo",
            "--start", str(scenario.horizon.start), "--end", str(scenario.horizon.end),
        )  # fmt: skip
        assert parse_scenario(json.loads(exported.stdout)) == scenario

        api = f"/api/v1/cooperations/{cooperation.id}"
        with TestClient(create_app(engine=cli_engine)) as client:

            def status(token: str, path: str = "/people") -> int:
                headers = {"Authorization": f"Bearer {token}"}
                code: int = client.get(api + path, headers=headers).status_code
                return code

            assert status(first_tokens["planner-hh"]) == 401  # revoked by the second run
            assert status(second_tokens["planner-hh"]) == 200
            assert status(second_tokens["officer-hh-01"], "") == 200
            officer_export = client.get(
                f"{api}/scenario?start=2026-01-05&end=2026-02-02",
                headers={"Authorization": f"Bearer {second_tokens['officer-hh-01']}"},
            )
            assert officer_export.status_code == 403

    def test_write_scenario_regenerates_the_committed_example(
        self, database: str, cli_engine: Engine, tmp_path: Path
    ) -> None:
        path = tmp_path / "demo-2026.yaml"
        result = run("demo", "--write-scenario", str(path))
        assert result.exit_code == 0, result.output
        assert path.read_text() == (ROOT / "examples" / "demo-2026.yaml").read_text()
        assert "cooperation" not in inspect(cli_engine).get_table_names()  # the database untouched


# --- Real processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def command(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PERMANENCE), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=os.environ | {"PERMANENCE_DATABASE_URL": database_url},
    )


@pytest.mark.slow
def test_the_installed_command_refuses_a_bad_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'real.db'}"
    result = command("import", str(bad_copy(tmp_path)), database_url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert "people[3].zone: unknown zone 'XX'" in result.stderr
    engine = make_engine(url)
    assert count(engine, Cooperation) == 0
    engine.dispose()


@pytest.mark.slow
def test_demo_then_serve_answers_with_the_printed_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    port = free_port()
    demo = command(
        "demo", "--no-serve", "--plan-seconds", "20", "--port", str(port),
        database_url=url, cwd=tmp_path,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    people_request = re.search(
        r'curl -H "Authorization: Bearer (pmt_\S+)" (http://\S+/people)', demo.stdout
    )
    assert people_request is not None, demo.stdout
    token, people_url = people_request.groups()

    server = subprocess.Popen(
        [str(PERMANENCE), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=os.environ | {"PERMANENCE_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        response = httpx.get(people_url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["count"] == len(demo_scenario().people)
        assert {person["code"] for person in body["data"]} >= {"hh-01", "rt-01"}

        # The demo published a rota: the control room sees who is on call.
        headers = {"Authorization": f"Bearer {token}"}
        api = people_url.removesuffix("/people")
        on_call = httpx.get(f"{api}/oncall?at=2026-01-05T08:00", headers=headers, timeout=10)
        roles = {role["role"]: role for role in on_call.json()["roles"]}
        assert len(roles["OVW"]["now"]) == 1

        # serve runs a generation worker too: a queued job gets done.
        job = httpx.post(
            f"{api}/rotas",
            json={"start": "2026-02-02", "end": "2026-03-02", "time_limit": 5},
            headers=headers,
            timeout=10,
        )
        assert job.status_code == 202, job.text
        job_url = f"http://127.0.0.1:{port}{job.json()['url']}"
        deadline = time.monotonic() + 60
        while (state := httpx.get(job_url, headers=headers, timeout=10).json())["status"] in (
            "queued",
            "running",
        ):
            assert time.monotonic() < deadline, state
            time.sleep(0.3)
        assert state["status"] == "succeeded", state
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

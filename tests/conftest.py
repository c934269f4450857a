"""Fixtures shared by every test: real databases, migrated once per run.

Database-backed tests run against ``PERMANENCE_TEST_DATABASE_URL`` (default: a
fresh SQLite file). For a PostgreSQL URL a throw-away database is created on
that server for the run and dropped afterwards, so parallel runs never meet.
Each test runs inside a transaction that is rolled back; services' commits
become savepoints.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import scheduler.models  # noqa: F401  (registers every table)
from scheduler.db import make_engine
from scheduler.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_reachable(url: str) -> str | None:
    """None when PostgreSQL at ``url`` answers, else the reason it does not."""
    try:
        with psycopg.connect(_libpq_url(url), connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]


def missing(reason: str) -> NoReturn:
    """A part the test needs is not on this machine: skip it here, but fail in CI.

    CI installs every such part (PostgreSQL, Chromium, node's ical.js, ...),
    so there a missing part is a broken set-up, never a reason to test less.
    """
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


def require_postgres(url: str) -> None:
    """Skip (outside CI) or fail (in CI) when PostgreSQL is not reachable."""
    reason = _postgres_reachable(url)
    if reason is not None:
        missing(f"PostgreSQL at {url} is not reachable: {reason}")


class ThrowawayPostgres:
    """A fresh database on a PostgreSQL server, dropped on ``drop()``."""

    def __init__(self, server_url: str) -> None:
        self.admin_url = _libpq_url(server_url)
        self.name = f"permanence_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.url = (
            make_url(server_url).set(database=self.name).render_as_string(hide_password=False)
        )

    def drop(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def migrated_database(url: str, tmp_dir: Path) -> Iterator[str]:
    """A migrated database for ``url`` ("sqlite" for a fresh file) that lives while iterated."""
    if url == "sqlite":
        path = tmp_dir / "permanence-test.db"
        sqlite_url = f"sqlite:///{path}"
        upgrade(sqlite_url)
        yield sqlite_url
        return
    require_postgres(url)
    database = ThrowawayPostgres(url)
    try:
        upgrade(database.url)
        yield database.url
    finally:
        database.drop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The migrated database every database-backed test uses."""
    url = os.environ.get("PERMANENCE_TEST_DATABASE_URL", "sqlite")
    yield from migrated_database(url, tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session in a transaction rolled back after the test; commits become savepoints."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="session")
def committed_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second migrated database, for code that opens its own sessions (workers, servers)."""
    url = os.environ.get("PERMANENCE_TEST_DATABASE_URL", "sqlite")
    yield from migrated_database(url, tmp_path_factory.mktemp("committed-db"))


@pytest.fixture
def committed_engine(committed_database_url: str) -> Iterator[Engine]:
    """An engine whose writes really commit; every table is emptied after the test."""
    engine = make_engine(committed_database_url)
    try:
        yield engine
    finally:
        with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL server for tests that must run on PostgreSQL whatever the main database."""
    url = os.environ.get("PERMANENCE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    require_postgres(url)
    return url

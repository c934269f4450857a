"""Migrations build the schema the models describe, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import scheduler.models  # noqa: F401  (registers every table)
from scheduler.db import make_engine
from scheduler.migrate import downgrade, upgrade
from tests.conftest import ThrowawayPostgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    database = ThrowawayPostgres(request.getfixturevalue("postgres_url"))
    try:
        yield database.url
    finally:
        database.drop()


def test_migrated_schema_matches_the_models(empty_database: str) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(
    empty_database: str,
) -> None:
    upgrade(empty_database)
    downgrade(empty_database, "base")
    engine = make_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(empty_database)
    engine = make_engine(empty_database)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()

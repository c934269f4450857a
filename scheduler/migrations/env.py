"""Alembic environment: runs the migrations on the connection or URL it is given."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

import scheduler.models  # noqa: F401  (registers every table)
from scheduler.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


def _render_item(type_: str, item: Any, autogen_context: Any) -> str | Literal[False]:
    # Render SQLModel's string type as plain SQLAlchemy so migrations need no sqlmodel import.
    if type_ == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    if type_ == "type" and isinstance(item, UTCDateTime):
        autogen_context.imports.add("from sqlmodel.sql.sqltypes import UTCDateTime")
        return "UTCDateTime()"
    return False


# APScheduler creates and owns its job store table; migrations neither create nor drop it.
UNMANAGED_TABLES = {"apscheduler_jobs"}


def _include_object(
    item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and name in UNMANAGED_TABLES)


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        include_object=_include_object,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
run_migrations()

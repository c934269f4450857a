"""Fixtures for the periodic jobs: a committed database without APScheduler leftovers,
settings for tests, and a job context on a simulated clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.periodic.registry import JobContext
from scheduler.periodic.runner import APSCHEDULER_TABLE


def make_settings(**overrides: Any) -> Settings:
    fields: dict[str, Any] = {"environment": "development", "smtp_host": None, "webhooks": []}
    return Settings(**(fields | overrides))


def job_context(engine: Engine, now: datetime, **overrides: Any) -> JobContext:
    return JobContext(
        engine=engine, settings=make_settings(**overrides), now=now, clock=lambda: now
    )


@pytest.fixture
def periodic_engine(committed_engine: Engine) -> Iterator[Engine]:
    """``committed_engine``, and APScheduler's own table emptied afterwards too."""
    yield committed_engine
    if inspect(committed_engine).has_table(APSCHEDULER_TABLE):
        with committed_engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {APSCHEDULER_TABLE}"))

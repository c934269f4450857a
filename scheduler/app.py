"""The FastAPI application: routers, problem-detail handlers, and the database engine."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from scheduler import web
from scheduler.api import (
    absences,
    audit,
    cooperations,
    feeds,
    history,
    imports,
    me,
    operations,
    overrides,
    people,
    pins,
    preferences,
    roles,
    rotas,
    scenarios,
    swaps,
    zones,
)
from scheduler.db import get_engine
from scheduler.errors import install_problem_handlers

API_PREFIX = "/api/v1"


def create_app(*, engine: Engine | None = None) -> FastAPI:
    """The app, bound to ``engine`` (the configured database by default)."""
    app = FastAPI(
        title="Permanence",
        summary="Fair shared on-call rotas for police zones",
        version="0.1.0",
    )
    app.state.engine = engine or get_engine()
    install_problem_handlers(app)
    for module in (
        cooperations,
        zones,
        imports,
        people,
        roles,
        absences,
        preferences,
        overrides,
        pins,
        history,
        me,
        audit,
        scenarios,
        rotas,
        feeds,
        swaps,
        operations,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(operations.probes)
    web.install(app)

    return app

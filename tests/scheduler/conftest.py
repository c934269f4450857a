"""HTTP fixtures: the real app over the test's database session, through the ASGI stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.api.deps import get_session
from scheduler.app import create_app


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    app = create_app(engine=engine)

    def test_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[get_session] = test_session
    with TestClient(app) as test_client:
        yield test_client

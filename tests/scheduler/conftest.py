"""HTTP fixtures: the real app over the test's database session, through the ASGI stack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.api.deps import get_session
from scheduler.app import create_app
from scheduler.auth import Actor
from solver.scenario import Scenario


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    app = create_app(engine=engine)

    def test_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[get_session] = test_session
    with TestClient(app) as test_client:
        yield test_client


@dataclass
class Planning:
    """A cooperation imported into a database whose writes commit, with its users."""

    engine: Engine
    cooperation_id: int
    planner_hh: Actor
    planner_rt: Actor
    officer: Actor
    admin: Actor

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


# Five weeks of a weekly OVW role across the change to summer time (29 March 2026).
PLANNING_HORIZON = (date(2026, 3, 2), date(2026, 4, 6))
# The clock the worker sees: before the horizon, so nothing is frozen unless a test says so.
BEFORE_HORIZON = datetime(2026, 1, 1, tzinfo=UTC)


def planning_scenario(**overrides: Any) -> Scenario:
    from tests.solver.conftest import make_person, make_scenario

    fields: dict[str, Any] = {
        "horizon": tuple(day.isoformat() for day in PLANNING_HORIZON),
        "people": [
            make_person(code) for code in ("hh-01", "hh-02", "hh-03", "rt-01", "rt-02", "rt-03")
        ],
        "rules": {"min_rest": "PT11H"},
        "calendar": {"country": "BE", "day_weights": {"saturday": 2, "sunday": 2}},
        "name": "Planning test",
    }
    fields.update(overrides)
    scenario = make_scenario(**fields)
    return scenario.model_copy(
        update={"solver": scenario.solver.model_copy(update={"time_limit": 10, "workers": 2})}
    )


def import_planning(engine: Engine, scenario: Scenario) -> Planning:
    from scheduler.auth import load_actor
    from scheduler.models import Person, Zone
    from scheduler.services.scenarios import import_scenario
    from tests.factories import make_user

    with Session(engine, expire_on_commit=False) as session:
        cooperation = import_scenario(session=session, scenario=scenario)
        assert cooperation.id is not None
        zones = {
            zone.code: zone
            for zone in session.exec(select(Zone).where(Zone.cooperation_id == cooperation.id))
        }
        person = session.exec(
            select(Person).where(Person.cooperation_id == cooperation.id, Person.code == "hh-01")
        ).one()

        def actor(**kwargs: Any) -> Actor:
            return load_actor(session, make_user(session, **kwargs))

        return Planning(
            engine=engine,
            cooperation_id=cooperation.id,
            planner_hh=actor(role="planner", zones=[zones["HH"]]),
            planner_rt=actor(role="planner", zones=[zones["RT"]]),
            officer=actor(role="officer", person=person),
            admin=actor(role="admin"),
        )


@pytest.fixture
def planning(committed_engine: Engine) -> Planning:
    return import_planning(committed_engine, planning_scenario())

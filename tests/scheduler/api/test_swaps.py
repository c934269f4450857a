"""Swap requests over HTTP: the routes, problem details naming the broken rules, who may do
what, and many simultaneous acceptances of one open offer against a real server on
PostgreSQL (exactly one wins, no duty duplicated or lost, the result passes the validator)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.app import create_app
from scheduler.auth import Actor
from scheduler.db import make_engine
from scheduler.models import Person, RotaVersion, SwapRequest, User
from scheduler.services.rotas import generation_scenario
from solver.rota import Rota
from solver.shifts import expand
from solver.split import validate as validate_rota
from tests.conftest import migrated_database
from tests.factories import auth_headers, make_user
from tests.scheduler.conftest import Planning, import_planning, planning_scenario
from tests.scheduler.test_swaps import (
    NOW,
    OVW_9,
    SB_28,
    SwapWorld,
    build_world,
    make_absence_for,
    publish_rota,
)
from tests.solver.conftest import make_person, make_role


@pytest.fixture
def swap_world(committed_engine: Engine) -> Iterator[SwapWorld]:
    yield build_world(committed_engine)


@pytest.fixture
def api(swap_world: SwapWorld) -> Iterator[TestClient]:
    app = create_app(engine=swap_world.engine)
    app.state.clock = lambda: NOW
    with TestClient(app) as client:
        yield client


def headers(world: SwapWorld, actor: Actor) -> dict[str, str]:
    with world.session() as session:
        user = session.get(User, actor.user.id)
        assert user is not None
        return auth_headers(session, user)


def url(world: SwapWorld, path: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation_id}{path}"


class TestSwapRoutes:
    def test_give_away_and_accept(self, api: TestClient, swap_world: SwapWorld) -> None:
        giver = headers(swap_world, swap_world.officers["hh-02"])
        taker = headers(swap_world, swap_world.officers["rt-02"])
        created = api.post(
            url(swap_world, "/swaps"),
            json={"kind": "giveaway", "shift": OVW_9, "target": "rt-02", "message": "family"},
            headers=giver,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["status"] == "open" and body["check"]["valid"] is True
        assert {delta["id"] for delta in body["check"]["fairness"]} >= {"hh-02", "rt-02"}
        listed = api.get(url(swap_world, "/swaps"), headers=taker).json()
        assert [(row["id"], row["relation"]) for row in listed["data"]] == [(body["id"], "to_me")]
        accepted = api.post(url(swap_world, f"/swaps/{body['id']}/accept"), headers=taker)
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["status"] == "applied"
        version = accepted.json()["applied_version_id"]
        duties = api.get(
            url(swap_world, f"/rotas/{version}"), params={"person": "rt-02"}, headers=taker
        ).json()["duties_shown"]
        assert OVW_9 in [duty["shift"] for duty in duties]
        again = api.post(url(swap_world, f"/swaps/{body['id']}/accept"), headers=taker)
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"

    def test_a_refusal_names_every_broken_rule(
        self, api: TestClient, swap_world: SwapWorld
    ) -> None:
        response = api.post(
            url(swap_world, "/swaps"),
            json={"kind": "giveaway", "shift": SB_28, "target": "hh-02"},
            headers=headers(swap_world, swap_world.officers["rt-01"]),
        )
        assert response.status_code == 422
        problem = response.json()
        assert [error["field"] for error in problem["errors"]] == ["weekends"]
        assert "hh-02 would work 3 weekends" in problem["detail"]

    def test_a_check_without_creating(self, api: TestClient, swap_world: SwapWorld) -> None:
        response = api.post(
            url(swap_world, "/swaps/check"),
            params={"taker": "rt-04"},
            json={"kind": "open", "shift": OVW_9},
            headers=headers(swap_world, swap_world.officers["hh-02"]),
        )
        assert response.status_code == 200, response.text
        check = response.json()
        assert check["valid"] is False
        assert [violation["rule"] for violation in check["violations"]] == ["qualification"]
        assert api.get(url(swap_world, "/swaps"), headers=headers(
            swap_world, swap_world.planning.planner_hh
        )).json()["count"] == 0  # fmt: skip

    def test_bad_requests_name_the_field(self, api: TestClient, swap_world: SwapWorld) -> None:
        giver = headers(swap_world, swap_world.officers["hh-02"])
        missing = api.post(
            url(swap_world, "/swaps"), json={"kind": "giveaway", "shift": OVW_9}, headers=giver
        )
        assert missing.status_code == 422
        assert [error["field"] for error in missing.json()["errors"]] == ["target"]
        unknown_kind = api.post(
            url(swap_world, "/swaps"), json={"kind": "steal", "shift": OVW_9}, headers=giver
        )
        assert unknown_kind.status_code == 422
        assert unknown_kind.json()["errors"][0]["field"] == "kind"

    def test_officers_cannot_approve_or_set_the_policy(
        self, api: TestClient, swap_world: SwapWorld
    ) -> None:
        planner = headers(swap_world, swap_world.planning.planner_hh)
        officer = headers(swap_world, swap_world.officers["rt-02"])
        policy = {"approval": "planner", "each_zone": False}
        assert (
            api.put(url(swap_world, "/swap-policy"), json=policy, headers=officer).status_code
            == 403
        )
        assert (
            api.put(url(swap_world, "/swap-policy"), json=policy, headers=planner).status_code
            == 200
        )
        assert api.get(url(swap_world, "/swap-policy"), headers=officer).json() == policy
        created = api.post(
            url(swap_world, "/swaps"),
            json={"kind": "giveaway", "shift": OVW_9, "target": "rt-02"},
            headers=headers(swap_world, swap_world.officers["hh-02"]),
        ).json()
        accepted = api.post(url(swap_world, f"/swaps/{created['id']}/accept"), headers=officer)
        assert accepted.json()["status"] == "accepted"
        refused = api.post(url(swap_world, f"/swaps/{created['id']}/approve"), headers=officer)
        assert refused.status_code == 403
        approved = api.post(url(swap_world, f"/swaps/{created['id']}/approve"), headers=planner)
        assert approved.json()["status"] == "applied"

    def test_accepting_your_own_or_someone_elses_request_is_forbidden(
        self, api: TestClient, swap_world: SwapWorld
    ) -> None:
        giver = headers(swap_world, swap_world.officers["hh-02"])
        created = api.post(
            url(swap_world, "/swaps"),
            json={"kind": "giveaway", "shift": OVW_9, "target": "rt-02"},
            headers=giver,
        ).json()
        own = api.post(url(swap_world, f"/swaps/{created['id']}/accept"), headers=giver)
        assert own.status_code == 403 and "your own request" in own.json()["detail"]
        other = api.post(
            url(swap_world, f"/swaps/{created['id']}/accept"),
            headers=headers(swap_world, swap_world.officers["rt-03"]),
        )
        assert other.status_code == 403

    def test_the_taker_fell_ill_before_apply(self, api: TestClient, swap_world: SwapWorld) -> None:
        swap_world.set_policy("planner")
        created = api.post(
            url(swap_world, "/swaps"),
            json={"kind": "giveaway", "shift": OVW_9, "target": "rt-02"},
            headers=headers(swap_world, swap_world.officers["hh-02"]),
        ).json()
        api.post(
            url(swap_world, f"/swaps/{created['id']}/accept"),
            headers=headers(swap_world, swap_world.officers["rt-02"]),
        )
        make_absence_for(swap_world, "rt-02", datetime(2026, 3, 10), datetime(2026, 3, 12), "sick")
        planner = headers(swap_world, swap_world.planning.planner_hh)
        approved = api.post(url(swap_world, f"/swaps/{created['id']}/approve"), headers=planner)
        assert approved.json()["status"] == "approved"
        applied = api.post(url(swap_world, f"/swaps/{created['id']}/apply"), headers=planner)
        assert applied.status_code == 422
        assert [error["field"] for error in applied.json()["errors"]] == ["absence"]

    def test_planners_filter_requests_of_their_zones(
        self, api: TestClient, swap_world: SwapWorld
    ) -> None:
        api.post(
            url(swap_world, "/swaps"),
            json={"kind": "open", "shift": OVW_9},
            headers=headers(swap_world, swap_world.officers["hh-02"]),
        )
        planner_rt = headers(swap_world, swap_world.planning.planner_rt)
        planner_hh = headers(swap_world, swap_world.planning.planner_hh)
        assert api.get(url(swap_world, "/swaps"), headers=planner_rt).json()["count"] == 0
        mine = api.get(url(swap_world, "/swaps"), params={"kind": "open"}, headers=planner_hh)
        assert mine.json()["count"] == 1
        none = api.get(url(swap_world, "/swaps"), params={"status": "applied"}, headers=planner_hh)
        assert none.json()["count"] == 0

    def test_decline_cancel_and_reject_routes(self, api: TestClient, swap_world: SwapWorld) -> None:
        swap_world.set_policy("planner")
        giver = headers(swap_world, swap_world.officers["hh-02"])
        taker = headers(swap_world, swap_world.officers["rt-02"])
        planner = headers(swap_world, swap_world.planning.planner_rt)
        body = {"kind": "giveaway", "shift": OVW_9, "target": "rt-02"}

        def create() -> int:
            response = api.post(url(swap_world, "/swaps"), json=body, headers=giver)
            assert response.status_code == 201, response.text
            return int(response.json()["id"])

        first = create()
        assert (
            api.post(url(swap_world, f"/swaps/{first}/decline"), headers=giver).status_code == 403
        )
        declined = api.post(url(swap_world, f"/swaps/{first}/decline"), headers=taker)
        assert declined.json()["status"] == "declined"
        second = create()
        cancelled = api.post(url(swap_world, f"/swaps/{second}/cancel"), headers=giver)
        assert cancelled.json()["status"] == "cancelled"
        third = create()
        api.post(url(swap_world, f"/swaps/{third}/accept"), headers=taker)
        rejected = api.post(url(swap_world, f"/swaps/{third}/reject"), headers=planner)
        assert rejected.json()["status"] == "rejected"
        shown = api.get(url(swap_world, f"/swaps/{third}"), headers=giver).json()
        assert (shown["status"], shown["taker"]) == ("rejected", "rt-02")
        outsider = headers(swap_world, swap_world.officers["rt-03"])
        assert api.get(url(swap_world, f"/swaps/{third}"), headers=outsider).status_code == 404

    def test_candidates_route(self, api: TestClient, swap_world: SwapWorld) -> None:
        response = api.get(
            url(swap_world, f"/duties/{OVW_9}/candidates"),
            headers=headers(swap_world, swap_world.planning.planner_rt),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert [row["person"] for row in body["candidates"]] == ["rt-03", "rt-02"]
        assert {row["person"]: row["rule"] for row in body["excluded"]}["rt-04"] == "qualification"


# --- Many simultaneous acceptances against a real server on PostgreSQL ----------------------

TAKERS = 8


def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def postgres_database(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    yield from migrated_database(postgres_url, tmp_path)


@pytest.fixture
def server(postgres_database: str, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "scheduler.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        env=os.environ | {"PERMANENCE_DATABASE_URL": postgres_database},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_many_simultaneous_accepts_of_one_open_offer_have_one_winner(
    postgres_database: str, server: str
) -> None:
    # Duties start in the future as the real server's clock sees them.
    monday = next_monday(date.today() + timedelta(days=30))
    codes = ["hh-01", *(f"rt-{index:02d}" for index in range(1, TAKERS + 1))]
    scenario = planning_scenario(
        horizon=(monday.isoformat(), (monday + timedelta(days=14)).isoformat()),
        people=[make_person(code) for code in codes],
        roles=[make_role("OVW")],
    )
    engine = make_engine(postgres_database)
    try:
        planning: Planning = import_planning(engine, scenario)
        week = f"OVW@{monday.isoformat()}T08:00"
        second = f"OVW@{(monday + timedelta(days=7)).isoformat()}T08:00"
        publish_rota(
            planning,
            [(week, "hh-01"), (second, "rt-01")],
            start=monday,
            end=monday + timedelta(days=14),
        )
        tokens: dict[str, dict[str, str]] = {}
        with Session(engine, expire_on_commit=False) as session:
            for person in session.exec(select(Person)).all():
                user = make_user(session, role="officer", person=person)
                tokens[person.code] = auth_headers(session, user)
        base = f"{server}/api/v1/cooperations/{planning.cooperation_id}"
        offer = httpx.post(
            f"{base}/swaps", json={"kind": "open", "shift": week}, headers=tokens["hh-01"]
        )
        assert offer.status_code == 201, offer.text
        offer_id = offer.json()["id"]

        # rt-01 holds the next week (no rest), so only rt-02 … rt-08 may take it.
        takers = [f"rt-{index:02d}" for index in range(2, TAKERS + 1)]
        barrier = threading.Barrier(len(takers))
        results: dict[str, httpx.Response] = {}

        def accept(code: str) -> None:
            with httpx.Client(timeout=30) as client:
                barrier.wait()
                results[code] = client.post(f"{base}/swaps/{offer_id}/accept", headers=tokens[code])

        threads = [threading.Thread(target=accept, args=(code,)) for code in takers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        statuses = sorted(response.status_code for response in results.values())
        assert statuses == [200] + [409] * (len(takers) - 1), {
            code: response.text for code, response in results.items()
        }
        winner = next(code for code, response in results.items() if response.status_code == 200)
        with Session(engine) as session:
            request = session.get(SwapRequest, offer_id)
            assert request is not None and request.status == "applied"
            versions = session.exec(select(RotaVersion).order_by(col(RotaVersion.id))).all()
            assert [version.status for version in versions] == ["superseded", "published"]
            published = versions[-1]
            rota = Rota.model_validate(published.rota)
            assert sorted((item.shift, item.person) for item in rota.assignments) == sorted(
                [(week, winner), (second, "rt-01")]
            )
            scenario_now = generation_scenario(
                session,
                cooperation_id=planning.cooperation_id,
                start=published.horizon_start,
                end=published.horizon_end,
                now=NOW,
            )
        assert validate_rota(expand(scenario_now), rota.assignments, uncovered_allowed=False) == []
    finally:
        engine.dispose()

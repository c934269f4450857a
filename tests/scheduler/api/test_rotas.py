"""Generation, versions, edits and on-call over HTTP, against a database whose writes commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from scheduler.app import create_app
from scheduler.auth import Actor
from scheduler.models import AuditEvent, User
from scheduler.worker import Worker
from tests.factories import auth_headers
from tests.scheduler.conftest import BEFORE_HORIZON, PLANNING_HORIZON, Planning

START, END = PLANNING_HORIZON


@pytest.fixture
def api(planning: Planning) -> Iterator[TestClient]:
    with TestClient(create_app(engine=planning.engine)) as client:
        yield client


def headers(planning: Planning, actor: Actor) -> dict[str, str]:
    with planning.session() as session:
        user = session.get(User, actor.user.id)
        assert user is not None
        return auth_headers(session, user)


def base(planning: Planning) -> str:
    return f"/api/v1/cooperations/{planning.cooperation_id}"


def generate_and_publish(api: TestClient, planning: Planning) -> int:
    planner = headers(planning, planning.planner_hh)
    response = api.post(
        f"{base(planning)}/rotas",
        json={"start": START.isoformat(), "end": END.isoformat()},
        headers=planner,
    )
    assert response.status_code == 202, response.text
    assert response.headers["Location"] == response.json()["url"]
    Worker(planning.engine, clock=lambda: BEFORE_HORIZON).run_once()
    job = api.get(response.json()["url"], headers=planner).json()
    assert job["status"] == "succeeded", job
    version_id = int(job["result_version_id"])
    published = api.post(f"{base(planning)}/rotas/{version_id}/publish", headers=planner)
    assert published.status_code == 200, published.text
    return version_id


@pytest.mark.slow
class TestGenerationOverHttp:
    def test_planner_generates_reviews_and_publishes(
        self, api: TestClient, planning: Planning
    ) -> None:
        version_id = generate_and_publish(api, planning)
        officer = headers(planning, planning.officer)
        version = api.get(f"{base(planning)}/rotas/{version_id}", headers=officer).json()
        assert version["status"] == "published"
        assert len(version["duties_shown"]) == 5
        only_hh = api.get(
            f"{base(planning)}/rotas/{version_id}", params={"zone": "HH"}, headers=officer
        ).json()
        assert {duty["zone"] for duty in only_hh["duties_shown"]} <= {"HH"}
        fairness = api.get(f"{base(planning)}/rotas/{version_id}/fairness", headers=officer)
        assert set(fairness.json()["OVW"]["zones"]) == {"HH", "RT"}
        with planning.session() as session:
            event = session.exec(select(AuditEvent).where(AuditEvent.action == "publish")).one()
        assert event.actor == planning.planner_hh.user.username

    def test_planner_of_the_other_zone_may_generate_too(
        self, api: TestClient, planning: Planning
    ) -> None:
        response = api.post(
            f"{base(planning)}/rotas",
            json={"start": START.isoformat(), "end": END.isoformat()},
            headers=headers(planning, planning.planner_rt),
        )
        assert response.status_code == 202

    def test_officers_read_but_cannot_generate_publish_or_edit(
        self, api: TestClient, planning: Planning
    ) -> None:
        version_id = generate_and_publish(api, planning)
        officer = headers(planning, planning.officer)
        horizon = {"start": START.isoformat(), "end": END.isoformat()}
        assert api.post(f"{base(planning)}/rotas", json=horizon, headers=officer).status_code == 403
        assert (
            api.post(f"{base(planning)}/rotas/{version_id}/publish", headers=officer).status_code
            == 403
        )
        edit = {"action": "clear", "shift": "OVW@2026-03-02T08:00", "person": "hh-01"}
        response = api.post(
            f"{base(planning)}/rotas/{version_id}/edits", json=edit, headers=officer
        )
        assert response.status_code == 403
        assert api.get(f"{base(planning)}/rotas", headers=officer).json()["count"] == 1

    def test_a_bad_horizon_is_refused_naming_the_field(
        self, api: TestClient, planning: Planning
    ) -> None:
        response = api.post(
            f"{base(planning)}/rotas",
            json={"start": END.isoformat(), "end": START.isoformat()},
            headers=headers(planning, planning.planner_hh),
        )
        assert response.status_code == 422
        assert "end must be after start" in response.json()["detail"]


@pytest.mark.slow
class TestManualEdits:
    def test_an_edit_that_breaks_a_rule_is_refused_with_the_rule_named(
        self, api: TestClient, planning: Planning
    ) -> None:
        version_id = generate_and_publish(api, planning)
        planner = headers(planning, planning.planner_hh)
        duties = api.get(f"{base(planning)}/rotas/{version_id}", headers=planner).json()[
            "duties_shown"
        ]
        # Give the next week to the person on duty this week: they would hold two duties
        # back to back with no rest at the 08:00 handover.
        edit = {"action": "reassign", "shift": duties[1]["shift"], "person": duties[0]["person"]}
        response = api.post(
            f"{base(planning)}/rotas/{version_id}/edits", json=edit, headers=planner
        )
        assert response.status_code == 422, response.text
        assert {problem["field"] for problem in response.json()["errors"]} & {
            "min_rest",
            "max_concurrent",
        }
        still = api.get(f"{base(planning)}/rotas/{version_id}", headers=planner).json()
        assert still["status"] == "published"
        assert still["duties_shown"] == duties

    def test_an_edit_of_the_published_rota_publishes_a_new_version(
        self, api: TestClient, planning: Planning
    ) -> None:
        version_id = generate_and_publish(api, planning)
        planner = headers(planning, planning.planner_hh)
        duties = api.get(f"{base(planning)}/rotas/{version_id}", headers=planner).json()[
            "duties_shown"
        ]
        busy = {duty["person"] for duty in duties[1:4]}
        free = next(
            code
            for code in ("hh-01", "hh-02", "hh-03", "rt-01", "rt-02", "rt-03")
            if code not in busy and code != duties[2]["person"]
        )
        edit = {"action": "pin", "shift": duties[2]["shift"], "person": free}
        response = api.post(
            f"{base(planning)}/rotas/{version_id}/edits", json=edit, headers=planner
        )
        assert response.status_code == 200, response.text
        new_id = response.json()["version"]["id"]
        assert response.json()["version"]["status"] == "published"
        assert (
            api.get(f"{base(planning)}/rotas/{version_id}", headers=planner).json()["status"]
            == "superseded"
        )
        diff = api.get(f"{base(planning)}/rotas/{version_id}/diff/{new_id}", headers=planner)
        assert diff.json()["count"] == 1
        change = diff.json()["changes"][0]
        assert change["shift"] == duties[2]["shift"]
        assert change["before"] == [duties[2]["person"]] and change["after"] == [free]


@pytest.mark.slow
class TestOnCall:
    def test_handover_instant_belongs_to_the_new_duty_across_the_dst_change(
        self, api: TestClient, planning: Planning
    ) -> None:
        version_id = generate_and_publish(api, planning)
        officer = headers(planning, planning.officer)
        duties = api.get(f"{base(planning)}/rotas/{version_id}", headers=officer).json()[
            "duties_shown"
        ]
        spanning_dst, after_dst = duties[3], duties[4]  # 23 → 30 March, 30 March → 6 April
        assert spanning_dst["shift"] == "OVW@2026-03-23T08:00"

        def on_call(at: str) -> dict[str, Any]:
            response = api.get(f"{base(planning)}/oncall", params={"at": at}, headers=officer)
            assert response.status_code == 200
            (role,) = response.json()["roles"]
            return role  # type: ignore[no-any-return]

        just_before = on_call("2026-03-30T07:59:59+02:00")
        assert [duty["person"] for duty in just_before["now"]] == [spanning_dst["person"]]
        assert [duty["shift"] for duty in just_before["next"]] == [after_dst["shift"]]
        at_handover = on_call("2026-03-30T08:00:00+02:00")
        assert [duty["shift"] for duty in at_handover["now"]] == [after_dst["shift"]]
        # Without an offset, the time is local: 08:00 in Brussels is 06:00 UTC in summer.
        assert on_call("2026-03-30T08:00:00")["now"] == at_handover["now"]
        assert on_call("2026-03-30T06:00:00Z")["now"] == at_handover["now"]
        # Winter time: the first week's handover is at 07:00 UTC.
        assert on_call("2026-03-09T06:59:00Z")["now"][0]["shift"] == "OVW@2026-03-02T08:00"

    def test_on_call_answers_promptly_while_a_solve_runs(
        self, api: TestClient, planning: Planning
    ) -> None:
        generate_and_publish(api, planning)
        officer = headers(planning, planning.officer)
        api.post(
            f"{base(planning)}/rotas",
            json={"start": START.isoformat(), "end": END.isoformat(), "time_limit": 30},
            headers=headers(planning, planning.planner_hh),
        )
        runner = Worker(planning.engine, clock=lambda: BEFORE_HORIZON)
        thread = threading.Thread(target=runner.run_once)
        thread.start()
        try:
            latencies = []
            for _ in range(20):
                started = time.perf_counter()
                response = api.get(f"{base(planning)}/oncall", headers=officer)
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200
                time.sleep(0.05)
        finally:
            thread.join(timeout=60)
        # Generous: the point is that the solve runs in another process, not in this one.
        assert max(latencies) < 1.0, latencies


def test_unknown_version_is_404(api: TestClient, planning: Planning) -> None:
    response = api.get(
        f"{base(planning)}/rotas/999999", headers=headers(planning, planning.planner_hh)
    )
    assert response.status_code == 404


def test_outsiders_get_404_for_another_cooperation(api: TestClient, planning: Planning) -> None:
    from tests.factories import make_cooperation, make_user, make_zone

    with planning.session() as session:
        other = make_cooperation(session)
        stranger = make_user(session, role="planner", zones=[make_zone(session, cooperation=other)])
        stranger_headers = auth_headers(session, stranger)
    response = api.get(f"{base(planning)}/oncall", headers=stranger_headers)
    assert response.status_code == 404

"""Absences over HTTP: private to the officer, shared among planners, written per zone."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from scheduler.models import Absence, AuditEvent
from tests.factories import World, auth_headers, make_absence, make_person, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def absences_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/cooperations/{world.cooperation.id}/absences{suffix}"


class TestCreateAbsence:
    def test_dates_are_whole_days_and_come_back_as_dates(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "hh-01", "start": "2026-07-13", "end": "2026-08-03", "reason": "leave"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 201, response.text
        assert response.json()["start"] == "2026-07-13"
        assert response.json()["end"] == "2026-08-03"
        row = session.get(Absence, response.json()["id"])
        assert row is not None and row.whole_days
        assert row.start == datetime(2026, 7, 13)
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "absence")).one()
        assert event.after is not None and event.after["person"] == "hh-01"

    def test_a_local_time_bound_is_kept_as_a_time(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "hh-01", "start": "2026-03-02", "end": "2026-03-02T12:30"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 201, response.text
        assert response.json()["start"] == "2026-03-02T00:00:00"
        assert response.json()["end"] == "2026-03-02T12:30:00"
        row = session.get(Absence, response.json()["id"])
        assert row is not None and not row.whole_days

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"start": "2026-07-13", "end": "2026-07-13"}, "end"),
            ({"start": "2026-07-13T08:00", "end": "2026-07-13T08:00"}, "end"),
            ({"start": "2026-07-13", "end": "2026-07-12T23:59"}, "end"),
            ({"start": "13/07/2026", "end": "2026-07-14"}, "start"),
            ({"start": "2026-07-13T08:00+02:00", "end": "2026-07-14"}, "start"),
        ],
    )
    def test_invalid_bounds_name_the_field(
        self,
        client: TestClient,
        session: Session,
        world: World,
        body: dict[str, str],
        field: str,
    ) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "hh-01"} | body,
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_one_minute_is_enough(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "hh-01", "start": "2026-07-13T08:00", "end": "2026-07-13T08:01"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 201

    def test_unknown_person_names_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "nobody", "start": "2026-07-13", "end": "2026-07-14"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "person", "message": "unknown person 'nobody'"}
        ]

    @pytest.mark.parametrize("who", ["rt_planner", "officer"])
    def test_only_planners_of_the_zone_write(
        self, client: TestClient, session: Session, world: World, who: str
    ) -> None:
        response = client.post(
            absences_url(world),
            json={"person": "hh-01", "start": "2026-07-13", "end": "2026-07-14"},
            headers=auth_headers(session, getattr(world, who)),
        )
        assert response.status_code == 403
        assert session.exec(select(Absence)).all() == []


class TestReadAbsences:
    def test_officer_sees_only_their_own(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        mine = make_absence(session, person=world.officer_person)
        colleague = make_person(session, zone=world.hh, code="hh-02")
        theirs = make_absence(session, person=colleague, reason="sick")
        headers = auth_headers(session, world.officer)
        listed = client.get(absences_url(world), headers=headers).json()
        assert [row["id"] for row in listed["data"]] == [mine.id]
        assert listed["count"] == 1
        assert client.get(absences_url(world, f"/{theirs.id}"), headers=headers).status_code == 403
        assert client.get(absences_url(world, "?person=hh-02"), headers=headers).status_code == 403
        assert client.get(absences_url(world, f"/{mine.id}"), headers=headers).status_code == 200

    def test_planner_of_another_zone_sees_all(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_absence(session, person=world.officer_person)
        make_absence(session, person=make_person(session, zone=world.rt, code="rt-01"))
        response = client.get(absences_url(world), headers=auth_headers(session, world.rt_planner))
        assert response.json()["count"] == 2

    def test_overlap_filter_is_half_open(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        # July 13 → August 3 (exclusive).
        absence = make_absence(session, person=world.officer_person)
        headers = auth_headers(session, world.hh_planner)

        def ids(query: str) -> list[int]:
            response = client.get(absences_url(world, query), headers=headers)
            assert response.status_code == 200, response.text
            return [row["id"] for row in response.json()["data"]]

        assert ids("?from=2026-08-02T23:59") == [absence.id]
        assert ids("?from=2026-08-03") == []
        assert ids("?to=2026-07-13T00:01") == [absence.id]
        assert ids("?to=2026-07-13") == []
        assert ids("?person=hh-01&from=2026-07-01&to=2026-07-20") == [absence.id]

    def test_outsider_gets_404(self, client: TestClient, session: Session, world: World) -> None:
        response = client.get(absences_url(world), headers=auth_headers(session, world.outsider))
        assert response.status_code == 404


class TestChangeAbsence:
    def test_update_to_times_and_audit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        absence = make_absence(session, person=world.officer_person)
        response = client.patch(
            absences_url(world, f"/{absence.id}"),
            json={"end": "2026-07-20T12:00"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 200, response.text
        assert response.json()["start"] == "2026-07-13T00:00:00"
        assert not absence.whole_days
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "absence", AuditEvent.action == "update")
        ).one()
        assert event.before is not None and event.before["end"] == "2026-08-03"
        assert event.after is not None and event.after["end"] == "2026-07-20T12:00:00"

    def test_end_before_kept_start_names_end(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        absence = make_absence(session, person=world.officer_person)
        response = client.patch(
            absences_url(world, f"/{absence.id}"),
            json={"end": "2026-07-01"},
            headers=auth_headers(session, world.hh_planner),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "end"

    def test_planner_of_another_zone_may_not_edit_or_delete(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        absence = make_absence(session, person=world.officer_person)
        headers = auth_headers(session, world.rt_planner)
        url = absences_url(world, f"/{absence.id}")
        assert client.patch(url, json={"reason": "x"}, headers=headers).status_code == 403
        assert client.delete(url, headers=headers).status_code == 403

    def test_delete_and_then_404(self, client: TestClient, session: Session, world: World) -> None:
        absence = make_absence(session, person=world.officer_person)
        headers = auth_headers(session, world.hh_planner)
        url = absences_url(world, f"/{absence.id}")
        assert client.delete(url, headers=headers).status_code == 204
        assert client.get(url, headers=headers).status_code == 404
        event = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "absence", AuditEvent.action == "delete")
        ).one()
        assert event.before is not None and event.before["reason"] == "leave"

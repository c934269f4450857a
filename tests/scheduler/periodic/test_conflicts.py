"""Conflict detection: an absence or a lost qualification over a published duty opens a
cover request with ranked candidates and notifies the person and their zone's planners;
once per conflict, and never for a duty that already started.

The rota is the swap tests' hand-written one (``tests/scheduler/test_swaps.py``).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import NotificationOutbox, SwapDutyLock, SwapRequest
from scheduler.models.planning import AbsenceCreate, PersonUpdate
from scheduler.periodic.jobs import conflicts
from scheduler.periodic.registry import periodic_jobs
from scheduler.periodic.runner import PeriodicRunner
from scheduler.services import candidates, people
from scheduler.services.absences import ABSENCES
from tests.scheduler.conftest import import_planning, planning_scenario
from tests.scheduler.periodic.conftest import job_context, make_settings
from tests.scheduler.test_swaps import NOW, OVW_2, OVW_9, SwapWorld, build_world, publish_rota


def add_absence(world: SwapWorld, code: str, start: date, end: date, reason: str) -> None:
    with world.session() as session:
        ABSENCES.create(
            session=session,
            actor=world.planning.planner_hh,
            cooperation_id=world.cooperation_id,
            body=AbsenceCreate(person=code, start=start, end=end, reason=reason),
        )


def requests(engine: Engine) -> list[SwapRequest]:
    with Session(engine) as session:
        return list(session.exec(select(SwapRequest)).all())


def conflict_events(engine: Engine) -> list[NotificationOutbox]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(NotificationOutbox).where(NotificationOutbox.event == "duty.conflict")
            ).all()
        )


def test_an_absence_over_a_published_duty_opens_a_cover_request_and_notifies(
    committed_engine: Engine,
) -> None:
    world = build_world(committed_engine)
    assert conflicts.run(job_context(world.engine, NOW)) == "0 cover requests opened"
    add_absence(world, "hh-02", date(2026, 3, 10), date(2026, 3, 12), "sick leave")

    assert conflicts.run(job_context(world.engine, NOW)) == "1 cover requests opened"

    (request,) = requests(world.engine)
    holder = world.person("hh-02")
    assert (request.kind, request.status, request.shift) == ("open", "open", OVW_9)
    assert request.requester_id == holder.id and request.target_id is None
    assert request.message is not None and "sick leave" in request.message
    with world.session() as session:
        lock = session.exec(select(SwapDutyLock)).one()
        assert (lock.shift, lock.person_id) == (OVW_9, holder.id)
        ranked = candidates.duty_candidates(
            session=session,
            actor=world.planning.planner_hh,
            cooperation_id=world.cooperation_id,
            shift=OVW_9,
            holder="hh-02",
            now=NOW,
        )
    events = conflict_events(world.engine)
    # The person, and the planner of their zone (HH); not RT's planner.
    assert {(row.recipient_person_id, row.recipient_user_id) for row in events} == {
        (holder.id, None),
        (None, world.planning.planner_hh.user.id),
    }
    payload = events[0].payload
    assert payload["duty"] == OVW_9 and payload["request"] == request.id
    assert payload["start"] == "2026-03-09 08:00"
    assert payload["candidate_codes"] == [item.person for item in ranked.candidates]
    assert payload["candidate_codes"] and "hh-02" not in payload["candidate_codes"]
    assert payload["candidates"][0].startswith(ranked.candidates[0].name)


def test_each_conflict_is_handled_once(committed_engine: Engine) -> None:
    world = build_world(committed_engine)
    add_absence(world, "hh-02", date(2026, 3, 10), date(2026, 3, 12), "sick leave")
    conflicts.run(job_context(world.engine, NOW))
    # Another change in the cooperation makes the job look again: nothing new.
    add_absence(world, "hh-03", date(2026, 6, 1), date(2026, 6, 2), "course")
    assert conflicts.run(job_context(world.engine, NOW)) == "0 cover requests opened"
    assert len(requests(world.engine)) == 1
    assert len(conflict_events(world.engine)) == 2


def test_a_lost_qualification_opens_a_cover_request_for_that_role_only(
    committed_engine: Engine,
) -> None:
    world = build_world(committed_engine)
    holder = world.person("hh-01")
    with world.session() as session:
        people.update_person(
            session=session,
            actor=world.planning.planner_hh,
            cooperation_id=world.cooperation_id,
            person_id=holder.id,  # type: ignore[arg-type]
            person_in=PersonUpdate(qualifications=["SB"]),
        )
    assert conflicts.run(job_context(world.engine, NOW)) == "1 cover requests opened"
    (request,) = requests(world.engine)
    # hh-01 keeps SB on 4 April (still qualified) and loses OVW on 2 March.
    assert (request.shift, request.requester_id) == (OVW_2, holder.id)


def test_a_duty_that_already_started_gets_no_cover_request(committed_engine: Engine) -> None:
    world = build_world(committed_engine)
    add_absence(world, "hh-02", date(2026, 3, 10), date(2026, 3, 12), "sick leave")
    during = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # OVW 9 March started at 08:00
    assert conflicts.run(job_context(world.engine, during)) == "0 cover requests opened"
    assert requests(world.engine) == []


def test_a_duty_already_offered_by_its_holder_is_left_to_that_request(
    committed_engine: Engine,
) -> None:
    world = build_world(committed_engine)
    world.create("hh-02", kind="open", shift=OVW_9)
    add_absence(world, "hh-02", date(2026, 3, 10), date(2026, 3, 12), "sick leave")
    assert conflicts.run(job_context(world.engine, NOW)) == "0 cover requests opened"
    assert len(requests(world.engine)) == 1
    assert conflict_events(world.engine) == []


@pytest.mark.slow
def test_the_running_leader_turns_an_absence_into_a_cover_request_and_a_webhook(
    periodic_engine: Engine,
) -> None:
    """The whole chain on the real clock: absence → detect_conflicts → outbox → webhook."""
    today = datetime.now(UTC).date()
    start = today + timedelta(days=7 - today.weekday() + 7)  # a Monday in one to two weeks
    end = start + timedelta(weeks=4)
    planning = import_planning(
        periodic_engine, planning_scenario(horizon=(start.isoformat(), end.isoformat()))
    )
    holders = ["hh-01", "hh-02", "rt-01", "rt-02"]
    weeks = [f"OVW@{(start + timedelta(weeks=n)).isoformat()}T08:00" for n in range(4)]
    publish_rota(planning, list(zip(weeks, holders, strict=True)), start=start, end=end)
    with planning.session() as session:
        ABSENCES.create(
            session=session,
            actor=planning.planner_hh,
            cooperation_id=planning.cooperation_id,
            body=AbsenceCreate(
                person="hh-02",
                start=start + timedelta(weeks=1, days=2),
                end=start + timedelta(weeks=1, days=3),
                reason="sick leave",
            ),
        )
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = make_settings(
        conflict_check_seconds=1,
        delivery_interval_seconds=1,
        webhooks=[
            {"url": f"http://127.0.0.1:{server.server_address[1]}/", "events": ["duty.conflict"]}
        ],
    )
    wanted = {"detect_conflicts", "deliver_notifications"}
    runner = PeriodicRunner(
        periodic_engine,
        settings=settings,
        name="leader",
        jobs=[job for job in periodic_jobs(settings) if job.id in wanted],
    )
    changed_at = time.monotonic()
    runner.start()
    try:
        while not received:
            assert time.monotonic() - changed_at < 20, "no webhook within 20 s"
            time.sleep(0.1)
    finally:
        runner.stop()
        server.shutdown()
        server.server_close()
    (event,) = received
    assert event["event"] == "duty.conflict" and event["payload"]["duty"] == weeks[1]
    assert {(item["kind"], item["code"]) for item in event["recipients"]} == {
        ("person", "hh-02"),
        ("user", planning.planner_hh.user.username),
    }
    (request,) = requests(periodic_engine)
    assert (request.shift, request.kind, request.status) == (weeks[1], "open", "open")

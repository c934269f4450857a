"""Swap expiry and reminders at 7 days, 2 days and 12 hours before the duty, and duty
reminders for people who opted in, on a simulated clock; each sent once.

The rota is the swap tests' hand-written one (``tests/scheduler/test_swaps.py``):
hh-01 holds OVW from 2 March, hh-02 from 9 March 08:00 (07:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import NotificationOutbox, ReminderOptIn, SwapRequest
from scheduler.periodic.jobs import duty_reminders
from scheduler.periodic.jobs import swaps as swap_job
from tests.scheduler.periodic.conftest import job_context
from tests.scheduler.test_swaps import NOW, OVW_9, SwapWorld, build_world

STARTS = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # OVW 9 March 08:00 CET


@pytest.fixture
def world(committed_engine: Engine) -> SwapWorld:
    return build_world(committed_engine)


def outbox(engine: Engine, event: str) -> list[NotificationOutbox]:
    with Session(engine) as session:
        return list(
            session.exec(select(NotificationOutbox).where(NotificationOutbox.event == event)).all()
        )


def open_request(world: SwapWorld, created_at: datetime) -> int:
    request = world.create("hh-02", kind="open", shift=OVW_9)
    with world.session() as session:
        row = session.get(SwapRequest, request.id)
        assert row is not None
        row.created_at = created_at  # as if asked then (the clock is simulated)
        session.add(row)
        session.commit()
    return request.id


def reminders_before(world: SwapWorld) -> list[int]:
    return [row.payload["before"] for row in outbox(world.engine, "swap.reminder")]


class TestSwapReminders:
    def test_reminders_at_each_offset_once_not_a_moment_early(self, world: SwapWorld) -> None:
        open_request(world, NOW)
        week, two_days = timedelta(days=7), timedelta(days=2)
        for moment, expected in (
            (STARTS - week - timedelta(seconds=1), []),
            (STARTS - week, [604800]),
            (STARTS - week + timedelta(hours=1), [604800]),
            (STARTS - two_days, [604800, 172800]),
            (STARTS - timedelta(hours=12), [604800, 172800, 43200]),
            (STARTS - timedelta(hours=1), [604800, 172800, 43200]),
        ):
            swap_job.run(job_context(world.engine, moment))
            assert reminders_before(world) == expected, moment
        (reminder, *_) = outbox(world.engine, "swap.reminder")
        assert reminder.recipient_person_id == world.person("hh-02").id
        assert reminder.payload["start"] == "2026-03-09 08:00"

    def test_after_a_missed_run_only_the_nearest_reminder_goes(self, world: SwapWorld) -> None:
        open_request(world, NOW)
        swap_job.run(job_context(world.engine, STARTS - timedelta(hours=6)))
        swap_job.run(job_context(world.engine, STARTS - timedelta(hours=5)))
        assert reminders_before(world) == [43200]

    def test_a_request_made_inside_a_window_skips_that_reminder(self, world: SwapWorld) -> None:
        open_request(world, STARTS - timedelta(days=1))
        swap_job.run(job_context(world.engine, STARTS - timedelta(hours=23)))
        assert reminders_before(world) == []
        swap_job.run(job_context(world.engine, STARTS - timedelta(hours=12)))
        assert reminders_before(world) == [43200]

    def test_the_request_expires_when_the_duty_starts(self, world: SwapWorld) -> None:
        request_id = open_request(world, NOW)
        summary = swap_job.run(job_context(world.engine, STARTS - timedelta(seconds=1)))
        assert summary.startswith("0 expired")
        assert swap_job.run(job_context(world.engine, STARTS)).startswith("1 expired")
        with world.session() as session:
            row = session.get(SwapRequest, request_id)
            assert row is not None and row.status == "expired"

    def test_the_offsets_are_configurable(self, world: SwapWorld) -> None:
        open_request(world, NOW)
        context = job_context(
            world.engine, STARTS - timedelta(hours=3), swap_reminder_offsets=["PT3H"]
        )
        swap_job.run(context)
        assert reminders_before(world) == [10800]


class TestDutyReminders:
    def opt_in(self, world: SwapWorld, code: str, hours: int) -> None:
        with world.session() as session:
            session.add(ReminderOptIn(person_id=world.person(code).id, hours_before=hours))  # type: ignore[arg-type]
            session.commit()

    def test_people_who_opted_in_hear_once_with_times_and_handover(self, world: SwapWorld) -> None:
        self.opt_in(world, "hh-02", 24)
        day_before = STARTS - timedelta(hours=24)
        assert duty_reminders.run(job_context(world.engine, day_before - timedelta(seconds=1))) == (
            "0 reminders"
        )
        assert duty_reminders.run(job_context(world.engine, day_before)) == "1 reminders"
        assert duty_reminders.run(job_context(world.engine, day_before + timedelta(hours=1))) == (
            "0 reminders"
        )
        (reminder,) = outbox(world.engine, "duty.reminder")
        holder, previous = world.person("hh-02"), world.person("hh-01")
        assert reminder.recipient_person_id == holder.id
        assert reminder.payload["duty"] == OVW_9
        assert reminder.payload["role"] == "Role OVW"
        assert (reminder.payload["start"], reminder.payload["end"]) == (
            "2026-03-09 08:00",
            "2026-03-16 08:00",
        )
        assert reminder.payload["handover"] == [previous.name]

    def test_people_who_did_not_opt_in_hear_nothing(self, world: SwapWorld) -> None:
        self.opt_in(world, "hh-01", 24)
        assert duty_reminders.run(job_context(world.engine, STARTS - timedelta(hours=2))) == (
            "0 reminders"
        )

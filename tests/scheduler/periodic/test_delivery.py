"""Delivering the outbox to a real local SMTP server (aiosmtpd) and a local HTTP webhook
receiver: content and language, signatures, one webhook per event, retries with backoff
and no duplicates once delivered."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.config import Settings
from scheduler.models import NotificationDelivery, NotificationOutbox, Person, User
from scheduler.periodic.delivery import deliver_due, signature
from scheduler.services import notifications
from tests.factories import make_cooperation, make_person, make_user, make_zone
from tests.scheduler.periodic.conftest import make_settings

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "webhook-secret-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class MailSink:
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[MailSink, int]]:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class Receiver:
    """A webhook receiver answering with ``statuses`` in turn (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = state.statuses.pop(0) if state.statuses else 200
            state.requests.append((dict(self.headers.items()), body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class World:
    engine: Engine
    cooperation_id: int
    officer: Person
    planner: User


@pytest.fixture
def world(committed_engine: Engine) -> World:
    with Session(committed_engine, expire_on_commit=False) as session:
        cooperation = make_cooperation(session, slug="pooled")
        zone = make_zone(session, cooperation=cooperation, code="HH")
        officer = make_person(session, zone=zone, code="hh-01")
        officer.name, officer.email = "An Peeters", "an.peeters@pz-hh.example"
        session.add(officer)
        session.commit()
        user = make_user(session, role="officer", person=officer)
        user.language = "en"
        session.add(user)
        planner = make_user(session, role="planner", zones=[zone], username="planner-hh")
        planner.display_name = "Planner HH"
        session.add(planner)
        session.commit()
        notifications.notify(
            session,
            cooperation_id=cooperation.id,  # type: ignore[arg-type]
            event="duty.conflict",
            people=[officer],
            planner_zones=[zone],
            payload={
                "duty": "OVW@2026-03-09T08:00",
                "start": "2026-03-09 08:00",
                "reason": "hh-01 cannot take OVW Mon 9 Mar 08:00: leave",
                "request": 7,
                "candidates": ["Bert Claes (HH)", "Carla Dumont (RT)"],
            },
        )
        session.commit()
        return World(committed_engine, cooperation.id, officer, planner)  # type: ignore[arg-type]


def settings_for(
    smtp_port: int | None = None, webhook_url: str | None = None, **overrides: Any
) -> Settings:
    fields: dict[str, Any] = {
        "smtp_from": "Permanence <rota@permanence.example>",
        "delivery_backoff_seconds": 30,
    }
    if smtp_port is not None:
        fields |= {"smtp_host": "127.0.0.1", "smtp_port": smtp_port}
    if webhook_url is not None:
        fields["webhooks"] = [{"url": webhook_url, "secret": SECRET}]
    return make_settings(**(fields | overrides))


def outbox(engine: Engine) -> list[NotificationOutbox]:
    with Session(engine) as session:
        return list(session.exec(select(NotificationOutbox)).all())


def deliveries(engine: Engine) -> list[NotificationDelivery]:
    with Session(engine) as session:
        return list(session.exec(select(NotificationDelivery)).all())


class TestEmail:
    def test_the_person_gets_a_mail_in_their_language_with_text_and_html(
        self, world: World, smtp_server: tuple[MailSink, int]
    ) -> None:
        sink, port = smtp_server
        report = deliver_due(world.engine, settings=settings_for(port), now=T)
        # The planner has no e-mail address (no linked person): only the officer's mail.
        assert report.sent == 1
        (mail,) = sink.messages
        assert sink.recipients == [["an.peeters@pz-hh.example"]]
        assert mail["To"] == "an.peeters@pz-hh.example"
        assert mail["From"] == "Permanence <rota@permanence.example>"
        assert mail["Subject"] == "Your duty OVW@2026-03-09T08:00 cannot go ahead"
        assert mail["Content-Language"] == "en"
        assert (
            mail["Message-ID"].startswith("<permanence-")
            and "@permanence.example>" in (mail["Message-ID"])
        )
        text = mail.get_body(preferencelist=("plain",))
        page = mail.get_body(preferencelist=("html",))
        assert text is not None and page is not None
        plain = text.get_content()
        assert plain.startswith("Dear An Peeters,")
        assert "leave" in plain and "number 7" in plain
        assert "Bert Claes (HH), Carla Dumont (RT)" in plain
        html = page.get_content()
        assert '<html lang="en">' in html and "Bert Claes (HH), Carla Dumont (RT)" in html

    def test_without_a_language_the_service_language_is_used(
        self, world: World, smtp_server: tuple[MailSink, int]
    ) -> None:
        with Session(world.engine) as session:
            user = session.exec(select(User).where(User.person_id == world.officer.id)).one()
            user.language = None
            session.add(user)
            session.commit()
        sink, port = smtp_server
        deliver_due(world.engine, settings=settings_for(port, language="nl"), now=T)
        (mail,) = sink.messages
        assert mail["Subject"] == "Je permanentie OVW@2026-03-09T08:00 kan niet doorgaan"
        body = mail.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().startswith("Beste An Peeters,")

    def test_a_planner_whose_username_is_an_address_gets_mail_too(
        self, world: World, smtp_server: tuple[MailSink, int]
    ) -> None:
        with Session(world.engine) as session:
            planner = session.get(User, world.planner.id)
            assert planner is not None
            planner.username = "planning@pz-hh.example"
            session.add(planner)
            session.commit()
        sink, port = smtp_server
        assert deliver_due(world.engine, settings=settings_for(port), now=T).sent == 2
        assert sorted(recipients[0] for recipients in sink.recipients) == [
            "an.peeters@pz-hh.example",
            "planning@pz-hh.example",
        ]
        planner_mail = next(m for m in sink.messages if m["To"] == "planning@pz-hh.example")
        body = planner_mail.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().startswith("Beste Planner HH,")

    def test_a_planner_with_an_email_address_gets_mail_there(
        self, world: World, smtp_server: tuple[MailSink, int]
    ) -> None:
        with Session(world.engine) as session:
            planner = session.get(User, world.planner.id)
            assert planner is not None
            planner.email = "wacht@pz-hh.example"
            session.add(planner)
            session.commit()
        sink, port = smtp_server
        assert deliver_due(world.engine, settings=settings_for(port), now=T).sent == 2
        assert sorted(recipients[0] for recipients in sink.recipients) == [
            "an.peeters@pz-hh.example",
            "wacht@pz-hh.example",
        ]

    def test_a_down_mail_server_is_retried_with_doubling_backoff_then_given_up(
        self, world: World
    ) -> None:
        settings = settings_for(free_port(), delivery_max_attempts=3)
        now = T
        waits = []
        for attempt in range(1, 4):
            report = deliver_due(world.engine, settings=settings, now=now)
            assert report.sent == 0
            (delivery,) = deliveries(world.engine)
            assert delivery.attempts == attempt
            if attempt < 3:
                assert delivery.status == "pending"
                waits.append(delivery.next_attempt_at - now)
                # Not a moment early.
                early = deliver_due(
                    world.engine,
                    settings=settings,
                    now=delivery.next_attempt_at - timedelta(seconds=1),
                )
                assert (early.sent, early.retried, early.failed) == (0, 0, 0)
                now = delivery.next_attempt_at
        assert waits == [timedelta(seconds=30), timedelta(seconds=60)]
        (delivery,) = deliveries(world.engine)
        assert delivery.status == "failed" and "SMTP" in (delivery.last_error or "")
        officer_row = next(row for row in outbox(world.engine) if row.recipient_person_id)
        assert officer_row.sent_at == now and officer_row.last_error

    def test_a_recipient_without_any_channel_is_closed_without_sending(self, world: World) -> None:
        report = deliver_due(world.engine, settings=settings_for(), now=T)
        assert (report.sent, report.retried) == (0, 0)
        assert deliveries(world.engine) == []
        assert all(row.sent_at == T for row in outbox(world.engine))


class TestWebhooks:
    def test_one_signed_json_post_per_event_naming_every_recipient(
        self, world: World, receiver: Receiver
    ) -> None:
        report = deliver_due(world.engine, settings=settings_for(webhook_url=receiver.url), now=T)
        assert report.sent == 1
        ((headers, body, status),) = receiver.requests
        assert status == 200
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Permanence-Event"] == "duty.conflict"
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Permanence-Signature"] == expected == signature(SECRET, body)
        document = json.loads(body)
        assert document["event"] == "duty.conflict"
        assert document["cooperation"] == "pooled"
        assert str(document["id"]) == headers["X-Permanence-Delivery"]
        assert document["payload"]["duty"] == "OVW@2026-03-09T08:00"
        assert document["recipients"] == [
            {"kind": "person", "code": "hh-01"},
            {"kind": "user", "code": "planner-hh"},
        ]
        assert all(row.sent_at == T for row in outbox(world.engine))

    def test_a_webhook_for_another_cooperation_or_event_gets_nothing(
        self, world: World, receiver: Receiver
    ) -> None:
        settings = make_settings(
            webhooks=[
                {"url": receiver.url, "cooperation": "elsewhere"},
                {"url": receiver.url + "/swaps", "events": ["swap.created"]},
            ]
        )
        deliver_due(world.engine, settings=settings, now=T)
        assert receiver.requests == []

    def test_a_failing_receiver_is_retried_with_backoff_and_gets_the_event_once(
        self, world: World, receiver: Receiver, smtp_server: tuple[MailSink, int]
    ) -> None:
        sink, port = smtp_server
        receiver.statuses = [503, 500]
        settings = settings_for(port, webhook_url=receiver.url)
        first = deliver_due(world.engine, settings=settings, now=T)
        assert (first.sent, first.retried) == (1, 1)  # the mail went; the webhook waits
        # 30 s later the second attempt fails again; the wait doubles to 60 s.
        assert (
            deliver_due(world.engine, settings=settings, now=T + timedelta(seconds=29)).retried == 0
        )
        assert (
            deliver_due(world.engine, settings=settings, now=T + timedelta(seconds=30)).retried == 1
        )
        assert deliver_due(world.engine, settings=settings, now=T + timedelta(seconds=89)).sent == 0
        third = deliver_due(world.engine, settings=settings, now=T + timedelta(seconds=90))
        assert third.sent == 1
        # Later runs send nothing again.
        for later in (120, 3600):
            report = deliver_due(world.engine, settings=settings, now=T + timedelta(seconds=later))
            assert (report.sent, report.retried) == (0, 0)
        assert [status for _, _, status in receiver.requests] == [503, 500, 200]
        ids = {headers["X-Permanence-Delivery"] for headers, _, _ in receiver.requests}
        bodies = {body for _, body, _ in receiver.requests}
        assert len(ids) == 1 and len(bodies) == 1  # the same event, byte for byte
        assert len(sink.messages) == 1
        webhook = next(item for item in deliveries(world.engine) if item.channel == "webhook")
        assert (webhook.status, webhook.attempts) == ("sent", 3)
        assert all(row.sent_at is not None for row in outbox(world.engine))

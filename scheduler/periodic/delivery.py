"""Delivering the notification outbox: e-mail over SMTP and signed JSON webhooks.

Each outbox event becomes one ``notification_delivery`` row per channel and
target (the recipient's e-mail address; each configured webhook URL), with a
unique key, so an event is sent to a target as one delivery however often the
job runs. Delivery is at least once: a row is marked sent only after the
server accepted it, so a crash in between sends it again — with the same
``Message-ID`` (e-mail) and ``X-Permanence-Delivery`` id (webhooks), by which
receivers drop repeats. A failure is retried after ``backoff × 2^(attempts−1)``
(capped), up to ``delivery_max_attempts``; then the row is ``failed``.

Webhooks get one delivery per event, not per recipient: the outbox holds one
row per recipient, and the rows of one event (same cooperation, event name
and payload, written within a moment) are sent as one JSON body listing the
recipients. The body is signed: ``X-Permanence-Signature: sha256=<hex HMAC of
the body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler.config import Settings, WebhookTarget
from scheduler.models import (
    Cooperation,
    NotificationDelivery,
    NotificationOutbox,
    Person,
    User,
)
from scheduler.periodic import messages

BATCH = 200
EVENT_SPREAD = timedelta(seconds=2)


@dataclass
class Recipient:
    kind: str  # person | user
    id: int
    code: str
    name: str
    email: str | None
    language: str


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} given up"


class DeliveryError(Exception):
    """A send that failed and may succeed later."""


EmailSender = Callable[[Settings, EmailMessage], None]
WebhookSender = Callable[[Settings, str, bytes, dict[str, str]], None]


def send_email(settings: Settings, message: EmailMessage) -> None:
    """Send ``message`` over the configured SMTP server."""
    if not settings.smtp_host:
        raise DeliveryError("no SMTP server configured")
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"SMTP: {error}") from error


def post_webhook(settings: Settings, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body`` to ``url``; any non-2xx answer is a failure to retry."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.webhook_timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code} from {url}") from error
    except (OSError, urllib.error.URLError) as error:
        raise DeliveryError(f"{url}: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status} from {url}")


def signature(secret: str, body: bytes) -> str:
    """The ``X-Permanence-Signature`` header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(settings: Settings, attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    seconds = settings.delivery_backoff_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.delivery_backoff_max_seconds))


def deliver_due(
    engine: Engine,
    *,
    settings: Settings,
    now: datetime,
    email_sender: EmailSender = send_email,
    webhook_sender: WebhookSender = post_webhook,
) -> DeliveryReport:
    """Plan deliveries for new outbox events, send every due one, close finished events."""
    report = DeliveryReport()
    with Session(engine, expire_on_commit=False) as session:
        _plan(session, settings, now)
        due = session.exec(
            select(NotificationDelivery)
            .where(
                NotificationDelivery.status == "pending",
                col(NotificationDelivery.next_attempt_at) <= now,
            )
            .order_by(col(NotificationDelivery.id))
            .limit(BATCH)
        ).all()
        for delivery in due:
            outbox = session.get(NotificationOutbox, delivery.outbox_id)
            if outbox is None:
                continue
            try:
                _send(session, settings, outbox, delivery, email_sender, webhook_sender)
            except DeliveryError as error:
                delivery.attempts += 1
                delivery.last_error = str(error)[:2000]
                if delivery.attempts >= settings.delivery_max_attempts:
                    delivery.status = "failed"
                    report.failed += 1
                else:
                    delivery.next_attempt_at = now + backoff(settings, delivery.attempts)
                    report.retried += 1
                report.errors.append(str(error))
            else:
                delivery.attempts += 1
                delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
                report.sent += 1
            session.add(delivery)
            # One commit per delivery: a crash later re-sends only the unrecorded one.
            session.commit()
        _close_finished(session, now)
    return report


# --- Planning deliveries -----------------------------------------------------------------------


def _plan(session: Session, settings: Settings, now: datetime) -> None:
    """One delivery row per new event and channel; events with no channel are closed."""
    planned = select(NotificationDelivery.outbox_id)
    new = session.exec(
        select(NotificationOutbox)
        .where(
            col(NotificationOutbox.sent_at).is_(None),
            col(NotificationOutbox.id).not_in(planned),
        )
        .order_by(col(NotificationOutbox.id))
        .limit(BATCH)
    ).all()
    if not new:
        return
    slugs = {
        cooperation.id: cooperation.slug
        for cooperation in session.exec(
            select(Cooperation).where(col(Cooperation.id).in_({row.cooperation_id for row in new}))
        )
    }
    webhook_leaders = _webhook_leaders(session, new)
    for row in new:
        assert row.id is not None
        targets: list[tuple[str, str]] = []
        recipient = recipient_of(session, row, settings)
        if settings.smtp_host and recipient is not None and recipient.email:
            targets.append(("email", recipient.email))
        if row.id in webhook_leaders:
            targets += [
                ("webhook", hook.url)
                for hook in _webhooks_for(settings, slugs.get(row.cooperation_id), row.event)
            ]
        if not targets:
            row.sent_at = now  # nothing to send it to: done
            row.last_error = "no delivery channel for this recipient"
            session.add(row)
            continue
        for channel, target in targets:
            session.add(
                NotificationDelivery(
                    outbox_id=row.id, channel=channel, target=target, next_attempt_at=now
                )
            )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # planned by an overlapping run; its rows are as good


def _event_key(row: NotificationOutbox) -> str:
    return json.dumps(
        [row.cooperation_id, row.event, row.swap_request_id, row.payload],
        sort_keys=True,
        default=str,
    )


def _group(session: Session, row: NotificationOutbox) -> list[NotificationOutbox]:
    """The outbox rows of ``row``'s event (one per recipient), ``row`` included."""
    siblings = session.exec(
        select(NotificationOutbox).where(
            NotificationOutbox.cooperation_id == row.cooperation_id,
            NotificationOutbox.event == row.event,
            # One event's rows are written together (each stamps its own "now").
            col(NotificationOutbox.created_at) >= row.created_at - EVENT_SPREAD,
            col(NotificationOutbox.created_at) <= row.created_at + EVENT_SPREAD,
        )
    ).all()
    key = _event_key(row)
    return [item for item in siblings if _event_key(item) == key] or [row]


def _webhook_leaders(session: Session, rows: Iterable[NotificationOutbox]) -> set[int]:
    """Per event, the id of the first row, which carries the event's webhooks."""
    leaders: set[int] = set()
    for row in rows:
        first = min(item.id or 0 for item in _group(session, row))
        if first == row.id:
            leaders.add(first)
    return leaders


def _webhooks_for(settings: Settings, slug: str | None, event: str) -> list[WebhookTarget]:
    return [
        hook
        for hook in settings.webhooks
        if (hook.cooperation is None or hook.cooperation == slug)
        and (hook.events is None or event in hook.events)
    ]


def recipient_of(session: Session, row: NotificationOutbox, settings: Settings) -> Recipient | None:
    """Who an outbox row is for: name, e-mail address and language."""
    if row.recipient_person_id is not None:
        person = session.get(Person, row.recipient_person_id)
        if person is None or person.id is None:
            return None
        user = session.exec(select(User).where(User.person_id == person.id)).first()
        return Recipient(
            kind="person",
            id=person.id,
            code=person.code,
            name=person.name,
            email=person.email,
            language=(user.language if user and user.language else settings.language),
        )
    if row.recipient_user_id is not None:
        user = session.get(User, row.recipient_user_id)
        if user is None or user.id is None:
            return None
        person = session.get(Person, user.person_id) if user.person_id else None
        # The user's own address, else a linked person's, else a username that is one.
        username_address = user.username if "@" in parseaddr(user.username)[1] else None
        return Recipient(
            kind="user",
            id=user.id,
            code=user.username,
            name=user.display_name or user.username,
            email=user.email or (person.email if person and person.email else username_address),
            language=user.language or settings.language,
        )
    return None


# --- Sending ---------------------------------------------------------------------------------


def _send(
    session: Session,
    settings: Settings,
    outbox: NotificationOutbox,
    delivery: NotificationDelivery,
    email_sender: EmailSender,
    webhook_sender: WebhookSender,
) -> None:
    if delivery.channel == "email":
        recipient = recipient_of(session, outbox, settings)
        if recipient is None:
            raise DeliveryError("the recipient no longer exists")
        email_sender(settings, email_message(settings, outbox, recipient, delivery.target))
        return
    hook = next((item for item in settings.webhooks if item.url == delivery.target), None)
    if hook is None:
        raise DeliveryError(f"webhook {delivery.target} is no longer configured")
    body = webhook_body(session, settings, outbox)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "permanence",
        "X-Permanence-Event": outbox.event,
        "X-Permanence-Delivery": str(outbox.id),
    }
    secret = hook.secret or settings.webhook_secret
    if secret:
        headers["X-Permanence-Signature"] = signature(secret, body)
    webhook_sender(settings, delivery.target, body, headers)


def email_message(
    settings: Settings, outbox: NotificationOutbox, recipient: Recipient, address: str
) -> EmailMessage:
    """The e-mail for one outbox event: plain text and HTML in the recipient's language."""
    subject, text, page = messages.render(
        outbox.event, outbox.payload, language=recipient.language, name=recipient.name
    )
    sender_domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = address
    message["Subject"] = subject
    message["Date"] = format_datetime(outbox.created_at)
    # Stable per event: a repeat after a crash is recognisably the same message.
    message["Message-ID"] = f"<permanence-{outbox.id}@{sender_domain}>"
    message["X-Permanence-Event"] = outbox.event
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    # After the parts exist: making the message multipart moves Content-* headers into them.
    message["Content-Language"] = recipient.language
    return message


def webhook_body(session: Session, settings: Settings, outbox: NotificationOutbox) -> bytes:
    """The JSON of one event (compact, keys sorted, so the bytes and signature are stable)."""
    cooperation = session.get(Cooperation, outbox.cooperation_id)
    recipients = []
    for row in sorted(_group(session, outbox), key=lambda item: item.id or 0):
        recipient = recipient_of(session, row, settings)
        if recipient is not None:
            recipients.append({"kind": recipient.kind, "code": recipient.code})
    document: dict[str, Any] = {
        "id": outbox.id,
        "event": outbox.event,
        "cooperation": cooperation.slug if cooperation else None,
        "created_at": outbox.created_at.isoformat(),
        "recipients": recipients,
        "payload": outbox.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str).encode()


def _close_finished(session: Session, now: datetime) -> None:
    """Mark outbox events sent whose every delivery is sent or given up."""
    open_rows = session.exec(
        select(NotificationOutbox)
        .where(
            col(NotificationOutbox.sent_at).is_(None),
            col(NotificationOutbox.id).in_(select(NotificationDelivery.outbox_id)),
        )
        .limit(BATCH * 5)
    ).all()
    for row in open_rows:
        deliveries = session.exec(
            select(NotificationDelivery).where(NotificationDelivery.outbox_id == row.id)
        ).all()
        if any(item.status == "pending" for item in deliveries):
            continue
        row.sent_at = now
        row.attempts = max((item.attempts for item in deliveries), default=0)
        failed = [item for item in deliveries if item.status == "failed"]
        row.last_error = "; ".join(item.last_error or "" for item in failed)[:2000] or None
        session.add(row)
    session.commit()

"""Calendar feeds: capability tokens, rendering from the published history, and the cache.

A feed is a :class:`FeedToken` row: its kind (person, role, zone or
cooperation), its subject (a person, role or zone code) and a reminder
choice. Its URL carries a random token of 256 bits; only the token's SHA-256
is stored, and the URL is shown once, when the feed is created or rotated.
Rotating gives the feed a new row (the old URL stops working at once);
revoking ends it. Unknown and revoked tokens look the same: 404.

Feeds are rendered from every version ever published (so SEQUENCE and
LAST-MODIFIED are derived, never taken from the clock) and the bytes are kept
in :class:`FeedCache`. A publish marks the cooperation's feeds stale in its
own transaction; the next request re-renders once, and every other request
is a single indexed read.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from calendars.events import Person as FeedPerson
from calendars.events import Snapshot, Staffed, feed_duties
from calendars.feed import FeedKind, render_feed
from calendars.text import phrase
from scheduler import audit
from scheduler.auth import Actor, hash_token
from scheduler.config import get_settings
from scheduler.errors import FieldProblem, Invalid, NotFound
from scheduler.models import (
    Assignment,
    Cooperation,
    FeedToken,
    Person,
    Role,
    RotaVersion,
    Zone,
)
from scheduler.models.feeds import FeedCache
from scheduler.models.types import utcnow
from scheduler.services.common import get_scoped, rows_by_code

FEED_TOKEN_PREFIX = "pmf_"
# How far back a feed reaches; its end is the end of the published horizon.
WINDOW = timedelta(days=30)
# The handover shown on the window's first duty may lie further back.
NEIGHBOUR_MARGIN = timedelta(days=60)
REFRESH = timedelta(hours=1)
MAX_ALARM_MINUTES = 7 * 24 * 60
FEED_PATH = "/api/v1/feeds/{token}.ics"
SUBJECT_MODELS: dict[str, type[Person] | type[Role] | type[Zone]] = {
    "person": Person,
    "role": Role,
    "zone": Zone,
}


class FeedCreate(BaseModel):
    kind: FeedKind
    subject: str | None = Field(
        default=None,
        description="Person code (default: yourself), role code or zone code; "
        "none for a cooperation feed.",
    )
    alarm_minutes: int | None = Field(
        default=None, ge=0, le=MAX_ALARM_MINUTES, description="A reminder this long before."
    )


class FeedRotate(BaseModel):
    alarm_minutes: int | None = Field(default=None, ge=0, le=MAX_ALARM_MINUTES)


class FeedPublic(BaseModel):
    id: int
    cooperation_id: int
    kind: str
    subject: str | None
    alarm_minutes: int | None
    created_at: datetime
    revoked_at: datetime | None


class FeedLinks(FeedPublic):
    """A feed with its URLs: shown once, at creation or rotation (only a hash is kept)."""

    url: str
    webcal_url: str


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime


def to_public(feed: FeedToken) -> FeedPublic:
    return FeedPublic(
        id=feed.id or 0,
        cooperation_id=feed.cooperation_id,
        kind=feed.kind,
        subject=feed.subject,
        alarm_minutes=feed.alarm_minutes,
        created_at=feed.created_at,
        revoked_at=feed.revoked_at,
    )


def feed_links(token: str) -> tuple[str, str]:
    """The https (as configured) and webcal URLs of a feed token."""
    url = get_settings().base_url + FEED_PATH.format(token=token)
    return url, "webcal://" + url.split("://", 1)[1]


# --- Managing feeds --------------------------------------------------------------------------


def _require_owner(
    actor: Actor, session: Session, cooperation_id: int, kind: str, subject: str | None
) -> None:
    """Officers own their person feed; planners the shared (role, zone, cooperation) feeds."""
    actor.require_read(cooperation_id)
    if kind == "person":
        person = session.exec(
            select(Person).where(Person.cooperation_id == cooperation_id, Person.code == subject)
        ).first()
        if not (actor.is_admin or (person is not None and actor.is_person(person.id or 0))):
            raise NotFound(f"no feed of person '{subject}' for you")
    else:
        actor.require_planner(cooperation_id)


def _check_subject(session: Session, cooperation_id: int, kind: str, subject: str | None) -> None:
    if kind == "cooperation":
        if subject is not None:
            raise Invalid(
                "a cooperation feed has no subject",
                fields=[FieldProblem("subject", "must be empty for a cooperation feed")],
            )
        return
    if subject not in rows_by_code(session, SUBJECT_MODELS[kind], cooperation_id):
        raise Invalid(
            f"no {kind} '{subject}' in this cooperation",
            fields=[FieldProblem("subject", f"no {kind} '{subject}' in this cooperation")],
        )


def _new_token(
    session: Session,
    *,
    cooperation_id: int,
    kind: str,
    subject: str | None,
    alarm_minutes: int | None,
    actor: Actor,
) -> tuple[FeedToken, str]:
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    feed = FeedToken(
        cooperation_id=cooperation_id,
        kind=kind,
        subject=subject,
        token_hash=hash_token(token),
        alarm_minutes=alarm_minutes,
        created_by_id=actor.user.id,
    )
    session.add(feed)
    session.flush()
    session.add(FeedCache(feed_token_id=feed.id, cooperation_id=cooperation_id))  # type: ignore[arg-type]
    return feed, token


def _links(feed: FeedToken, token: str) -> FeedLinks:
    url, webcal = feed_links(token)
    return FeedLinks(**to_public(feed).model_dump(), url=url, webcal_url=webcal)


def _snapshot(feed: FeedToken) -> dict[str, object]:
    after = audit.snapshot(feed)
    after.pop("token_hash")
    return after


def create_feed(
    *, session: Session, actor: Actor, cooperation_id: int, feed_in: FeedCreate
) -> FeedLinks:
    """A new feed and its URLs (shown only now). Commits."""
    actor.require_read(cooperation_id)
    subject = feed_in.subject
    if feed_in.kind == "person" and subject is None:
        if actor.person is None or actor.person.cooperation_id != cooperation_id:
            raise Invalid(
                "say whose feed this is",
                fields=[FieldProblem("subject", "required: you are not a person here")],
            )
        subject = actor.person.code
    _require_owner(actor, session, cooperation_id, feed_in.kind, subject)
    _check_subject(session, cooperation_id, feed_in.kind, subject)
    feed, token = _new_token(
        session,
        cooperation_id=cooperation_id,
        kind=feed_in.kind,
        subject=subject,
        alarm_minutes=feed_in.alarm_minutes,
        actor=actor,
    )
    audit.record(
        session,
        actor=actor.user,
        action="create",
        entity="feed",
        entity_id=feed.id,
        cooperation_id=cooperation_id,
        after=_snapshot(feed),
    )
    session.commit()
    return _links(feed, token)


def _owned_feed(session: Session, actor: Actor, cooperation_id: int, feed_id: int) -> FeedToken:
    actor.require_read(cooperation_id)
    feed = get_scoped(session, FeedToken, feed_id, cooperation_id)
    try:
        _require_owner(actor, session, cooperation_id, feed.kind, feed.subject)
    except NotFound:
        raise NotFound(f"feed {feed_id} not found") from None
    if feed.revoked_at is not None:
        raise NotFound(f"feed {feed_id} not found")
    return feed


def rotate_feed(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    feed_id: int,
    rotate: FeedRotate | None = None,
) -> FeedLinks:
    """Replace a feed's URL: the old one stops working, a new feed row takes over. Commits."""
    old = _owned_feed(session, actor, cooperation_id, feed_id)
    old.revoked_at = utcnow()
    session.add(old)
    alarm = old.alarm_minutes
    if rotate is not None and "alarm_minutes" in rotate.model_fields_set:
        alarm = rotate.alarm_minutes
    _drop_cache(session, old)
    feed, token = _new_token(
        session,
        cooperation_id=cooperation_id,
        kind=old.kind,
        subject=old.subject,
        alarm_minutes=alarm,
        actor=actor,
    )
    audit.record(
        session,
        actor=actor.user,
        action="rotate",
        entity="feed",
        entity_id=feed.id,
        cooperation_id=cooperation_id,
        before=_snapshot(old),
        after=_snapshot(feed),
    )
    session.commit()
    return _links(feed, token)


def revoke_feed(*, session: Session, actor: Actor, cooperation_id: int, feed_id: int) -> None:
    """End a feed: its URL answers 404 from now on. Commits."""
    feed = _owned_feed(session, actor, cooperation_id, feed_id)
    before = _snapshot(feed)
    feed.revoked_at = utcnow()
    session.add(feed)
    _drop_cache(session, feed)
    audit.record(
        session,
        actor=actor.user,
        action="revoke",
        entity="feed",
        entity_id=feed.id,
        cooperation_id=cooperation_id,
        before=before,
        after=_snapshot(feed),
    )
    session.commit()


def _drop_cache(session: Session, feed: FeedToken) -> None:
    session.execute(delete(FeedCache).where(col(FeedCache.feed_token_id) == feed.id))
    _recent.pop(feed.token_hash, None)


def list_feeds(*, session: Session, actor: Actor, cooperation_id: int) -> list[FeedToken]:
    """The live feeds the actor manages: their own person feeds, and shared ones for planners."""
    actor.require_read(cooperation_id)
    query = select(FeedToken).where(
        FeedToken.cooperation_id == cooperation_id, col(FeedToken.revoked_at).is_(None)
    )
    feeds = session.exec(query.order_by(col(FeedToken.id))).all()
    mine = actor.person.code if actor.person is not None else None
    manages_shared = actor.is_admin or actor.is_planner
    return [
        feed
        for feed in feeds
        if (feed.kind == "person" and (actor.is_admin or feed.subject == mine))
        or (feed.kind != "person" and manages_shared)
    ]


# --- Serving and the cache -------------------------------------------------------------------


def mark_stale(session: Session, cooperation_id: int) -> None:
    """Mark the cooperation's rendered feeds stale; runs inside the publishing transaction."""
    _recent.clear()
    session.execute(
        update(FeedCache)
        .where(col(FeedCache.cooperation_id) == cooperation_id)
        .values(stale=True, generation=col(FeedCache.generation) + 1)
    )


def window_start(now: datetime) -> date:
    """The first day (UTC) a feed shows: 30 days back, so the bytes change at most daily."""
    return (now.astimezone(UTC) - WINDOW).date()


# The last answers of this process, for a second: a storm of requests for one feed then
# costs no database read at all. A publish, rotation or revocation reaches this process
# at once and every other web process within the second.
RECENT_SECONDS = 1.0
RECENT_LIMIT = 1000
_recent: dict[str, tuple[float, date, RenderedFeed]] = {}


def recent_feed(token: str, *, now: datetime) -> RenderedFeed | None:
    """The feed this process served for ``token`` in the last second, if any."""
    entry = _recent.get(hash_token(token))
    if entry is None or entry[0] < monotonic() or entry[1] != window_start(now):
        return None
    return entry[2]


def _remember(token_hash: str, window: date, feed: RenderedFeed) -> None:
    if len(_recent) >= RECENT_LIMIT:
        _recent.clear()
    _recent[token_hash] = (monotonic() + RECENT_SECONDS, window, feed)


# Only the columns serving needs, built once (no per-request statement building or
# objects): this is what almost every request runs.
_CACHED_FEED = (
    sa_select(
        col(FeedToken.id),
        col(FeedToken.token_hash),
        col(FeedToken.revoked_at),
        col(FeedCache.body),
        col(FeedCache.etag),
        col(FeedCache.last_modified),
        col(FeedCache.window_start),
        col(FeedCache.stale),
    )
    .outerjoin(FeedCache, col(FeedCache.feed_token_id) == col(FeedToken.id))
    .where(col(FeedToken.token_hash) == bindparam("token_hash"))
)


def cached_feed(connection: Connection, *, token: str, now: datetime) -> RenderedFeed | None:
    """The cached feed behind ``token`` if it is fresh, ``None`` if it must be rendered.

    One indexed read on a plain connection (no session, no objects): this is
    what almost every request does. Unknown or revoked tokens raise ``NotFound``.
    """
    hashed = hash_token(token)
    row = connection.execute(_CACHED_FEED, {"token_hash": hashed}).first()
    # Found by hash; compared again in constant time, and revoked looks like unknown.
    if row is None or not hmac.compare_digest(row.token_hash, hashed) or row.revoked_at is not None:
        raise NotFound("no such feed")
    window = window_start(now)
    if row.etag and not row.stale and row.window_start == window:
        feed = RenderedFeed(row.body, row.etag, row.last_modified)
        _remember(hashed, window, feed)
        return feed
    return None


def serve_feed(*, session: Session, token: str, now: datetime | None = None) -> RenderedFeed:
    """The feed behind ``token`` from the cache, rendered first if stale. Unknown → 404."""
    now = now or utcnow()
    cached = recent_feed(token, now=now) or cached_feed(session.connection(), token=token, now=now)
    if cached is not None:
        return cached
    feed = session.exec(select(FeedToken).where(FeedToken.token_hash == hash_token(token))).one()
    return refresh_feed(session, feed, session.get(FeedCache, feed.id), now=now)


def refresh_feed(
    session: Session, feed: FeedToken, cached: FeedCache | None, *, now: datetime
) -> RenderedFeed:
    """Render ``feed`` and store it in the cache unless a publish came in meanwhile. Commits."""
    if cached is None:  # a token made before feeds had cache rows
        cached = FeedCache(feed_token_id=feed.id, cooperation_id=feed.cooperation_id)  # type: ignore[arg-type]
        session.add(cached)
        with contextlib.suppress(IntegrityError):
            session.commit()
        session.rollback()
        cached = session.get(FeedCache, feed.id)
        assert cached is not None
    generation, previous = cached.generation, cached.last_modified
    window = window_start(now)
    body, newest_input = render(session, feed, window)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = _whole_second(newest_input)
    if previous is not None:
        if cached.etag == etag:
            last_modified = previous
        elif last_modified <= previous:
            # New bytes (the window moved, a contact changed): Last-Modified must still advance.
            last_modified = max(_whole_second(now), previous + timedelta(seconds=1))
    # Stored only if no publish bumped the generation while this render read the history;
    # otherwise the row stays stale and the next request renders again.
    stored = session.connection().execute(
        update(FeedCache)
        .where(
            col(FeedCache.feed_token_id) == feed.id,
            col(FeedCache.generation) == generation,
        )
        .values(
            body=body,
            etag=etag,
            last_modified=last_modified,
            window_start=window,
            stale=False,
            rendered_at=now,
        )
    )
    session.commit()
    rendered = RenderedFeed(body, etag, last_modified)
    if stored.rowcount == 1:
        _remember(feed.token_hash, window, rendered)
    return rendered


def refresh_stale_feeds(session: Session, *, now: datetime | None = None) -> int:
    """Re-render every stale cached feed (a periodic job can call this); returns how many."""
    now = now or utcnow()
    rows = session.exec(
        select(FeedToken, FeedCache)
        .join(FeedCache, col(FeedCache.feed_token_id) == col(FeedToken.id))
        .where(col(FeedCache.stale).is_(True), col(FeedToken.revoked_at).is_(None))
    ).all()
    for feed, cached in rows:
        refresh_feed(session, feed, cached, now=now)
    return len(rows)


def _whole_second(moment: datetime) -> datetime:
    # HTTP dates have whole seconds; comparing If-Modified-Since needs the same precision.
    return moment.astimezone(UTC).replace(microsecond=0)


# --- Rendering -------------------------------------------------------------------------------


def render(session: Session, feed: FeedToken, window: date) -> tuple[bytes, datetime]:
    """The feed's bytes for the window starting on ``window``, and its newest input time."""
    cooperation = session.get(Cooperation, feed.cooperation_id)
    assert cooperation is not None
    since = datetime.combine(window, time(0), tzinfo=UTC)
    history = published_history(session, feed, since=since - NEIGHBOUR_MARGIN)
    people = {
        person.code: FeedPerson(name=person.name, phone=person.phone, email=person.email)
        for person in session.exec(
            select(Person).where(Person.cooperation_id == feed.cooperation_id)
        )
    }
    role_names = {
        role.code: role.name
        for role in session.exec(select(Role).where(Role.cooperation_id == feed.cooperation_id))
    }
    kind: FeedKind = feed.kind  # type: ignore[assignment]
    duties = feed_duties(
        history,
        kind=kind,
        subject=feed.subject,
        domain=feed_domain(cooperation),
        people=people,
        role_names=role_names,
        since=since,
    )
    body = render_feed(
        name=feed_name(session, cooperation, feed),
        duties=duties,
        kind=kind,
        timezone=cooperation.timezone,
        language=get_settings().language,
        refresh=REFRESH,
        alarm_minutes=feed.alarm_minutes,
    )
    newest = max([feed.created_at, *(snapshot.published_at for snapshot in history[-1:])])
    return body, newest


def feed_domain(cooperation: Cooperation) -> str:
    """The UID domain: the cooperation within this deployment, so no two cooperations clash."""
    host = urlsplit(get_settings().base_url).hostname or "localhost"
    return f"{cooperation.slug}.{host}"


def feed_name(session: Session, cooperation: Cooperation, feed: FeedToken) -> str:
    language = get_settings().language
    if feed.kind == "cooperation":
        return phrase(language, "cooperation_feed", name=cooperation.name)
    rows = rows_by_code(session, SUBJECT_MODELS[feed.kind], feed.cooperation_id)
    row = rows.get(feed.subject or "")
    name = row.name if row is not None else feed.subject or ""
    return phrase(language, f"{feed.kind}_feed", name=name)


def published_history(session: Session, feed: FeedToken, *, since: datetime) -> list[Snapshot]:
    """Every publish of the cooperation in order, each as the whole published state then.

    Horizons are planned separately; the state after a publish is the latest
    published version of every horizon together (for a shift in two horizons,
    the more recently published one wins). Only duties ending after ``since``
    are read, and for a person or role feed only the roles it can show.
    """
    versions = session.exec(
        select(RotaVersion)
        .where(
            RotaVersion.cooperation_id == feed.cooperation_id,
            col(RotaVersion.published_at).is_not(None),
        )
        .order_by(col(RotaVersion.published_at), col(RotaVersion.id))
    ).all()
    if not versions:
        return []
    query = (
        sa_select(
            col(Assignment.version_id),
            col(Assignment.shift),
            col(Assignment.role),
            col(Assignment.start),
            col(Assignment.end),
            col(Person.code),
            col(Assignment.zone),
        )
        .join(Person, col(Person.id) == col(Assignment.person_id))
        .where(
            col(Assignment.version_id).in_([version.id for version in versions]),
            col(Assignment.end) > since,
        )
    )
    if feed.kind == "role":
        query = query.where(col(Assignment.role) == feed.subject)
    elif feed.kind == "person":
        roles = (
            select(Assignment.role)
            .join(Person, col(Person.id) == col(Assignment.person_id))
            .where(
                Person.cooperation_id == feed.cooperation_id,
                Person.code == feed.subject,
            )
        )
        query = query.where(col(Assignment.role).in_(roles))
    duties: dict[int, dict[str, list[tuple[str, str, datetime, datetime, str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for version_id, shift, role, start, end, code, zone in session.execute(query).all():
        duties[version_id][shift].append((shift, role, start, end, code, zone))
    current: dict[tuple[date, date], dict[str, Staffed]] = {}
    history = []
    for version in versions:
        horizon = (version.horizon_start, version.horizon_end)
        current.pop(horizon, None)
        current[horizon] = {
            shift: Staffed(
                shift=shift,
                role=rows[0][1],
                start=rows[0][2],
                end=rows[0][3],
                people=tuple(sorted((row[4], row[5]) for row in rows)),
            )
            for shift, rows in duties[version.id or 0].items()
        }
        merged: dict[str, Staffed] = {}
        for shifts in current.values():  # oldest publish first, so the newest wins
            merged.update(shifts)
        assert version.published_at is not None
        history.append(Snapshot(published_at=version.published_at, shifts=merged))
    return history

"""Routes for calendar feeds: managing capability URLs, and serving the feeds themselves.

The feed route is what calendar clients poll. It takes no login (the token in
the path is the capability), answers from the cache, and honours
If-None-Match / If-Modified-Since with 304 so a refresh costs almost nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.api.deps import CurrentActor, SessionDep
from scheduler.models.types import utcnow
from scheduler.services import feeds

router = APIRouter(tags=["feeds"])

CACHE_CONTROL = "private, max-age=300"


def feed_clock(request: Request) -> Callable[[], datetime]:
    """What "now" is for a feed's window: ``app.state.feed_clock`` if set (tests and the
    benchmark stand it in a planned month), else the real clock.

    Read from the app's state rather than a dependency: dependencies cost time on the hot path.
    """
    clock: Callable[[], datetime] = getattr(request.app.state, "feed_clock", utcnow)
    return clock


@router.get("/cooperations/{cooperation_id}/feeds")
def list_feeds(
    session: SessionDep, actor: CurrentActor, cooperation_id: int
) -> list[feeds.FeedPublic]:
    """Your live feeds (planners: also the shared ones). URLs are shown only when made."""
    rows = feeds.list_feeds(session=session, actor=actor, cooperation_id=cooperation_id)
    return [feeds.to_public(row) for row in rows]


@router.post(
    "/cooperations/{cooperation_id}/feeds",
    status_code=status.HTTP_201_CREATED,
    description="The answer holds the feed's https and webcal URLs; they are shown only once.",
)
def create_feed(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, feed_in: feeds.FeedCreate
) -> feeds.FeedLinks:
    return feeds.create_feed(
        session=session, actor=actor, cooperation_id=cooperation_id, feed_in=feed_in
    )


@router.post("/cooperations/{cooperation_id}/feeds/{feed_id}/rotate")
def rotate_feed(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    feed_id: int,
    rotate: feeds.FeedRotate | None = None,
) -> feeds.FeedLinks:
    """A new URL for the feed; the old one answers 404 from now on."""
    return feeds.rotate_feed(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        feed_id=feed_id,
        rotate=rotate,
    )


@router.delete(
    "/cooperations/{cooperation_id}/feeds/{feed_id}", status_code=status.HTTP_204_NO_CONTENT
)
def revoke_feed(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, feed_id: int
) -> None:
    feeds.revoke_feed(session=session, actor=actor, cooperation_id=cooperation_id, feed_id=feed_id)


@router.get("/feeds/{token}.ics", response_class=Response)
async def serve_feed(request: Request, token: str) -> Response:
    """The feed as text/calendar; no login: the token is the capability."""
    engine: Engine = request.app.state.engine
    now = feed_clock(request)()
    # The hot path: this process's answer of the last second, else one indexed read on a
    # plain connection (about 0.1 ms on SQLite), cheaper than a hop to a worker thread, so
    # both run on the event loop. Rendering is not cheap: it runs in a worker thread.
    feed = feeds.recent_feed(token, now=now)
    if feed is None:
        with engine.connect() as connection:
            feed = feeds.cached_feed(connection, token=token, now=now)
    if feed is None:
        feed = await run_in_threadpool(_render, engine, token, now)
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
    }
    if _not_modified(request, feed):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="feed.ics"'
    headers["Content-Length"] = str(len(feed.body))
    body = b"" if request.method == "HEAD" else feed.body
    return Response(body, headers=headers, media_type="text/calendar; charset=utf-8")


def _render(engine: Engine, token: str, now: datetime) -> feeds.RenderedFeed:
    with Session(engine, expire_on_commit=False) as session:
        return feeds.serve_feed(session=session, token=token, now=now)


def _not_modified(request: Request, feed: feeds.RenderedFeed) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return feed.last_modified <= since


# Calendar clients probe with HEAD; one documented operation is enough.
router.add_api_route(
    "/feeds/{token}.ics",
    serve_feed,
    methods=["HEAD"],
    response_class=Response,
    include_in_schema=False,
)

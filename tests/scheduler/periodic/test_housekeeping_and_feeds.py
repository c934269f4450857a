"""Housekeeping removes only what is old and finished; the feed jobs re-render stale
feeds soon and every feed nightly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.models import (
    ApiToken,
    FeedCache,
    GenerationJob,
    NotificationOutbox,
    PeriodicMark,
    PeriodicRun,
    User,
)
from scheduler.periodic.jobs import feeds as feed_jobs
from scheduler.periodic.jobs import housekeeping
from scheduler.services import feeds
from tests.scheduler.conftest import Planning
from tests.scheduler.periodic.conftest import job_context
from tests.scheduler.test_swaps import build_world

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=91)  # beyond the default 90 days
RECENT = NOW - timedelta(days=89)


def test_housekeeping_removes_old_finished_rows_and_keeps_the_rest(planning: Planning) -> None:
    with planning.session() as session:
        user_id = session.exec(select(User.id)).first()
        assert user_id is not None
        for name, expires, revoked in (
            ("expired long ago", OLD, None),
            ("revoked long ago", None, OLD),
            ("expired lately", RECENT, None),
            ("active", None, None),
        ):
            session.add(
                ApiToken(
                    user_id=user_id,
                    name=name,
                    prefix="pmt_x",
                    token_hash=name,
                    expires_at=expires,
                    revoked_at=revoked,
                )
            )
        for status, finished in (("succeeded", OLD), ("failed", RECENT), ("queued", None)):
            session.add(
                GenerationJob(
                    cooperation_id=planning.cooperation_id,
                    status=status,
                    horizon_start=date(2026, 1, 1),
                    horizon_end=date(2026, 2, 1),
                    finished_at=finished,
                    created_at=OLD,
                )
            )
        for sent in (OLD, RECENT, None):
            session.add(
                NotificationOutbox(
                    cooperation_id=planning.cooperation_id,
                    event="x",
                    created_at=OLD,
                    sent_at=sent,
                )
            )
        for key, started in (("old", OLD), ("recent", RECENT)):
            session.add(
                PeriodicRun(
                    job_id="x",
                    trigger_key=key,
                    scheduled_for=started,
                    holder="w",
                    started_at=started,
                )
            )
        session.add(PeriodicMark(key="once:old", created_at=OLD))
        session.add(PeriodicMark(key="state:old", value="42", created_at=OLD))
        session.add(PeriodicMark(key="once:recent", created_at=RECENT))
        session.commit()
        tokens_before = set(session.exec(select(ApiToken.name)).all())

    summary = housekeeping.run(job_context(planning.engine, NOW))

    assert summary.startswith("2 api tokens, 1 generation jobs, 1 notifications, 1 run records")
    with planning.session() as session:
        tokens = set(session.exec(select(ApiToken.name)).all())
        assert tokens_before - tokens == {"expired long ago", "revoked long ago"}
        assert sorted(session.exec(select(GenerationJob.status)).all()) == ["failed", "queued"]
        assert len(session.exec(select(NotificationOutbox)).all()) == 2
        assert session.exec(select(PeriodicRun.trigger_key)).all() == ["recent"]
        assert sorted(session.exec(select(PeriodicMark.key)).all()) == [
            "once:recent",
            "state:old",
        ]


def cache(engine: Engine, feed_id: int) -> FeedCache:
    with Session(engine) as session:
        row = session.get(FeedCache, feed_id)
        assert row is not None
        return row


def test_stale_feeds_are_re_rendered_and_every_feed_nightly(committed_engine: Engine) -> None:
    world = build_world(committed_engine)
    with world.session() as session:
        links = feeds.create_feed(
            session=session,
            actor=world.planning.planner_hh,
            cooperation_id=world.cooperation_id,
            feed_in=feeds.FeedCreate(kind="cooperation"),
        )
    assert cache(world.engine, links.id).stale
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert feed_jobs.refresh_stale(job_context(world.engine, now)) == "1 feeds re-rendered"
    rendered = cache(world.engine, links.id)
    assert not rendered.stale and b"BEGIN:VEVENT" in rendered.body
    assert feed_jobs.refresh_stale(job_context(world.engine, now)) == "0 feeds re-rendered"
    # Nightly: the window moves a day, so every feed is rendered again.
    tomorrow = now + timedelta(days=1)
    assert feed_jobs.refresh_all(job_context(world.engine, tomorrow)) == "1 feeds re-rendered"
    again = cache(world.engine, links.id)
    assert not again.stale and again.rendered_at == tomorrow
    assert again.window_start == feeds.window_start(tomorrow) != rendered.window_start

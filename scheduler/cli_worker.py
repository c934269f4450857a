"""The ``permanence worker`` command: generation jobs and the periodic jobs, no web server."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated

import typer

from scheduler.config import get_settings
from scheduler.db import get_engine
from scheduler.migrate import upgrade


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    poll_interval: Annotated[
        float, typer.Option(help="Seconds between looks for queued jobs.")
    ] = 1.0,
    stale_after: Annotated[
        float, typer.Option(help="Seconds without heartbeat before a running job is failed.")
    ] = 60.0,
    periodic: Annotated[
        bool,
        typer.Option(
            "--periodic/--no-periodic",
            help="Also compete for the leader lease and run the periodic jobs when leading.",
        ),
    ] = True,
    json_logs: Annotated[
        bool | None,
        typer.Option(
            "--json-logs/--text-logs",
            help="Log JSON lines (structured) or text; default: PERMANENCE_LOG_JSON (true).",
        ),
    ] = None,
) -> None:
    """Claim and run generation jobs, and (as leader) the periodic jobs, until stopped.

    SIGTERM or Ctrl-C stop cleanly: a running solve is stopped and its job
    re-queued, running periodic jobs finish, and the leader lease is released.
    """
    from datetime import timedelta

    from scheduler.periodic.logs import configure
    from scheduler.periodic.runner import PeriodicRunner
    from scheduler.worker import Worker

    settings = get_settings()
    configure(structured=settings.log_json if json_logs is None else json_logs)
    upgrade(settings.database_url)
    engine = get_engine()
    runner = Worker(engine, poll_interval=poll_interval, stale_after=timedelta(seconds=stale_after))
    # It beats for /readyz in any case; it competes for the lead only with --periodic.
    periodic_runner = PeriodicRunner(engine, settings=settings, name=runner.name, lead=periodic)

    def shutdown(signum: int, frame: FrameType | None) -> None:
        runner.stop()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    periodic_runner.start()
    try:
        runner.run()
    finally:
        periodic_runner.stop()

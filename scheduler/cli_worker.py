"""The ``permanence worker`` command: run generation workers without the web server."""

from __future__ import annotations

import logging
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
) -> None:
    """Claim and run generation jobs until stopped (SIGTERM or Ctrl-C re-queue a running job)."""
    from datetime import timedelta

    from scheduler.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    upgrade(get_settings().database_url)
    runner = Worker(
        get_engine(), poll_interval=poll_interval, stale_after=timedelta(seconds=stale_after)
    )

    def shutdown(signum: int, frame: FrameType | None) -> None:
        runner.stop()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.run()

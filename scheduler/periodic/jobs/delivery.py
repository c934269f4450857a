"""Periodic job: deliver the notification outbox (see ``scheduler.periodic.delivery``)."""

from __future__ import annotations

from scheduler.periodic.delivery import deliver_due
from scheduler.periodic.registry import JobContext


def run(context: JobContext) -> str:
    report = deliver_due(context.engine, settings=context.settings, now=context.now)
    return report.summary()

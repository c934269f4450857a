"""Periodic jobs: the registry, the leader lease, the runner (APScheduler on the leader),
notification delivery, and one module per job under ``jobs/``. See docs/operations.md."""

"""Commands that run or administer the service: serve, demo, import, export, users, tokens."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the service commands to ``app``."""

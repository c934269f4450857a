"""Commands that work on scenario and rota files alone: ``solve`` and ``check``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the file-based solver commands to ``app``."""

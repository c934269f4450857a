"""The ``permanence`` command line: one Typer app; each area registers its commands."""

from __future__ import annotations

import typer

from scheduler import cli_service, cli_solver, cli_worker

app = typer.Typer(
    name="permanence",
    help="Fair shared on-call rotas for police zones.",
    no_args_is_help=True,
    add_completion=False,
)

cli_solver.register(app)
cli_service.register(app)
cli_worker.register(app)

if __name__ == "__main__":
    app()

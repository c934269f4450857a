"""Commands that work on scenario and rota files alone: ``solve`` and ``check``.

``permanence solve SCENARIO [--out ROTA.json] [--time-limit S]`` writes the rota
next to the scenario by default (``plan.yaml`` → ``plan.rota.json``). Exit codes:
0 OPTIMAL/FEASIBLE, 2 INFEASIBLE/UNKNOWN (explanation printed), 1 a bad
scenario (each problem names its field path) or an INVALID one.

``permanence check SCENARIO ROTA.json`` validates a rota against every hard
rule without the solver: exit 0 when valid, 1 otherwise (bad files too).

``permanence import-nrp InstanceN.txt -o scenario.yaml`` turns a Curtois–Qu
benchmark instance into a scenario whose objective is the benchmark's
(``solver.nrp``, docs/nrp.md); exit 1 when the file cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from solver.nrp import NrpFormatError, read_instance, to_scenario
from solver.rota import Rota, dump_rota, load_rota
from solver.scenario import ScenarioError, dump_scenario, load_scenario
from solver.shifts import expand
from solver.solve import solve
from solver.split import check_rota

EXIT_BAD_INPUT = 1
EXIT_NO_ROTA = 2
# How many of the largest person deviations the summary shows per role.
TOP_DEVIATIONS = 3


def default_rota_path(scenario_path: Path) -> Path:
    """``plans/2026.yaml`` → ``plans/2026.rota.json``."""
    return scenario_path.with_name(f"{scenario_path.stem}.rota.json")


def _fail(problems: ScenarioError, source: Path) -> typer.Exit:
    typer.echo(f"{source}: cannot be used:", err=True)
    for path, message in problems.problems:
        typer.echo(f"  {path}: {message}" if path else f"  {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def summary(rota: Rota) -> list[str]:
    """The lines ``solve`` prints: status, tiers, counts, uncovered, top deviations."""
    lines = [
        f"{rota.scenario}: {rota.status} in {rota.solve_seconds:.1f} s",
    ]
    for tier in rota.objective.tiers:
        lines.append(
            f"  {tier.name:<20} {tier.value:>10g}  bound {tier.bound:>10g}  {tier.status}"
            f"  ({tier.seconds:.1f} s)"
        )
    if rota.assignments or rota.status in ("OPTIMAL", "FEASIBLE"):
        lines.append(
            f"  {len(rota.assignments)} duties, {len(rota.uncovered)} uncovered shifts, "
            f"{len(rota.soft_violations)} soft violations"
        )
    for entry in rota.uncovered:
        lines.append(f"  uncovered {entry.shift} (missing {entry.missing})")
    for role_id, fairness in rota.fairness.items():
        zones = ", ".join(
            f"{zone_id} {entry.deviation:+g}" for zone_id, entry in fairness.zones.items()
        )
        largest = sorted(
            fairness.people.items(), key=lambda item: abs(item[1].deviation), reverse=True
        )[:TOP_DEVIATIONS]
        people = ", ".join(f"{person} {entry.deviation:+g}" for person, entry in largest)
        lines.append(f"  {role_id} deviation: zones {zones}; largest {people}")
    lines.extend(f"  - {sentence}" for sentence in rota.explanation)
    return lines


def register(app: typer.Typer) -> None:
    """Add the file-based solver commands to ``app``."""

    @app.command("solve")
    def solve_command(
        scenario_path: Annotated[
            Path, typer.Argument(metavar="SCENARIO", help="Scenario file (.json, .yaml)")
        ],
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Rota file to write (default: SCENARIO.rota.json)"),
        ] = None,
        time_limit: Annotated[
            float | None,
            typer.Option("--time-limit", min=0.1, help="Seconds (default: solver.time_limit)"),
        ] = None,
        ics: Annotated[
            Path | None,
            typer.Option(
                "--ics",
                metavar="DIR",
                help="Also write one iCalendar file per person and per role into DIR",
            ),
        ] = None,
    ) -> None:
        """Plan a scenario file and write the rota."""
        try:
            scenario = load_scenario(scenario_path)
        except ScenarioError as error:
            raise _fail(error, scenario_path) from None
        rota = solve(scenario, time_limit=time_limit)
        target = out or default_rota_path(scenario_path)
        dump_rota(rota, target)
        for line in summary(rota):
            typer.echo(line)
        typer.echo(f"rota written to {target}")
        if ics is not None and rota.assignments:
            from calendars.offline import write_feeds
            from scheduler.config import get_settings

            written = write_feeds(rota, scenario, ics, get_settings().language)
            typer.echo(f"{len(written)} calendar files written to {ics}")
        if rota.status == "INVALID":
            raise typer.Exit(EXIT_BAD_INPUT)
        if rota.status not in ("OPTIMAL", "FEASIBLE"):
            raise typer.Exit(EXIT_NO_ROTA)

    @app.command("check")
    def check_command(
        scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO")],
        rota_path: Annotated[Path, typer.Argument(metavar="ROTA")],
    ) -> None:
        """Validate a rota file against every hard rule of a scenario."""
        try:
            scenario = load_scenario(scenario_path)
        except ScenarioError as error:
            raise _fail(error, scenario_path) from None
        try:
            rota = load_rota(rota_path)
        except ScenarioError as error:
            raise _fail(error, rota_path) from None
        violations = check_rota(expand(scenario), rota)
        for violation in violations:
            typer.echo(f"{violation.rule}: {violation.message}")
        if violations:
            typer.echo(f"{len(violations)} violations")
            raise typer.Exit(EXIT_BAD_INPUT)
        typer.echo(f"{len(rota.assignments)} duties: no hard rule is broken")

    @app.command("import-nrp")
    def import_nrp_command(
        instance_path: Annotated[
            Path, typer.Argument(metavar="INSTANCE", help="Curtois–Qu InstanceN.txt")
        ],
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Scenario file to write (.yaml or .json)")
        ],
        time_limit: Annotated[
            float, typer.Option("--time-limit", min=0.1, help="solver.time_limit to set")
        ] = 60,
        workers: Annotated[int, typer.Option("--workers", min=1, help="CP-SAT workers")] = 8,
    ) -> None:
        """Convert a Curtois–Qu benchmark instance into a scenario file."""
        try:
            text = instance_path.read_text(encoding="ascii")
            instance = read_instance(text, instance_path.stem)
            scenario = to_scenario(instance, time_limit=time_limit, workers=workers)
        except (OSError, UnicodeDecodeError, NrpFormatError, ScenarioError) as error:
            typer.echo(f"{instance_path}: cannot be imported: {error}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        dump_scenario(scenario, out)
        typer.echo(
            f"{instance.name}: {instance.days} days, {len(instance.employees)} people, "
            f"{len(instance.shift_types)} shift types → {out}"
        )

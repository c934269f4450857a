"""``permanence import-nrp``: a Curtois–Qu instance becomes a scenario file that solves."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from scheduler.cli import app
from solver.scenario import load_scenario
from tests.solver.test_nrp import SMALL

runner = CliRunner()


def test_import_writes_a_scenario_with_the_benchmark_objective(tmp_path: Path) -> None:
    source = tmp_path / "Instance0.txt"
    source.write_text(SMALL.replace("\n", "\r\n"), encoding="ascii")
    target = tmp_path / "scenario.yaml"
    result = runner.invoke(app, ["import-nrp", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "7 days, 2 people, 2 shift types" in result.output
    scenario = load_scenario(target)
    assert scenario.objective.combine == [["coverage", "preferences"]]
    assert {person.id for person in scenario.people} == {"A", "B"}


def test_a_file_that_is_not_an_instance_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "broken.txt"
    source.write_text("SECTION_HORIZON\nseven\n", encoding="ascii")
    result = runner.invoke(app, ["import-nrp", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert not (tmp_path / "out.yaml").exists()

"""``permanence solve`` and ``permanence check`` on scenario and rota files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from scheduler.cli import app
from solver.rota import load_rota
from solver.scenario import SolverOptions, dump_scenario
from tests.solver.conftest import make_person, make_scenario

runner = CliRunner()


def write_scenario(folder: Path, name: str = "plan.yaml", **fields: Any) -> Path:
    path = folder / name
    scenario = make_scenario(**fields)
    settings = SolverOptions(time_limit=5, workers=2, seed=1, deterministic=True)
    dump_scenario(scenario.model_copy(update={"solver": settings}), path)
    return path


def test_solve_writes_the_rota_next_to_the_scenario(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    result = runner.invoke(app, ["solve", str(scenario)])
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output
    assert "person_fairness.max" in result.output
    rota = load_rota(tmp_path / "plan.rota.json")
    assert rota.status == "OPTIMAL" and len(rota.assignments) == 4


def test_solve_with_ics_writes_a_calendar_per_person_and_per_role(tmp_path: Path) -> None:
    import icalendar

    scenario = write_scenario(tmp_path)
    folder = tmp_path / "feeds"
    result = runner.invoke(app, ["solve", str(scenario), "--ics", str(folder)])
    assert result.exit_code == 0, result.output
    rota = load_rota(tmp_path / "plan.rota.json")
    people = {duty.person for duty in rota.assignments}
    assert {path.name for path in folder.iterdir()} == {
        *(f"person-{person}.ics" for person in people),
        "role-OVW.ics",
    }
    role_feed = icalendar.Calendar.from_ical((folder / "role-OVW.ics").read_bytes())
    starts = sorted(event.decoded("dtstart") for event in role_feed.walk("VEVENT"))
    assert starts == sorted(duty.start for duty in rota.assignments)


def test_solve_honours_out_and_check_accepts_the_rota(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    out = tmp_path / "elsewhere.json"
    assert runner.invoke(app, ["solve", str(scenario), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["check", str(scenario), str(out)])
    assert result.exit_code == 0, result.output
    assert "no hard rule is broken" in result.output


def test_check_reports_each_violation(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    out = tmp_path / "rota.json"
    runner.invoke(app, ["solve", str(scenario), "--out", str(out)])
    data = json.loads(out.read_text())
    data["assignments"][1]["person"] = data["assignments"][0]["person"]
    data["assignments"][1]["zone"] = data["assignments"][0]["zone"]
    data["assignments"].pop()
    out.write_text(json.dumps(data))
    restful = write_scenario(tmp_path, "rest.yaml", rules={"min_rest": "PT11H"}, priorities=[])
    result = runner.invoke(app, ["check", str(restful), str(out)])
    assert result.exit_code == 1
    assert "min_rest:" in result.output
    assert "staffing:" in result.output


def test_infeasible_scenario_exits_2_with_the_explanation(tmp_path: Path) -> None:
    pin = {"shift": "OVW@2026-03-09T08:00", "person": "rt-02"}
    absence = {"person": "rt-02", "start": "2026-03-10", "end": "2026-03-12"}
    scenario = write_scenario(tmp_path, fixed=[pin], absences=[absence])
    result = runner.invoke(app, ["solve", str(scenario)])
    assert result.exit_code == 2
    assert "INFEASIBLE" in result.output
    assert "rt-02" in result.output and "OVW 2026-03-09 08:00" in result.output


def test_bad_scenario_exits_1_naming_the_field(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    data = yaml.safe_load(scenario.read_text())
    data["people"][3]["zone"] = "XX"
    scenario.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["solve", str(scenario)])
    assert result.exit_code == 1
    assert "people[3].zone: unknown zone 'XX'" in result.output


def test_check_refuses_a_missing_rota_file(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    result = runner.invoke(app, ["check", str(scenario), str(tmp_path / "missing.json")])
    assert result.exit_code == 1
    assert "cannot read" in result.output


@pytest.mark.slow
def test_the_installed_command_solves_a_file(tmp_path: Path) -> None:
    people = [make_person(person) for person in ("hh-01", "hh-02", "rt-01", "rt-02")]
    scenario = write_scenario(tmp_path, "plan.json", people=people)
    command = Path(sys.executable).with_name("permanence")
    completed = subprocess.run(
        [str(command), "solve", str(scenario), "--time-limit", "5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "plan.rota.json").exists()


@pytest.mark.slow
def test_the_demo_year_file_solves_to_a_rota_that_check_accepts(tmp_path: Path) -> None:
    demo = Path(__file__).parents[2] / "examples" / "demo-2026.yaml"
    out = tmp_path / "demo.rota.json"
    solved = runner.invoke(app, ["solve", str(demo), "--out", str(out), "--time-limit", "15"])
    assert solved.exit_code == 0, solved.output
    rota = load_rota(out)
    assert rota.status in ("OPTIMAL", "FEASIBLE")
    assert rota.uncovered == []
    checked = runner.invoke(app, ["check", str(demo), str(out)])
    assert checked.exit_code == 0, checked.output
    assert f"{len(rota.assignments)} duties: no hard rule is broken" in checked.output

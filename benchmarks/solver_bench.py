"""Solver benchmark: how long the demo scenarios take to build and solve, and how good
the rotas are.

Run from the repository root:

    .venv/bin/python benchmarks/solver_bench.py                 # every case, table on stdout
    .venv/bin/python benchmarks/solver_bench.py --cases quarter replan --time-limit 30
    .venv/bin/python benchmarks/solver_bench.py --write docs/benchmarks.md --date 2026-11-27

Each case runs in its own subprocess, so its peak memory (``ru_maxrss``) is its
own. A case builds the model once on its own to time the build (expansion,
eligibility, fairness targets and CP-SAT model construction, as ``solve`` does
before its search), then calls ``solver.solve.solve`` and checks the rota with
the independent validator. Cases:

- ``year``: the two-zone demo year (``examples/demo-2026.yaml``); it is also
  the 2-zone point of the scaling series;
- ``quarter``: its first quarter (``examples/demo-2026-q1.yaml``);
- ``replan``: the year solved, then an officer holding OVW duties in June falls
  ill for two weeks from the Monday of their first June duty; the year is
  re-planned with the first rota as ``previous``. Reports the changed duties
  and those that lie outside the two weeks of illness;
- ``zones-N``: N zones sharing the three roles for the year (``zones-2`` is
  the same scenario as ``year``, so it is not run by default).

``--write FILE --section NAME`` replaces the text between the
``<!-- bench:NAME:start -->`` and ``<!-- bench:NAME:end -->`` markers of a
markdown file (appending them if missing), so hand-written notes around the
tables survive a re-run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solver.demo import demo_scenario  # noqa: E402
from solver.eligibility import Eligibility  # noqa: E402
from solver.fairness import fairness_targets  # noqa: E402
from solver.model import build_model  # noqa: E402
from solver.rota import Rota  # noqa: E402
from solver.scenario import Absence, Scenario, ShiftPerson  # noqa: E402
from solver.shifts import ExpandedScenario, expand  # noqa: E402
from solver.solve import Progress, solve  # noqa: E402
from solver.validate import check_rota  # noqa: E402

DEFAULT_CASES = ("year", "quarter", "replan", "zones-4", "zones-8", "zones-16")
KNOWN_CASES = (*DEFAULT_CASES, "zones-2")
QUARTER_END = date(2026, 4, 6)
ILLNESS = timedelta(days=14)

TIER_ABBREVIATIONS = {
    "coverage": "cov",
    "stability": "stab",
    "zone_fairness": "zone",
    "person_fairness.max": "p.max",
    "person_fairness.sum": "p.sum",
    "preferences": "pref",
    "feasibility": "feas",
}

TARGETS = (
    ("year", "demo year: every tier optimal in ≤ 30 s"),
    ("quarter", "quarter: solved in ≤ 5 s"),
    ("build", "model build ≤ 2 s (every case)"),
    ("replan", "re-plan after two weeks of illness: ≤ 10 s"),
    ("zones-16", "16 zones: a feasible rota in ≤ 120 s"),
)


@dataclass
class CaseResult:
    case: str
    shifts: int = 0
    people: int = 0
    variables: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    first_solution_seconds: float | None = None
    status: str = "ERROR"
    tiers: list[dict[str, Any]] = field(default_factory=list)
    uncovered: int = 0
    violations: int = 0
    changed: int | None = None
    changed_outside: list[str] = field(default_factory=list)
    replan_note: str = ""
    peak_mib: float = 0.0
    # The machine's 1-minute load average when the case started and ended.
    load: tuple[float, float] = (0.0, 0.0)
    error: str = ""


# --- One case, in the child process ----------------------------------------------------------


def scenario_for(case: str) -> Scenario:
    if case in ("year", "replan"):
        return demo_scenario()
    if case == "quarter":
        return demo_scenario(horizon_end=QUARTER_END)
    if case.startswith("zones-"):
        return demo_scenario(zones=int(case.removeprefix("zones-")))
    raise ValueError(f"unknown case '{case}'; known: {', '.join(KNOWN_CASES)}")


def with_workers(scenario: Scenario, workers: int | None) -> Scenario:
    if workers is None:
        return scenario
    options = scenario.solver.model_copy(update={"workers": workers})
    return scenario.model_copy(update={"solver": options})


def time_build(scenario: Scenario) -> tuple[float, int, ExpandedScenario]:
    """Seconds to preprocess and build the CP-SAT model as ``solve`` does, and its variables."""
    started = time.perf_counter()
    expanded = expand(scenario)
    eligibility = Eligibility(expanded)
    targets = fairness_targets(expanded, eligibility)
    plan = build_model(expanded, eligibility=eligibility, targets=targets)
    seconds = time.perf_counter() - started
    return seconds, len(plan.model.proto.variables), expanded


def timed_solve(scenario: Scenario, time_limit: float | None) -> tuple[Rota, float | None]:
    """The rota and the seconds until the first solution was found."""
    first: list[float] = []

    def progress(report: Progress) -> None:
        if report.objective is not None and not first:
            first.append(report.elapsed)

    rota = solve(scenario, time_limit=time_limit, progress=progress)
    return rota, (first[0] if first else None)


def record(result: CaseResult, expanded: ExpandedScenario, rota: Rota) -> None:
    result.status = rota.status
    result.solve_seconds = rota.solve_seconds
    result.tiers = [tier.model_dump() for tier in rota.objective.tiers]
    result.uncovered = len(rota.uncovered)
    result.violations = len(check_rota(expanded, rota)) if rota.assignments else 0


def run_case(case: str, time_limit: float | None, workers: int | None) -> CaseResult:
    result = CaseResult(case=case)
    scenario = with_workers(scenario_for(case), workers)
    illness: Absence | None = None
    if case == "replan":
        first_rota, _ = timed_solve(scenario, time_limit)
        if not first_rota.assignments:
            result.error = f"the first plan is {first_rota.status}; nothing to re-plan"
            return result
        scenario, illness = fall_ill(scenario, first_rota)
        result.replan_note = (
            f"{illness.person} ill {illness.start} → {illness.end} "
            f"(first plan {first_rota.solve_seconds:.1f} s)"
        )
    result.build_seconds, result.variables, expanded = time_build(scenario)
    result.shifts = len(expanded.shifts)
    result.people = len(scenario.people)
    rota, result.first_solution_seconds = timed_solve(scenario, time_limit)
    record(result, expanded, rota)
    if illness is not None:
        changed = changed_duties(scenario.previous, rota)
        result.changed = len(changed)
        result.changed_outside = outside_illness(expanded, changed, illness)
    return result


def fall_ill(scenario: Scenario, rota: Rota) -> tuple[Scenario, Absence]:
    """The scenario re-planned after an OVW holder with June duties falls ill for two weeks.

    The illness starts on the Monday of the first June OVW duty of the first such
    officer (by person id); the first rota becomes ``previous``.
    """
    june = sorted(
        (assignment.person, assignment.start)
        for assignment in rota.assignments
        if assignment.role == "OVW" and assignment.start.month == 6
    )
    person, start = june[0]
    first_day = start.date()
    illness = Absence(person=person, start=first_day, end=first_day + ILLNESS, reason="sick")
    previous = [
        ShiftPerson(shift=assignment.shift, person=assignment.person)
        for assignment in rota.assignments
    ]
    replanned = scenario.model_copy(
        update={"absences": [*scenario.absences, illness], "previous": previous}
    )
    return replanned, illness


def changed_duties(previous: list[ShiftPerson], rota: Rota) -> list[tuple[str, str]]:
    """Duties of the previous rota that the new one no longer has."""
    kept = {(assignment.shift, assignment.person) for assignment in rota.assignments}
    return sorted(
        (pin.shift, pin.person) for pin in previous if (pin.shift, pin.person) not in kept
    )


def outside_illness(
    expanded: ExpandedScenario, changed: list[tuple[str, str]], illness: Absence
) -> list[str]:
    scenario = expanded.scenario
    start, end = scenario.instant(illness.start), scenario.instant(illness.end)
    return [
        f"{shift_id} ({person})"
        for shift_id, person in changed
        if not expanded.by_id[shift_id].overlaps(start, end)
    ]


def child_main(case: str, time_limit: float | None, workers: int | None) -> None:
    load_before = os.getloadavg()[0]
    try:
        result = run_case(case, time_limit, workers)
    except Exception as error:  # the parent reports it as the case's result
        result = CaseResult(case=case, error=f"{type(error).__name__}: {error}")
    # Linux reports ru_maxrss in KiB.
    result.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.load = (load_before, os.getloadavg()[0])
    print(json.dumps(asdict(result)))


# --- The parent: run cases, print and write the table ----------------------------------------


def run_in_child(case: str, time_limit: float | None, workers: int | None) -> CaseResult:
    command = [sys.executable, str(Path(__file__).resolve()), "--run-case", case]
    if time_limit is not None:
        command += ["--time-limit", str(time_limit)]
    if workers is not None:
        command += ["--workers", str(workers)]
    # Re-plan solves twice; leave room for the model build and the validator.
    allowed = 3 * (time_limit or 120) + 300
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=allowed, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return CaseResult(case=case, error=f"killed after {allowed:.0f} s")
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        return CaseResult(case=case, error=f"exit {completed.returncode}: {tail[0]}")
    data = json.loads(lines[-1])
    data["load"] = tuple(data["load"])
    return CaseResult(**data)


def tiers_text(tiers: list[dict[str, Any]]) -> str:
    """``zone 167 · p.max 1210/1161`` — a value alone when optimal, else value/bound."""
    parts = []
    for tier in tiers:
        name = TIER_ABBREVIATIONS.get(tier["name"], tier["name"])
        value, bound = round(tier["value"]), round(tier["bound"])
        parts.append(
            f"{name} {value}" if tier["status"] == "OPTIMAL" else f"{name} {value}/{bound}"
        )
    return " · ".join(parts)


def seconds_text(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.1f}"


COLUMNS = (
    "scenario",
    "shifts",
    "people",
    "variables",
    "build s",
    "first sol. s",
    "solve s",
    "status",
    "tiers (value, or value/bound when not optimal)",
    "changed duties",
    "peak MiB",
    "load avg",
    "validator",
)


def table_rows(results: list[CaseResult]) -> list[list[str]]:
    rows = []
    for result in results:
        if result.error:
            rows.append([result.case, *[""] * 6, "ERROR", result.error, "", "", "", ""])
            continue
        changed = ""
        if result.changed is not None:
            changed = f"{result.changed} ({len(result.changed_outside)} outside the 2 weeks)"
        validator = "OK" if result.violations == 0 else f"{result.violations} violations"
        if result.uncovered:
            validator += f", {result.uncovered} uncovered"
        rows.append(
            [
                result.case,
                str(result.shifts),
                str(result.people),
                str(result.variables),
                f"{result.build_seconds:.2f}",
                seconds_text(result.first_solution_seconds),
                f"{result.solve_seconds:.1f}",
                result.status,
                tiers_text(result.tiers),
                changed,
                f"{result.peak_mib:.0f}",
                f"{result.load[0]:.1f}→{result.load[1]:.1f}",
                validator,
            ]
        )
    return rows


def target_lines(results: list[CaseResult]) -> list[str]:
    by_case = {result.case: result for result in results if not result.error}
    lines = []
    for key, text in TARGETS:
        verdict = "not run"
        if key == "build" and by_case:
            slowest = max(by_case.values(), key=lambda result: result.build_seconds)
            met = slowest.build_seconds <= 2
            measured = f"slowest {slowest.case} {slowest.build_seconds:.2f} s"
            verdict = f"{'met' if met else 'MISSED'} ({measured})"
        elif key in by_case:
            result = by_case[key]
            if key == "year":
                met = result.status == "OPTIMAL" and result.solve_seconds <= 30
                measured = f"{result.status} in {result.solve_seconds:.1f} s"
            elif key == "zones-16":
                first = result.first_solution_seconds
                met = (
                    result.status in ("OPTIMAL", "FEASIBLE") and first is not None and first <= 120
                )
                measured = f"first solution {seconds_text(first)} s, {result.status}"
            else:
                limit = 5 if key == "quarter" else 10
                met = result.status in ("OPTIMAL", "FEASIBLE") and result.solve_seconds <= limit
                measured = f"{result.status} in {result.solve_seconds:.1f} s"
            verdict = f"{'met' if met else 'MISSED'} ({measured})"
        lines.append(f"- {text}: {verdict}")
    return lines


def machine_lines(
    run_date: str, workers: int | None, time_limit: float | None, code: str | None
) -> list[str]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], capture_output=True, text=True, cwd=ROOT, check=False
        ).stdout.strip()

    if code is None:
        code = git("rev-parse", "--short", "HEAD") or "unknown"
        if git("status", "--porcelain", "--", "solver"):
            code += " with uncommitted changes in solver/"
    return [
        f"- date: {run_date}",
        f"- machine: {cores} cores (nproc), CPU {model}, {platform.system()} {platform.machine()}",
        f"- Python {platform.python_version()}, OR-Tools {version('ortools')}",
        f"- code: {code}",
        f"- CP-SAT workers: {workers if workers is not None else 'the scenario’s (8)'}",
        f"- time limit per solve: {f'{time_limit} s' if time_limit else 'the scenario’s (60 s)'}",
    ]


def markdown(
    results: list[CaseResult],
    run_date: str,
    workers: int | None,
    time_limit: float | None,
    code: str | None,
) -> str:
    lines = [
        "#### Machine",
        "",
        *machine_lines(run_date, workers, time_limit, code),
        "",
        "#### Results",
        "",
    ]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    lines.extend("| " + " | ".join(row) + " |" for row in table_rows(results))
    lines += ["", "#### Targets", "", *target_lines(results)]
    for result in results:
        if result.case == "replan" and not result.error:
            lines += ["", f"Re-plan: {result.replan_note}."]
            if result.changed_outside:
                lines.append(
                    "Changed duties outside the two weeks of illness: "
                    + ", ".join(result.changed_outside)
                    + "."
                )
    return "\n".join(lines) + "\n"


def plain_table(results: list[CaseResult]) -> str:
    rows = [list(COLUMNS), *table_rows(results)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    )


def write_section(path: Path, name: str, section: str) -> None:
    start_marker, end_marker = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start_marker}\n{section}{end_marker}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Solver benchmarks\n\n"
    if start_marker in text and end_marker in text:
        before, rest = text.split(start_marker, 1)
        after = rest.split(end_marker, 1)[1].removeprefix("\n")
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--cases", nargs="+", choices=KNOWN_CASES, default=list(DEFAULT_CASES))
    parser.add_argument("--time-limit", type=float, help="seconds per solve (default: scenario's)")
    parser.add_argument("--workers", type=int, help="CP-SAT workers (default: scenario's)")
    parser.add_argument("--write", type=Path, help="markdown file to put the table in")
    parser.add_argument("--section", default="default", help="which table of that file")
    parser.add_argument("--date", help="date to record (default: today)")
    parser.add_argument("--code", help="code version to record (default: git commit)")
    parser.add_argument("--run-case", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.run_case:
        child_main(arguments.run_case, arguments.time_limit, arguments.workers)
        return

    print("Targets:")
    for _, text in TARGETS:
        print(f"  - {text}")
    results = []
    for case in arguments.cases:
        print(f"running {case} …", file=sys.stderr, flush=True)
        results.append(run_in_child(case, arguments.time_limit, arguments.workers))
    print()
    print(plain_table(results))
    print()
    print("\n".join(target_lines(results)))
    run_date = arguments.date or datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if arguments.write:
        write_section(
            arguments.write,
            arguments.section,
            markdown(results, run_date, arguments.workers, arguments.time_limit, arguments.code),
        )
        print(f"\nwrote {arguments.write}")


if __name__ == "__main__":
    main()

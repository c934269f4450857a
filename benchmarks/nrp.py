"""Benchmark: the Curtois & Qu staff-rostering instances through the product's solver.

Run from the repository root:

    .venv/bin/python benchmarks/nrp.py                          # every instance, its target limit
    .venv/bin/python benchmarks/nrp.py --instances 1-6 9 --time-limit 60 --workers 8
    .venv/bin/python benchmarks/nrp.py --write docs/nrp.md --section results
    .venv/bin/python benchmarks/nrp.py --instances 5 6 8 --repeat 3   # the median of 3 runs
    .venv/bin/python benchmarks/nrp.py --instances 8 --repeat 3 --seed 1   # seeds 1, 2, 3

Each instance runs in its own subprocess: it is imported (``solver.nrp``), solved by
``solver.solve.solve`` exactly as ``permanence solve`` would, the rota is checked by
the independent validator, and its cost is recomputed from the instance file in the
benchmark's own terms (``solver.nrp.benchmark_cost``); the solver's objective must
equal it. The table has the objective, the solver's bound, the best known value and
the gap to it, and the seconds to import, prepare + build the model, to the first
solution and to the best one.

Default time limits are the targets of issue #9: 60 s for instances 1–12, 14,
16–18; 300 s for 13, 15, 19–24. ``--write FILE --section NAME`` replaces the text
between ``<!-- nrp:NAME:start -->`` and ``<!-- nrp:NAME:end -->`` in a markdown
file and writes the rows as CSV next to it (``FILE`` with ``.csv``, per section).

Single runs scatter (CP-SAT's 8 workers on 2 cores are not deterministic in wall
time, and dives break ties at random, following the solver's seed): ``--repeat N``
runs each instance N times and reports the run with the median objective, the other
runs' objectives in a column of their own. Every run uses the same seed (1, the
scenario's default) unless ``--seed S`` is given: then run k (from 0) uses seed
S + k, so the runs are independent samples of the search rather than of the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solver.nrp import benchmark_cost, read_instance, to_scenario  # noqa: E402
from solver.shifts import expand  # noqa: E402
from solver.solve import Progress, solve  # noqa: E402
from solver.validate import check_rota  # noqa: E402

DATA = ROOT.parent / "shared" / "benchmarks" / "curtois"
LONG = {13, 15, 19, 20, 21, 22, 23, 24}
TARGETS = {
    **dict.fromkeys((1, 2, 3, 4, 5, 6, 9), "best known, 60 s"),
    **dict.fromkeys((7, 8, 10, 11, 12, 14, 16, 17, 18), "≤ 3 % at 60 s"),
    **dict.fromkeys((13, 15, 19), "≤ 10 % at 300 s"),
    **dict.fromkeys((20, 21, 22, 23, 24), "feasible ≤ 300 s, build ≤ 30 s"),
}


@dataclass
class Result:
    instance: int
    days: int = 0
    people: int = 0
    types: int = 0
    time_limit: float = 0
    workers: int = 0
    status: str = "ERROR"
    objective: int | None = None
    bound: int | None = None
    best_known: int | None = None
    gap_pct: float | None = None
    import_s: float = 0
    prepare_s: float = 0
    build_s: float = 0
    first_s: float | None = None
    best_s: float | None = None
    solve_s: float = 0
    violations: int = 0
    recomputed: int | None = None
    target: str = ""
    met: str = ""
    error: str = ""
    runs: str = ""  # every run's objective, with --repeat
    seed: int = 1


def best_known() -> dict[int, int]:
    with (DATA / "best_known.csv").open() as handle:
        return {
            int(row["instance"].removeprefix("Instance")): int(row["best_known"])
            for row in csv.DictReader(handle)
        }


def run_instance(number: int, time_limit: float, workers: int, seed: int = 1) -> Result:
    result = Result(instance=number, time_limit=time_limit, workers=workers, seed=seed)
    result.target = TARGETS[number]
    started = time.perf_counter()
    instance = read_instance((DATA / f"Instance{number}.txt").read_text(), f"Instance{number}")
    scenario = to_scenario(instance, time_limit=time_limit, workers=workers, seed=seed)
    result.import_s = time.perf_counter() - started
    result.days, result.people = instance.days, len(instance.employees)
    result.types = len(instance.shift_types)
    events: list[tuple[float, float]] = []

    def progress(report: Progress) -> None:
        if report.objective is not None:
            events.append((report.elapsed, report.objective))

    timings: dict[str, float] = {}
    rota = solve(scenario, progress=progress, timings=timings)
    result.prepare_s, result.build_s = timings.get("prepare", 0), timings.get("build", 0)
    result.solve_s = rota.solve_seconds
    result.status = rota.status
    if events:
        result.first_s = events[0][0]
        best = min(value for _, value in events)
        result.best_s = next(elapsed for elapsed, value in events if value == best)
    if rota.status in ("OPTIMAL", "FEASIBLE"):
        result.objective = round(rota.objective.value)
        result.bound = round(rota.objective.bound)
        result.violations = len(check_rota(expand(scenario), rota))
        duties = [(assignment.person, assignment.shift) for assignment in rota.assignments]
        result.recomputed = benchmark_cost(instance, duties)
    known = best_known().get(number)
    result.best_known = known
    if result.objective is not None and known:
        result.gap_pct = round(100 * (result.objective - known) / known, 2)
    result.met = verdict(result)
    return result


def verdict(result: Result) -> str:
    if result.objective is None:
        return "MISSED (no roster)"
    if result.violations or result.recomputed != result.objective:
        return "INVALID"
    gap = result.gap_pct if result.gap_pct is not None else float("inf")
    number = result.instance
    if number in (1, 2, 3, 4, 5, 6, 9):
        ok = gap <= 0 and result.solve_s <= 60 + 5
    elif number in (13, 15, 19):
        ok = gap <= 10
    elif number >= 20:
        ok = result.build_s + result.prepare_s <= 30
    else:
        ok = gap <= 3
    return "met" if ok else "MISSED"


def median_run(results: list[Result]) -> Result:
    """The run with the median objective (no roster counts as the worst), every
    run's objective in ``runs``."""
    ordered = sorted(results, key=lambda result: (result.objective is None, result.objective or 0))
    median = ordered[(len(ordered) - 1) // 2]
    if len(results) > 1:
        median.runs = " / ".join(
            "–" if result.objective is None else str(result.objective) for result in results
        )
    return median


def run_in_child(number: int, time_limit: float, workers: int, seed: int) -> Result:
    command = [sys.executable, str(Path(__file__).resolve()), "--run", str(number)]
    command += ["--time-limit", str(time_limit), "--workers", str(workers), "--seed", str(seed)]
    allowed = time_limit * 2 + 600
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=allowed, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return Result(instance=number, seed=seed, error=f"killed after {allowed:.0f} s")
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        return Result(instance=number, seed=seed, error=f"exit {completed.returncode}: {tail[0]}")
    return Result(**json.loads(lines[-1]))


COLUMNS = (
    "instance", "days/people/types", "limit s", "workers", "status", "objective", "bound",
    "best known", "gap %", "import s", "prepare s", "build s", "first sol. s", "best at s",
    "cost check", "target", "verdict",
)  # fmt: skip


def row(result: Result, repeated: bool = False) -> list[str]:
    def number(value: float | None, digits: int = 1) -> str:
        return "–" if value is None else f"{value:.{digits}f}"

    runs = [result.runs] if repeated else []
    if result.error:
        return [
            f"Instance{result.instance}",
            *[""] * 14,
            TARGETS[result.instance],
            *runs,
            result.error,
        ]
    if result.objective is None:
        check = "–"
    elif result.violations:
        check = f"{result.violations} violations"
    elif result.recomputed == result.objective:
        check = "OK"
    else:
        check = f"MISMATCH {result.recomputed}"
    return [
        f"Instance{result.instance}",
        f"{result.days}/{result.people}/{result.types}",
        f"{result.time_limit:g}",
        str(result.workers),
        result.status,
        "–" if result.objective is None else str(result.objective),
        "–" if result.bound is None else str(result.bound),
        str(result.best_known),
        number(result.gap_pct, 2),
        number(result.import_s),
        number(result.prepare_s),
        number(result.build_s),
        number(result.first_s),
        number(result.best_s),
        check,
        result.target,
        *runs,
        result.met,
    ]


def markdown(results: list[Result], run_date: str, seeds: str) -> str:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    repeated = any(result.runs for result in results)
    columns = [*COLUMNS[:-1], "runs (objectives)", COLUMNS[-1]] if repeated else list(COLUMNS)
    lines = [
        f"- date: {run_date}; code: commit {commit or 'unknown'}",
        f"- machine: {os.cpu_count()} cores, CPU {model}; load average at the end "
        f"{os.getloadavg()[0]:.1f}",
        f"- Python {platform.python_version()}, OR-Tools {version('ortools')}",
        *(
            [
                f"- each instance run {results[0].runs.count(' / ') + 1} times ({seeds}): "
                "the median run"
            ]
            if repeated
            else []
        ),
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row(result, repeated)) + " |" for result in results),
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, name: str, section: str) -> None:
    start, end = f"<!-- nrp:{name}:start -->", f"<!-- nrp:{name}:end -->"
    block = f"{start}\n{section}{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1].removeprefix("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def write_csv(path: Path, results: list[Result]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(results[0])))
        writer.writeheader()
        for result in results:
            writer.writerow(asdict(result))


def parse_instances(values: list[str]) -> list[int]:
    numbers: list[int] = []
    for value in values:
        first, _, last = value.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def run_seeds(first: int | None, repeat: int) -> list[int]:
    """The solver seed of each run: all 1 by default, else ``first``, ``first + 1``, …"""
    return [1] * repeat if first is None else [first + k for k in range(repeat)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--instances", nargs="+", default=["1-24"], help="e.g. 1-6 9")
    parser.add_argument("--time-limit", type=float, help="seconds (default: the target's)")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--write", type=Path, help="markdown file for the table")
    parser.add_argument("--section", default="results")
    parser.add_argument("--repeat", type=int, default=1, help="runs per instance (median)")
    parser.add_argument(
        "--seed",
        type=int,
        help="solver seed of the first run; run k uses seed + k (default: 1 for all)",
    )
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.run is not None:
        result = run_instance(
            arguments.run,
            arguments.time_limit,
            arguments.workers,
            1 if arguments.seed is None else arguments.seed,
        )
        print(json.dumps(asdict(result)))
        return
    results = []
    for number in parse_instances(arguments.instances):
        limit = arguments.time_limit or (300 if number in LONG else 60)
        print(f"Instance{number} ({limit:g} s) …", file=sys.stderr, flush=True)
        runs = [
            run_in_child(number, limit, arguments.workers, seed)
            for seed in run_seeds(arguments.seed, arguments.repeat)
        ]
        result = median_run(runs)
        results.append(result)
        print("  " + " | ".join(row(result)), file=sys.stderr, flush=True)
    seeds = (
        "seed 1 each time"
        if arguments.seed is None
        else f"seeds {', '.join(map(str, run_seeds(arguments.seed, arguments.repeat)))}"
    )
    section = markdown(results, datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), seeds)
    print(section)
    if arguments.write:
        write_section(arguments.write, arguments.section, section)
        write_csv(arguments.write.with_name(f"nrp-{arguments.section}.csv"), results)


if __name__ == "__main__":
    main()

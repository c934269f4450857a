"""The NRP benchmark script's table: the median of repeated runs (no solver runs here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "nrp.py"


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nrp_benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_repeated_runs_report_the_median_and_every_objective() -> None:
    bench = script()
    runs = [bench.Result(instance=5, objective=value) for value in (1146, None, 1143)]
    median = bench.median_run(runs)
    # Ordered 1143, 1146, no roster: the median is 1146; the runs keep their order.
    assert median.objective == 1146 and median.runs == "1146 / – / 1143"
    even = bench.median_run([bench.Result(instance=5, objective=v) for v in (1150, 1143)])
    assert even.objective == 1143  # the better of the two middle runs


def test_a_single_run_has_no_runs_column() -> None:
    bench = script()
    single = bench.median_run([bench.Result(instance=1, objective=607)])
    assert single.runs == ""
    table = bench.markdown([single], "today", "seed 1 each time")
    assert "runs (objectives)" not in table and "median" not in table
    repeated = bench.median_run([bench.Result(instance=1, objective=v) for v in (607, 607)])
    table = bench.markdown([repeated], "today", "seeds 4, 5")
    assert "runs (objectives)" in table and "run 2 times (seeds 4, 5)" in table
    header, rule, line = table.strip().splitlines()[-3:]
    assert header.count("|") == rule.count("|") == line.count("|")
    assert "607 / 607" in line


def test_repeats_share_seed_1_unless_a_first_seed_is_given() -> None:
    bench = script()
    assert bench.run_seeds(None, 3) == [1, 1, 1]
    assert bench.run_seeds(4, 3) == [4, 5, 6]
    assert bench.run_seeds(0, 1) == [0]

"""One place that turns the scenario's solver options into a configured CP-SAT solver.

Reproducible mode (``solver.deterministic``): CP-SAT's interleaved search and a
budget in deterministic time; wall time then only stops a runaway search at
``RUNAWAY_FACTOR`` times the budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ortools.sat.python import cp_model

from solver.scenario import SolverOptions

# Deterministic time can run well behind the clock: on the year demo (2 workers,
# interleaved) it advanced at a quarter to a third of wall time, so a cap at four
# times the budget cut searches short and two runs of one scenario differed.
RUNAWAY_FACTOR = 10


def configured_solver(
    options: SolverOptions,
    seconds: float,
    *,
    workers: int | None = None,
    seed: int | None = None,
) -> cp_model.CpSolver:
    """A CP-SAT solver configured from the scenario's options for a ``seconds`` budget.

    ``workers`` and ``seed`` override the options' (e.g. a search of many small models).
    """
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = workers or options.workers
    parameters.random_seed = options.seed if seed is None else seed
    if options.deterministic:
        parameters.interleave_search = True
        parameters.max_deterministic_time = max(seconds, 0.01)
        parameters.max_time_in_seconds = max(seconds, 0.01) * RUNAWAY_FACTOR
    else:
        parameters.max_time_in_seconds = max(seconds, 0.01)
    return solver


@contextmanager
def duties_fixed(
    model: cp_model.CpModel, values: Iterable[tuple[cp_model.IntVar, int]]
) -> Iterator[None]:
    """Fix these Boolean variables to the values given while the block runs.

    The domains are set in the model's proto (no constraint is added), and put
    back to ``[0, 1]`` afterwards: one model values many rotas this way.
    """
    proto = model.proto
    indices: list[int] = []
    for var, value in values:
        domain = proto.variables[var.index].domain
        domain[0] = domain[1] = value
        indices.append(var.index)
    try:
        yield
    finally:
        for index in indices:
            domain = proto.variables[index].domain
            domain[0], domain[1] = 0, 1

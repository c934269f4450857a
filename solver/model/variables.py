"""The decision variables: ``duty[person, shift]``, one BoolVar per *eligible* pair.

A pair that can never be a duty (missing qualification, absence, outside the
person's active window) gets no variable at all, so qualification, absence and
active-window rules hold by construction and the model stays small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ortools.sat.python import cp_model


class DutyVars:
    """``duty[person, shift]`` BoolVars, with look-ups by shift and by person."""

    def __init__(self, model: cp_model.CpModel, pairs: Iterable[tuple[str, str]]) -> None:
        self.model = model
        self.duty: dict[tuple[str, str], cp_model.IntVar] = {}
        self.by_shift: dict[str, dict[str, cp_model.IntVar]] = defaultdict(dict)
        self.by_person: dict[str, dict[str, cp_model.IntVar]] = defaultdict(dict)
        for person, shift in pairs:
            var = model.new_bool_var(f"duty[{person},{shift}]")
            self.duty[person, shift] = var
            self.by_shift[shift][person] = var
            self.by_person[person][shift] = var

    def get(self, person: str, shift: str) -> cp_model.IntVar | None:
        return self.duty.get((person, shift))

    def __len__(self) -> int:
        return len(self.duty)

    def fix(
        self,
        person: str,
        shift: str,
        value: bool,
        *,
        enforce: list[cp_model.IntVar] | None = None,
    ) -> bool:
        """Force a duty on or off; ``False`` if the pair has no variable (ineligible).

        ``enforce`` guards the constraint with assumption literals (explain mode).
        """
        var = self.get(person, shift)
        if var is None:
            return not value
        self.model.add(var == int(value)).only_enforce_if(enforce or [])
        return True

    def extract(self, solver: cp_model.CpSolver) -> list[tuple[str, str]]:
        """The ``(person, shift)`` duties set in the solver's current solution."""
        return [pair for pair, var in self.duty.items() if solver.boolean_value(var)]

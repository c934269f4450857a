"""The rota schema, format ``permanence/rota@1`` (see SCENARIO.md): the solver's answer."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from solver.scenario import ScenarioError, problems_from_validation, read_data_file

ROTA_FORMAT: Final = "permanence/rota@1"

Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "INVALID"]


class RotaModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TierResult(RotaModel):
    """One priority tier of the lexicographic objective."""

    name: str
    status: Status
    value: float
    bound: float
    seconds: float


class ObjectiveReport(RotaModel):
    value: float = 0
    bound: float = 0
    terms: dict[str, float] = Field(default_factory=dict)
    tiers: list[TierResult] = Field(default_factory=list)


class Assignment(RotaModel):
    shift: str
    role: str
    start: datetime
    end: datetime
    person: str
    zone: str
    load: float
    fixed: bool = False


class Uncovered(RotaModel):
    shift: str
    role: str
    start: datetime
    end: datetime
    missing: int = 1
    reasons: list[str] = Field(default_factory=list)


class ZoneFairness(RotaModel):
    load: float
    target: float
    deviation: float


class PersonFairness(RotaModel):
    load: float
    capacity: float
    target: float
    deviation: float


class RoleFairness(RotaModel):
    zones: dict[str, ZoneFairness] = Field(default_factory=dict)
    people: dict[str, PersonFairness] = Field(default_factory=dict)


class SoftViolation(RotaModel):
    rule: str
    person: str | None = None
    shift: str | None = None
    weight: float = 1
    detail: str | None = None


class Rota(RotaModel):
    format: Literal["permanence/rota@1"] = ROTA_FORMAT
    scenario: str
    status: Status
    objective: ObjectiveReport = Field(default_factory=ObjectiveReport)
    solve_seconds: float = 0
    assignments: list[Assignment] = Field(default_factory=list)
    uncovered: list[Uncovered] = Field(default_factory=list)
    fairness: dict[str, RoleFairness] = Field(default_factory=dict)
    soft_violations: list[SoftViolation] = Field(default_factory=list)
    explanation: list[str] = Field(default_factory=list)


def parse_rota(data: Any) -> Rota:
    if not isinstance(data, dict):
        raise ScenarioError([("", "a rota must be a mapping of fields")])
    try:
        return Rota.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error)) from None


def load_rota(path: str | Path) -> Rota:
    return parse_rota(read_data_file(path))


def dump_rota(rota: Rota, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(rota.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )

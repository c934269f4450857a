"""Planning data: everything a scenario file holds, per cooperation.

A *cooperation* is a group of zones that share permanence roles; every other
planning row belongs to exactly one, and every query is scoped to one. Rows
reference each other by integer ids; the API and scenario files speak in the
codes planners use (``HH``, ``OVW``, ``hh-01``). Calendar, rules, objective and
solver options are stored as JSON validated by the solver's own scenario
models, so the database and the file format cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, field_validator
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow
from solver.scenario import CalendarSettings, Objective, Rules, Scenario, SolverOptions

# Codes are what planners type and what scenario files use (HH, OVW, hh-01).
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _check_code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError("use letters, digits, '-', '_' or '.', starting with a letter or digit")
    return value


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("use lower-case letters, digits and '-', starting with a letter or digit")
    return value


Code = Annotated[str, AfterValidator(_check_code)]
Slug = Annotated[str, AfterValidator(_check_slug)]


def _cooperation_fk() -> Any:
    return Field(
        sa_column=Column(
            Integer, ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class CooperationBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    timezone: str = Field(default="Europe/Brussels", max_length=64)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return Scenario._known_timezone(value)


class CooperationCreate(CooperationBase):
    slug: Slug = Field(max_length=64)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    rules: Rules = Field(default_factory=Rules)
    objective: Objective = Field(default_factory=Objective)
    solver_options: SolverOptions = Field(default_factory=SolverOptions)


class CooperationUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = None
    calendar: CalendarSettings | None = None
    rules: Rules | None = None
    objective: Objective | None = None
    solver_options: SolverOptions | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return None if value is None else Scenario._known_timezone(value)


class CooperationPublic(CooperationBase):
    id: int
    slug: str
    calendar: CalendarSettings
    rules: Rules
    objective: Objective
    solver_options: SolverOptions
    created_at: datetime
    updated_at: datetime


class Cooperation(CooperationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=64)
    calendar: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    rules: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    objective: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    solver_options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ZoneBase(SQLModel):
    code: Code = Field(max_length=32)
    name: str = Field(min_length=1, max_length=200)


class ZoneCreate(ZoneBase):
    pass


class ZoneUpdate(SQLModel):
    code: Code | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)


class ZonePublic(ZoneBase):
    id: int
    cooperation_id: int


class Zone(ZoneBase, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()


class Person(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    zone_id: int = Field(foreign_key="zone.id", index=True)
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    qualifications: list[str] = Field(default_factory=list, sa_type=JSON)
    fte: float = 1.0
    active_start: date | None = None
    active_end: date | None = None
    phone: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=254)


class Role(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    requires: list[str] = Field(default_factory=list, sa_type=JSON)
    staff: int = 1
    shifts: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    zone_shares: dict[str, float] | None = Field(default=None, sa_type=JSON)
    min_gap: str | None = Field(default=None, max_length=32)
    max_duties: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    position: int = 0  # order of roles in the cooperation, as in the scenario file


class Absence(SQLModel, table=True):
    """A hard unavailability. ``start``/``end`` are local wall-clock times of the
    cooperation's time zone; ``whole_days`` means both were given as bare dates."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    person_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start: datetime = Field(sa_type=DateTime)
    end: datetime = Field(sa_type=DateTime)
    whole_days: bool = True
    reason: str | None = Field(default=None, max_length=200)


class Preference(SQLModel, table=True):
    """A soft wish to avoid or get duties in a period (local times, like absences)."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    person_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start: datetime = Field(sa_type=DateTime)
    end: datetime = Field(sa_type=DateTime)
    whole_days: bool = True
    kind: str = Field(max_length=16)
    weight: int = 1


class ShiftOverride(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "shift"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    shift: str = Field(max_length=64)
    staff: int


class Pin(SQLModel, table=True):
    """A hard planner decision: this person takes this shift (scenario ``fixed``)."""

    __table_args__ = (UniqueConstraint("cooperation_id", "shift", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    shift: str = Field(max_length=64)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    )


class PersonHistoryLoad(SQLModel, table=True):
    """Weighted hours a person carried for a role before the planned horizons."""

    __table_args__ = (UniqueConstraint("person_id", "role_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    )
    role_id: int = Field(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), nullable=False)
    )
    load: float


class ZoneHistoryLoad(SQLModel, table=True):
    """Weighted hours a zone carried for a role before the planned horizons."""

    __table_args__ = (UniqueConstraint("zone_id", "role_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    zone_id: int = Field(
        sa_column=Column(Integer, ForeignKey("zone.id", ondelete="CASCADE"), nullable=False)
    )
    role_id: int = Field(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), nullable=False)
    )
    load: float


class HistoryDuty(SQLModel, table=True):
    """A real duty before the horizon, so rest, gap and window rules hold across it."""

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    role_id: int = Field(
        sa_column=Column(Integer, ForeignKey("role.id", ondelete="CASCADE"), nullable=False)
    )
    person_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    start: datetime = Field(sa_type=DateTime)
    end: datetime = Field(sa_type=DateTime)
    whole_days: bool = False

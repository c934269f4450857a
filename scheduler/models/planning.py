"""Planning data: everything a scenario file holds, per cooperation.

A *cooperation* is a group of zones that share permanence roles; every other
planning row belongs to exactly one, and every query is scoped to one. Rows
reference each other by integer ids; the API and scenario files speak in the
codes planners use (``HH``, ``OVW``, ``hh-01``). Calendar, rules, objective and
solver options are stored as JSON validated by the solver's own scenario
models, so the database and the file format cannot drift apart.

Each entity has a family: ``XCreate`` (the API body, in codes), ``XUpdate``
(all optional; the service merges it onto the current row and validates the
result as an ``XCreate``), ``XPublic`` (the answer) and the table ``X``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from scheduler.models.types import utcnow
from solver.scenario import (
    CalendarSettings,
    IsoDuration,
    MaxDuties,
    Objective,
    Rules,
    Scenario,
    ShiftTemplate,
    SolverOptions,
)
from solver.scenario import Role as ScenarioRole

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

_SHIFT_ID = re.compile(
    r"^(?P<role>[A-Za-z0-9][A-Za-z0-9_.-]*)@(?P<start>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})$"
)


def _check_shift_id(value: str) -> str:
    match = _SHIFT_ID.match(value)
    try:
        if match is None:
            raise ValueError
        datetime.strptime(match["start"], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ValueError(
            "expected a shift id ROLE@YYYY-MM-DDTHH:MM (local start), e.g. OVW@2026-07-20T08:00"
        ) from None
    return value


def shift_role(shift_id: str) -> str:
    """The role code of a shift id: ``OVW@2026-07-20T08:00`` → ``OVW``."""
    return shift_id.partition("@")[0]


ShiftId = Annotated[str, AfterValidator(_check_shift_id)]


def _parse_moment(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "expected a date (2026-07-13) or a local date and time (2026-07-13T08:00)"
            ) from None
    return value


def _check_local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError(
            "give the local time without a UTC offset; times are local to the cooperation"
        )
    return value


# A local wall-clock moment of the cooperation's time zone; a bare date means local midnight.
# Offsets are refused rather than converted: rows store local times, as planners think of them.
LocalMoment = Annotated[
    date | datetime, BeforeValidator(_parse_moment), AfterValidator(_check_local)
]


def local_datetime(moment: date | datetime) -> datetime:
    """A local moment as a naive local datetime (a bare date is midnight)."""
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time(0))


class SpanBase(SQLModel):
    """A local period ``[start, end)``: bare dates mean whole days, as in scenario files."""

    start: LocalMoment
    end: LocalMoment

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: date | datetime, info: ValidationInfo) -> date | datetime:
        # Stored as local wall-clock times, so compared as such.
        start = info.data.get("start")
        if start is not None and local_datetime(value) <= local_datetime(start):
            raise ValueError("end must be after start")
        return value

    @property
    def whole_days(self) -> bool:
        return not isinstance(self.start, datetime) and not isinstance(self.end, datetime)


def span_columns(span: SpanBase) -> dict[str, Any]:
    """How a span is stored: naive local datetimes and whether both bounds were dates."""
    return {
        "start": local_datetime(span.start),
        "end": local_datetime(span.end),
        "whole_days": span.whole_days,
    }


def span_values(start: datetime, end: datetime, whole_days: bool) -> dict[str, date | datetime]:
    """A stored span as the API shows it: dates for whole-day rows."""
    if whole_days:
        return {"start": start.date(), "end": end.date()}
    return {"start": start, "end": end}


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


class PersonBase(SQLModel):
    code: Code = Field(max_length=64)
    name: str = Field(min_length=1, max_length=200)
    zone: Code = Field(max_length=32, description="zone code, e.g. HH")
    qualifications: list[Code] = Field(default_factory=list)
    fte: float = Field(default=1.0, gt=0, le=1, description="employment fraction in (0, 1]")
    active_start: date | None = Field(default=None, description="no duty before this date")
    active_end: date | None = Field(default=None, description="no duty from this date on")
    phone: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=254)

    @field_validator("active_end")
    @classmethod
    def _end_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("active_start")
        if value is not None and start is not None and value <= start:
            raise ValueError("active_end must be after active_start")
        return value


class PersonCreate(PersonBase):
    pass


class PersonUpdate(SQLModel):
    """Fields to change; ``null`` clears an optional field."""

    code: Code | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    zone: Code | None = Field(default=None, max_length=32)
    qualifications: list[Code] | None = None
    fte: float | None = Field(default=None, gt=0, le=1)
    active_start: date | None = None
    active_end: date | None = None
    phone: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=254)


class PersonPublic(PersonBase):
    id: int
    cooperation_id: int
    name: str  # scenario files allow any name; the answer shows what is stored


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


class RoleBase(SQLModel):
    code: Code = Field(max_length=32)
    name: str = Field(min_length=1, max_length=200)
    requires: list[Code] = Field(default_factory=list, description="qualifications, all required")
    staff: int = Field(default=1, ge=0, description="people per shift")
    shifts: list[ShiftTemplate] = Field(min_length=1, description="RRULE shift templates")
    zone_shares: dict[str, float] | None = Field(
        default=None, description="relative target shares per zone code; null: by capacity"
    )
    min_gap: IsoDuration | None = None
    max_duties: list[MaxDuties] = Field(default_factory=list)

    @field_validator("zone_shares")
    @classmethod
    def _shares_sane(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        return ScenarioRole._shares_sane(value)


class RoleCreate(RoleBase):
    position: int | None = Field(default=None, description="order of roles; default: last")


class RoleUpdate(SQLModel):
    """Fields to change; ``null`` clears an optional field."""

    code: Code | None = Field(default=None, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    requires: list[Code] | None = None
    staff: int | None = Field(default=None, ge=0)
    shifts: list[ShiftTemplate] | None = Field(default=None, min_length=1)
    zone_shares: dict[str, float] | None = None
    min_gap: IsoDuration | None = None
    max_duties: list[MaxDuties] | None = None
    position: int | None = None


class RolePublic(RoleBase):
    id: int
    cooperation_id: int
    position: int
    name: str  # scenario files allow any name; the answer shows what is stored


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


class AbsenceCreate(SpanBase):
    person: Code = Field(max_length=64, description="person code, e.g. hh-01")
    reason: str | None = Field(default=None, max_length=200)


class AbsenceUpdate(SQLModel):
    person: Code | None = Field(default=None, max_length=64)
    start: LocalMoment | None = None
    end: LocalMoment | None = None
    reason: str | None = Field(default=None, max_length=200)


class AbsencePublic(AbsenceCreate):
    id: int
    cooperation_id: int


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


class PreferenceCreate(SpanBase):
    person: Code = Field(max_length=64, description="person code, e.g. hh-01")
    kind: Literal["avoid", "prefer"]
    weight: int = Field(default=1, ge=1, description="higher matters more")


class PreferenceUpdate(SQLModel):
    person: Code | None = Field(default=None, max_length=64)
    start: LocalMoment | None = None
    end: LocalMoment | None = None
    kind: Literal["avoid", "prefer"] | None = None
    weight: int | None = Field(default=None, ge=1)


class PreferencePublic(PreferenceCreate):
    id: int
    cooperation_id: int


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


class ShiftOverrideCreate(SQLModel):
    shift: ShiftId = Field(max_length=64, description="shift id, e.g. OVW@2026-07-20T08:00")
    staff: int = Field(ge=0, description="people on this shift; 0 removes it")


class ShiftOverrideUpdate(SQLModel):
    shift: ShiftId | None = Field(default=None, max_length=64)
    staff: int | None = Field(default=None, ge=0)


class ShiftOverridePublic(ShiftOverrideCreate):
    id: int
    cooperation_id: int


class ShiftOverride(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cooperation_id", "shift"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    shift: str = Field(max_length=64)
    staff: int


class PinCreate(SQLModel):
    shift: ShiftId = Field(max_length=64, description="shift id, e.g. OVW@2026-01-05T08:00")
    person: Code = Field(max_length=64, description="person code, e.g. hh-01")


class PinUpdate(SQLModel):
    shift: ShiftId | None = Field(default=None, max_length=64)
    person: Code | None = Field(default=None, max_length=64)


class PinPublic(PinCreate):
    id: int
    cooperation_id: int


class Pin(SQLModel, table=True):
    """A hard planner decision: this person takes this shift (scenario ``fixed``)."""

    __table_args__ = (UniqueConstraint("cooperation_id", "shift", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cooperation_id: int = _cooperation_fk()
    shift: str = Field(max_length=64)
    person_id: int = Field(
        sa_column=Column(Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False)
    )


class PersonHistoryLoadCreate(SQLModel):
    person: Code = Field(max_length=64)
    role: Code = Field(max_length=32)
    load: float = Field(description="weighted hours carried before the planned horizons")


class PersonHistoryLoadUpdate(SQLModel):
    person: Code | None = Field(default=None, max_length=64)
    role: Code | None = Field(default=None, max_length=32)
    load: float | None = None


class PersonHistoryLoadPublic(PersonHistoryLoadCreate):
    id: int
    cooperation_id: int


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


class ZoneHistoryLoadCreate(SQLModel):
    zone: Code = Field(max_length=32)
    role: Code = Field(max_length=32)
    load: float = Field(description="weighted hours carried before the planned horizons")


class ZoneHistoryLoadUpdate(SQLModel):
    zone: Code | None = Field(default=None, max_length=32)
    role: Code | None = Field(default=None, max_length=32)
    load: float | None = None


class ZoneHistoryLoadPublic(ZoneHistoryLoadCreate):
    id: int
    cooperation_id: int


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


class HistoryDutyCreate(SpanBase):
    role: Code = Field(max_length=32)
    person: Code = Field(max_length=64)


class HistoryDutyUpdate(SQLModel):
    role: Code | None = Field(default=None, max_length=32)
    person: Code | None = Field(default=None, max_length=64)
    start: LocalMoment | None = None
    end: LocalMoment | None = None


class HistoryDutyPublic(HistoryDutyCreate):
    id: int
    cooperation_id: int


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

"""The scenario schema, format ``permanence/scenario@1`` (see SCENARIO.md).

Everything the solver needs to plan one horizon. The pydantic models state the
assumptions the rest of the solver relies on (unique ids, known references,
sane numbers), so later stages never re-check them. ``load_scenario`` and
``parse_scenario`` turn files and plain data into a ``Scenario`` or raise a
``ScenarioError`` whose messages name the field path, e.g.
``people[3].zone: unknown zone 'XX'``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    field_validator,
    model_validator,
)

SCENARIO_FORMAT: Final = "permanence/scenario@1"

PRIORITY_NAMES = ("coverage", "stability", "zone_fairness", "person_fairness", "preferences")


class ScenarioError(ValueError):
    """A scenario that cannot be used; each problem is ``(path, message)``."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(f"{path}: {message}" if path else message for path, message in problems)
        )


# --- Durations -------------------------------------------------------------------------------

_DURATION_PATTERN = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


@dataclass(frozen=True, order=True)
class Duration:
    """An ISO 8601 duration split as RFC 5545 does: nominal days plus exact seconds.

    Days and weeks are calendar days (``P7D`` from Monday 08:00 ends next Monday
    08:00 local even across DST); hours, minutes and seconds are elapsed time.
    Months and years are refused: their length is ambiguous for a rota.
    """

    days: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION_PATTERN.match(text)
        if match is None or text in ("P", "PT") or text.endswith("T"):
            raise ValueError(
                f"'{text}' is not an ISO 8601 duration in weeks, days, hours, minutes or "
                "seconds (e.g. P7D, PT15H, PT11H)"
            )
        parts = {key: int(value) if value else 0 for key, value in match.groupdict().items()}
        return cls(
            days=parts["weeks"] * 7 + parts["days"],
            seconds=parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"],
        )

    def __str__(self) -> str:
        text = "P"
        if self.days:
            text += f"{self.days}D"
        if self.seconds or not self.days:
            hours, rest = divmod(self.seconds, 3600)
            minutes, seconds = divmod(rest, 60)
            text += "T"
            if hours:
                text += f"{hours}H"
            if minutes:
                text += f"{minutes}M"
            if seconds or not (hours or minutes):
                text += f"{seconds}S"
        return text

    @property
    def nominal_upper_bound(self) -> timedelta:
        """An upper bound of the elapsed time (a nominal day lasts at most 25 h)."""
        return timedelta(days=self.days, hours=self.days, seconds=self.seconds)

    def after(self, start: datetime, tz: ZoneInfo) -> datetime:
        """The instant this long after aware ``start``, days counted as local days in ``tz``."""
        local = start.astimezone(tz)
        shifted = local.replace(tzinfo=None) + timedelta(days=self.days)
        nominal = shifted.replace(tzinfo=tz, fold=local.fold)
        return with_fixed_offset(nominal.astimezone(UTC) + timedelta(seconds=self.seconds), tz)


def with_fixed_offset(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` in ``tz`` local time, carried with a fixed UTC offset.

    Python compares and subtracts aware datetimes that share one ``ZoneInfo``
    by wall clock, which is wrong across DST changes; fixed offsets make every
    comparison and subtraction real elapsed time.
    """
    local = moment.astimezone(tz)
    offset = local.utcoffset()
    assert offset is not None
    return local.replace(tzinfo=timezone(offset))


def _to_duration(value: Any) -> Any:
    if isinstance(value, Duration):
        return value
    if isinstance(value, timedelta):
        return Duration(days=value.days, seconds=value.seconds)
    if isinstance(value, str):
        return Duration.parse(value.strip())
    raise ValueError("expected an ISO 8601 duration such as P7D or PT11H")


IsoDuration = Annotated[
    Duration,
    BeforeValidator(_to_duration),
    PlainSerializer(str, return_type=str),
]


def _to_clock_time(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 08:00 as the sexagesimal integer 480.
        hours, minutes = divmod(value, 60)
        return time(hours, minutes)
    return value


ClockTime = Annotated[
    time,
    BeforeValidator(_to_clock_time),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
]


def _to_moment(value: Any) -> Any:
    # Pydantic's lax date parsing reads "2026-06-13T00:00:00Z" as the date 2026-06-13
    # (local midnight), silently dropping the offset; text with a time part is a datetime.
    if isinstance(value, str) and len(value.strip()) > 10:
        return datetime.fromisoformat(value.strip())
    return value


# A moment local to the scenario's time zone: a bare date means local midnight.
Moment = Annotated[date | datetime, BeforeValidator(_to_moment)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- The parts of a scenario -----------------------------------------------------------------


class Horizon(Model):
    start: date
    end: date

    @model_validator(mode="after")
    def _end_after_start(self) -> Horizon:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class DayWeights(Model):
    weekday: float = Field(default=1, ge=0)
    saturday: float = Field(default=1, ge=0)
    sunday: float = Field(default=1, ge=0)
    holiday: float = Field(default=1, ge=0)


class CalendarSettings(Model):
    country: str | None = None
    subdivision: str | None = None
    extra_holidays: list[date] = Field(default_factory=list)
    day_weights: DayWeights = Field(default_factory=DayWeights)
    special_days: dict[date, float] = Field(default_factory=dict)

    @field_validator("special_days")
    @classmethod
    def _weights_not_negative(cls, value: dict[date, float]) -> dict[date, float]:
        for day, weight in value.items():
            if weight < 0:
                raise ValueError(f"weight of {day} must not be negative")
        return value


class Zone(Model):
    id: str = Field(min_length=1)
    name: str


class ShiftTemplate(Model):
    rrule: str = Field(min_length=1)
    start: ClockTime
    duration: IsoDuration
    staff: int | None = Field(default=None, ge=0)

    @field_validator("rrule")
    @classmethod
    def _rrule_parses(cls, value: str) -> str:
        from dateutil.rrule import rrulestr

        if "DTSTART" in value.upper():
            raise ValueError("DTSTART is not allowed: templates start at the horizon start")
        try:
            rrulestr(value, dtstart=datetime(2000, 1, 3))
        except (ValueError, TypeError) as error:
            raise ValueError(f"not a valid RFC 5545 RRULE: {error}") from None
        return value

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: Duration) -> Duration:
        if value.days == 0 and value.seconds == 0:
            raise ValueError("duration must be positive")
        return value


class MaxDuties(Model):
    count: int = Field(ge=0)
    window: IsoDuration


class Role(Model):
    id: str = Field(min_length=1)
    name: str
    requires: list[str] = Field(default_factory=list)
    staff: int = Field(default=1, ge=0)
    shifts: list[ShiftTemplate] = Field(min_length=1)
    zone_shares: dict[str, float] | None = None
    min_gap: IsoDuration | None = None
    max_duties: list[MaxDuties] = Field(default_factory=list)
    # Soft coverage (``coverage`` among the priorities): each missing person costs
    # ``under_weight``; up to ``max_staff`` people may take a shift, each one
    # beyond ``staff`` costing ``over_weight``. Without ``max_staff`` no extra.
    max_staff: int | None = Field(default=None, ge=0)
    under_weight: int = Field(default=1, ge=0)
    over_weight: int = Field(default=1, ge=0)

    @field_validator("zone_shares")
    @classmethod
    def _shares_sane(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None:
            if any(share < 0 for share in value.values()):
                raise ValueError("shares must not be negative")
            if value and sum(value.values()) <= 0:
                raise ValueError("at least one share must be positive")
        return value

    @field_validator("id")
    @classmethod
    def _no_at_sign(cls, value: str) -> str:
        if "@" in value:
            raise ValueError("a role id may not contain '@' (it is the shift id separator)")
        return value


class ActiveWindow(Model):
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> ActiveWindow:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Contact(Model):
    phone: str | None = None
    email: str | None = None


class WeekendRule(Model):
    max: int = Field(ge=0)
    window: int = Field(ge=1)

    @model_validator(mode="after")
    def _max_below_window(self) -> WeekendRule:
        if self.max > self.window:
            raise ValueError("max cannot exceed window")
        return self


class PersonLimits(Model):
    """One person's own bounds over the horizon; set ones override ``rules``."""

    min_minutes: int | None = Field(default=None, ge=0)  # total duty minutes (real time)
    max_minutes: int | None = Field(default=None, ge=0)
    max_duties: dict[str, int] = Field(default_factory=dict)  # role → most duties
    max_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_days_off: int | None = Field(default=None, ge=1)
    weekends: WeekendRule | None = None

    @field_validator("max_duties")
    @classmethod
    def _counts_not_negative(cls, value: dict[str, int]) -> dict[str, int]:
        for role_id, count in value.items():
            if count < 0:
                raise ValueError(f"max_duties of {role_id} must not be negative")
        return value

    @model_validator(mode="after")
    def _min_below_max(self) -> PersonLimits:
        if (
            self.min_minutes is not None
            and self.max_minutes is not None
            and self.min_minutes > self.max_minutes
        ):
            raise ValueError("min_minutes cannot exceed max_minutes")
        return self


class Person(Model):
    id: str = Field(min_length=1)
    name: str
    zone: str
    qualifications: list[str] = Field(default_factory=list)
    fte: float = Field(default=1.0, gt=0, le=1)
    active: ActiveWindow | None = None
    contact: Contact | None = None
    limits: PersonLimits | None = None


class Absence(Model):
    person: str
    start: Moment
    end: Moment
    reason: str | None = None


class Preference(Model):
    person: str
    start: Moment
    end: Moment
    kind: Literal["avoid", "prefer"]
    weight: int = Field(default=1, ge=1)


class ShiftPreference(Model):
    """SOFT: ``prefer`` costs ``weight`` unless the person takes that very shift;
    ``avoid`` costs ``weight`` if they do."""

    person: str
    shift: str
    kind: Literal["avoid", "prefer"]
    weight: int = Field(default=1, ge=1)


class Succession(Model):
    """A duty of role ``first`` starting on one day forbids one of ``then`` starting the next."""

    first: str
    then: str


class Rules(Model):
    min_rest: IsoDuration | None = None
    max_concurrent: int = Field(default=1, ge=1)
    weekends: WeekendRule | None = None
    # Working days: a person works a local day when one of their duties starts on it.
    max_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_days_off: int | None = Field(default=None, ge=1)  # consecutive days off between work
    forbidden_successions: list[Succession] = Field(default_factory=list)


class HistoryLoad(Model):
    people: dict[str, dict[str, float]] = Field(default_factory=dict)
    zones: dict[str, dict[str, float]] = Field(default_factory=dict)


class HistoryDuty(Model):
    role: str
    person: str
    start: Moment
    end: Moment


class History(Model):
    load: HistoryLoad = Field(default_factory=HistoryLoad)
    duties: list[HistoryDuty] = Field(default_factory=list)


class ShiftPerson(Model):
    shift: str
    person: str


class ShiftOverride(Model):
    shift: str
    staff: int = Field(ge=0)
    max_staff: int | None = Field(default=None, ge=0)
    under_weight: int | None = Field(default=None, ge=0)
    over_weight: int | None = Field(default=None, ge=0)


class Objective(Model):
    priorities: list[str] = Field(default_factory=lambda: list(PRIORITY_NAMES))
    # Groups of priorities minimised together as one tier (their costs summed),
    # at the place of the group's first member, e.g. [[coverage, preferences]].
    combine: list[list[str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _groups_known(self) -> Objective:
        seen: set[str] = set()
        for group in self.combine:
            if len(group) < 2:
                raise ValueError("combine: a group needs at least two priorities")
            for name in group:
                if name not in self.priorities:
                    raise ValueError(f"combine: '{name}' is not among the priorities")
                if name == "person_fairness":
                    raise ValueError("combine: person_fairness is two tiers and cannot be combined")
                if name in seen:
                    raise ValueError(f"combine: '{name}' is in two groups")
                seen.add(name)
        return self

    @field_validator("priorities")
    @classmethod
    def _known_and_unique(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in PRIORITY_NAMES:
                raise ValueError(f"unknown priority '{name}'; known: {', '.join(PRIORITY_NAMES)}")
        if len(set(value)) != len(value):
            raise ValueError("each priority may appear once")
        return value


class SolverOptions(Model):
    time_limit: float = Field(default=60, gt=0)
    workers: int = Field(default=8, ge=1)
    seed: int = Field(default=1, ge=0)
    # Reproducible mode: the same scenario and seed always give the same rota.
    # It trades speed for determinism (see solver/README or docs/solver.md).
    deterministic: bool = False


class Scenario(Model):
    format: Literal["permanence/scenario@1"] = SCENARIO_FORMAT
    name: str
    timezone: str
    horizon: Horizon
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    zones: list[Zone] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    people: list[Person] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    shift_preferences: list[ShiftPreference] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    history: History = Field(default_factory=History)
    fixed: list[ShiftPerson] = Field(default_factory=list)
    previous: list[ShiftPerson] = Field(default_factory=list)
    shift_overrides: list[ShiftOverride] = Field(default_factory=list)
    objective: Objective = Field(default_factory=Objective)
    solver: SolverOptions = Field(default_factory=SolverOptions)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def instant(self, moment: Moment) -> datetime:
        """An aware instant for a scenario moment (bare dates are local midnight)."""
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(0))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz).astimezone(UTC)
        return with_fixed_offset(moment, self.tz)

    def zone_ids(self) -> set[str]:
        return {zone.id for zone in self.zones}

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def person(self, person_id: str) -> Person:
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(person_id)


# --- Loading ---------------------------------------------------------------------------------


def format_location(location: tuple[str | int, ...]) -> str:
    """``("people", 3, "zone")`` → ``people[3].zone``."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def problems_from_validation(error: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for detail in error.errors():
        # Drop pydantic's union-branch markers so paths stay readable.
        location = tuple(
            part for part in detail["loc"] if part not in ("date", "datetime", "function-before")
        )
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append((format_location(location), message))
    return problems


def _check_references(scenario: Scenario) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []

    def unique(items: list[Any], kind: str) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append((f"{kind}[{index}].id", f"duplicate id '{item.id}'"))
            seen.add(item.id)
        return seen

    zone_ids = unique(scenario.zones, "zones")
    role_ids = unique(scenario.roles, "roles")
    person_ids = unique(scenario.people, "people")

    for index, role in enumerate(scenario.roles):
        for zone_id in role.zone_shares or {}:
            if zone_id not in zone_ids:
                problems.append((f"roles[{index}].zone_shares", f"unknown zone '{zone_id}'"))
    for index, person in enumerate(scenario.people):
        if person.zone not in zone_ids:
            problems.append((f"people[{index}].zone", f"unknown zone '{person.zone}'"))
        for role_id in person.limits.max_duties if person.limits else {}:
            if role_id not in role_ids:
                problems.append((f"people[{index}].limits.max_duties", f"unknown role '{role_id}'"))
    for index, succession in enumerate(scenario.rules.forbidden_successions):
        for part in ("first", "then"):
            role_id = getattr(succession, part)
            if role_id not in role_ids:
                problems.append(
                    (f"rules.forbidden_successions[{index}].{part}", f"unknown role '{role_id}'")
                )
    for index, preference in enumerate(scenario.shift_preferences):
        if preference.person not in person_ids:
            problems.append(
                (f"shift_preferences[{index}].person", f"unknown person '{preference.person}'")
            )
    for index, role in enumerate(scenario.roles):
        if role.max_staff is not None and role.max_staff < role.staff:
            problems.append((f"roles[{index}].max_staff", "max_staff cannot be below staff"))

    def check_span(path: str, start: Moment, end: Moment) -> None:
        if scenario.instant(end) <= scenario.instant(start):
            problems.append((f"{path}.end", "end must be after start"))

    spans: list[tuple[str, Sequence[Absence | Preference]]] = [
        ("absences", scenario.absences),
        ("preferences", scenario.preferences),
    ]
    for kind, entries in spans:
        for index, entry in enumerate(entries):
            if entry.person not in person_ids:
                problems.append((f"{kind}[{index}].person", f"unknown person '{entry.person}'"))
            check_span(f"{kind}[{index}]", entry.start, entry.end)

    for person_id, loads in scenario.history.load.people.items():
        if person_id not in person_ids:
            problems.append(("history.load.people", f"unknown person '{person_id}'"))
        for role_id in loads:
            if role_id not in role_ids:
                problems.append((f"history.load.people.{person_id}", f"unknown role '{role_id}'"))
    for zone_id, loads in scenario.history.load.zones.items():
        if zone_id not in zone_ids:
            problems.append(("history.load.zones", f"unknown zone '{zone_id}'"))
        for role_id in loads:
            if role_id not in role_ids:
                problems.append((f"history.load.zones.{zone_id}", f"unknown role '{role_id}'"))
    for index, duty in enumerate(scenario.history.duties):
        path = f"history.duties[{index}]"
        if duty.role not in role_ids:
            problems.append((f"{path}.role", f"unknown role '{duty.role}'"))
        if duty.person not in person_ids:
            problems.append((f"{path}.person", f"unknown person '{duty.person}'"))
        check_span(path, duty.start, duty.end)

    for kind, pins in (("fixed", scenario.fixed), ("previous", scenario.previous)):
        for index, pin in enumerate(pins):
            if pin.person not in person_ids:
                problems.append((f"{kind}[{index}].person", f"unknown person '{pin.person}'"))
    return problems


def parse_scenario(data: Any) -> Scenario:
    """Validate plain data (as read from YAML or JSON) into a ``Scenario``.

    Also checks that every shift id named by ``fixed``, ``previous`` and
    ``shift_overrides`` exists in the horizon, so that a scenario that parses
    is one the solver can take.
    """
    if not isinstance(data, dict):
        raise ScenarioError([("", "a scenario must be a mapping of fields")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error)) from None
    problems = _check_references(scenario)
    if problems:
        raise ScenarioError(problems)

    from solver.shifts import ShiftExpansionError, expand_shifts

    try:
        shifts = expand_shifts(scenario)
    except ShiftExpansionError as error:
        raise ScenarioError(error.problems) from None
    if scenario.shift_preferences:
        known = {shift.id for shift in shifts}
        missing = [
            (f"shift_preferences[{index}].shift", f"no shift '{preference.shift}' in the horizon")
            for index, preference in enumerate(scenario.shift_preferences)
            if preference.shift not in known
        ]
        if missing:
            raise ScenarioError(missing)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.json``, ``.yaml`` or ``.yml`` file."""
    return parse_scenario(read_data_file(path))


def read_data_file(path: str | Path) -> Any:
    """Plain data from a JSON or YAML file; a ``ScenarioError`` if it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError([("", f"cannot read {path}: {error.strerror}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        kind = path.suffix[1:].upper() or "YAML"
        raise ScenarioError([("", f"{path.name} is not valid {kind}: {error}")]) from None


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The canonical JSON-ready form of a scenario (defaults left out)."""
    return scenario.model_dump(mode="json", exclude_defaults=True) | {"format": SCENARIO_FORMAT}


def dump_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write a scenario as JSON or YAML, chosen by the file's suffix."""
    path = Path(path)
    data = scenario_to_data(scenario)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        path.write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )

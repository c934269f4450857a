"""Scenario files ↔ the database: import a scenario into a cooperation, export one for a horizon.

A scenario file (SCENARIO.md) is the planner's offline copy of a cooperation:
importing one loads every part of it into the database in one transaction,
exporting builds the scenario the database describes for a horizon. The
solver's own ``parse_scenario`` validates both directions, so what is stored
is always a valid scenario and what is exported always solves.

Choices a planner would ask about:

- Import is a bulk operation: it writes the tables directly, checked by
  ``parse_scenario`` plus the database's own limits (codes, lengths), and
  commits once. On any error nothing is written.
- Local times: absences, preferences and history duties are stored as local
  wall-clock times of the cooperation's time zone. Bare dates are kept as
  dates (``whole_days``); a time with a UTC offset is converted to local time
  and exported without its offset (the same instant).
- ``previous`` (the published rota to stay close to) becomes a published rota
  version of source ``import`` for the scenario's horizon, replacing a
  published version of exactly that horizon.
- Replace (``replace=True``) makes the cooperation's planning data exactly the
  file's. Zones, roles and people are matched by code and updated in place,
  so planners' zones, officers' accounts and rota versions stay linked; those
  missing from the file are deleted, which is refused while a rota version or
  a swap request still names a person (an officer's account linked to a
  deleted person is unlinked). Absences, preferences, overrides, pins
  and history are deleted and loaded again. Zones and people keep their
  original order; new ones come after them.
- Export of a horizon ``[start, end)`` holds every zone, role and person, all
  history loads, history duties that start before ``end``, the absences and
  preferences that overlap the horizon's shifts (from the first shift's start
  to the last shift's end, so a week-long duty starting on the last day still
  sees its absences), and the overrides, pins and published duties of shifts
  that start in the horizon. Published duties of shifts the roles no longer
  produce are left out (nothing to stay close to); a pin or override of such
  a shift makes the export ``Invalid``, naming it, because a planner decided it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, FieldProblem, Invalid, NotFound
from scheduler.models import (
    Absence,
    Assignment,
    Cooperation,
    HistoryDuty,
    Person,
    PersonHistoryLoad,
    Pin,
    Preference,
    Role,
    RotaVersion,
    ShiftOverride,
    SwapRequest,
    Zone,
    ZoneHistoryLoad,
)
from scheduler.models.planning import Code, Slug
from scheduler.models.types import utcnow
from solver import rota as rota_schema
from solver import scenario as schema
from solver.scenario import (
    Moment,
    Scenario,
    ScenarioError,
    parse_scenario,
    problems_from_validation,
    scenario_to_data,
)
from solver.shifts import expand_shifts

IMPORT_SOURCE = "import"

_code_adapter: TypeAdapter[str] = TypeAdapter(Code)
_slug_adapter: TypeAdapter[str] = TypeAdapter(Slug)


def invalid_scenario(error: ScenarioError) -> Invalid:
    """The domain error for a scenario that does not parse, with its field paths."""
    return Invalid(
        str(error), fields=[FieldProblem(path, message) for path, message in error.problems]
    )


def slugify(name: str) -> str:
    """``Het Houtsche + Regio Tielt 2026`` → ``het-houtsche-regio-tielt-2026``."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].rstrip("-")
    return slug or "scenario"


# --- Import ----------------------------------------------------------------------------------


def import_scenario(
    *,
    session: Session,
    scenario: Scenario,
    slug: str | None = None,
    replace: bool = False,
    actor: Actor | None = None,
) -> Cooperation:
    """Load every part of ``scenario`` into the cooperation ``slug``; commits once.

    ``slug`` defaults to the slugified scenario name. An existing slug is a
    ``Conflict`` unless ``replace``. Admins only (``actor`` None: the command line).
    """
    if actor is not None:
        actor.require_admin()
    slug = slug if slug is not None else slugify(scenario.name)
    try:
        # Scenarios built in code have not necessarily met the parser's reference checks.
        scenario = parse_scenario(scenario_to_data(scenario))
        _check_storable(scenario, slug)
        cooperation = _Importer(session, scenario, actor).run(slug, replace)
        session.commit()
    except ScenarioError as error:
        session.rollback()
        raise invalid_scenario(error) from None
    except IntegrityError:
        # Someone else wrote the same cooperation at the same moment.
        session.rollback()
        raise Conflict(f"cooperation '{slug}' changed during the import; try again") from None
    except BaseException:
        session.rollback()
        raise
    return cooperation


def import_scenario_data(
    *,
    session: Session,
    data: Any,
    slug: str | None = None,
    replace: bool = False,
    actor: Actor | None = None,
) -> Cooperation:
    """``import_scenario`` for plain data (an HTTP body, a file's content); ``Invalid``
    naming each field when it is not a valid scenario."""
    if actor is not None:
        actor.require_admin()
    try:
        scenario = parse_scenario(data)
    except ScenarioError as error:
        raise invalid_scenario(error) from None
    return import_scenario(
        session=session, scenario=scenario, slug=slug, replace=replace, actor=actor
    )


def _limit(model: type[SQLModel], column: str) -> int:
    length: int = model.__table__.c[column].type.length  # type: ignore[attr-defined]
    return length


def _check_storable(scenario: Scenario, slug: str) -> None:
    """Codes and lengths the database needs, beyond what the scenario format checks."""
    problems: list[tuple[str, str]] = []

    def check(path: str, value: str | None, model: type[SQLModel], column: str) -> None:
        if value is not None and len(value) > _limit(model, column):
            problems.append((path, f"at most {_limit(model, column)} characters"))

    def check_code(path: str, value: str, model: type[SQLModel] | None = None) -> None:
        try:
            _code_adapter.validate_python(value)
        except ValidationError as error:
            problems.extend((path, message) for _, message in problems_from_validation(error))
        if model is not None:
            check(path, value, model, "code")

    try:
        _slug_adapter.validate_python(slug)
    except ValidationError as error:
        problems.extend(("slug", message) for _, message in problems_from_validation(error))
    check("slug", slug, Cooperation, "slug")
    check("name", scenario.name, Cooperation, "name")
    for index, zone in enumerate(scenario.zones):
        check_code(f"zones[{index}].id", zone.id, Zone)
        check(f"zones[{index}].name", zone.name, Zone, "name")
    for index, role in enumerate(scenario.roles):
        check_code(f"roles[{index}].id", role.id, Role)
        check(f"roles[{index}].name", role.name, Role, "name")
        for position, qualification in enumerate(role.requires):
            check_code(f"roles[{index}].requires[{position}]", qualification)
    for index, person in enumerate(scenario.people):
        check_code(f"people[{index}].id", person.id, Person)
        check(f"people[{index}].name", person.name, Person, "name")
        for position, qualification in enumerate(person.qualifications):
            check_code(f"people[{index}].qualifications[{position}]", qualification)
        if person.contact is not None:
            check(f"people[{index}].contact.phone", person.contact.phone, Person, "phone")
            check(f"people[{index}].contact.email", person.contact.email, Person, "email")
    for index, absence in enumerate(scenario.absences):
        check(f"absences[{index}].reason", absence.reason, Absence, "reason")

    def check_unique(kind: str, keys: Iterable[tuple[str, ...]]) -> None:
        seen: set[tuple[str, ...]] = set()
        for index, key in enumerate(keys):
            if key in seen:
                problems.append((f"{kind}[{index}]", f"duplicate entry for {' '.join(key)}"))
            seen.add(key)

    check_unique("fixed", ((pin.shift, pin.person) for pin in scenario.fixed))
    check_unique("previous", ((pin.shift, pin.person) for pin in scenario.previous))
    check_unique("shift_overrides", ((override.shift,) for override in scenario.shift_overrides))
    if problems:
        raise ScenarioError(problems)


def _local(moment: Moment, scenario: Scenario) -> datetime:
    """A scenario moment as naive local wall-clock time of the scenario's time zone."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            return moment
        return moment.astimezone(scenario.tz).replace(tzinfo=None)
    return datetime.combine(moment, time(0))


def _whole_days(start: Moment, end: Moment) -> bool:
    return not isinstance(start, datetime) and not isinstance(end, datetime)


@dataclass
class _Importer:
    """One import: the rows it writes, keyed by the codes the scenario uses."""

    session: Session
    scenario: Scenario
    actor: Actor | None
    cooperation_id: int = field(init=False)
    zones: dict[str, Zone] = field(init=False)
    people: dict[str, Person] = field(init=False)
    roles: dict[str, Role] = field(init=False)
    # Rows of a replaced cooperation that the new scenario no longer has.
    _old_zones: list[Zone] = field(init=False)
    _old_people: list[Person] = field(init=False)
    _old_roles: list[Role] = field(init=False)

    def run(self, slug: str, replace: bool) -> Cooperation:
        existing = self.session.exec(select(Cooperation).where(Cooperation.slug == slug)).first()
        if existing is not None and not replace:
            raise Conflict(
                f"a cooperation with slug '{slug}' already exists; replace it or choose another"
            )
        cooperation = self._cooperation(existing, slug)
        assert cooperation.id is not None
        self.cooperation_id = cooperation.id
        if existing is not None:
            self._clear_dependent_rows()
        self.zones = self._zones()
        self.people = self._people()
        self.roles = self._roles()
        self._delete_missing()
        counts = {
            "zones": len(self.zones),
            "roles": len(self.roles),
            "people": len(self.people),
            "absences": self._absences(),
            "preferences": self._preferences(),
            "shift_overrides": self._overrides(),
            "fixed": self._pins(),
            "history_loads": self._history_loads(),
            "history_duties": self._history_duties(),
            "previous": self._previous(),
        }
        audit.record(
            self.session,
            actor=self.actor.user if self.actor else None,
            action="import",
            entity="cooperation",
            entity_id=cooperation.id,
            cooperation_id=cooperation.id,
            after={"slug": slug, "name": cooperation.name, "replace": existing is not None}
            | counts,
        )
        self.session.flush()
        return cooperation

    def _cooperation(self, existing: Cooperation | None, slug: str) -> Cooperation:
        scenario = self.scenario
        fields: dict[str, Any] = {
            "name": scenario.name,
            "timezone": scenario.timezone,
            "calendar": scenario.calendar.model_dump(mode="json"),
            "rules": scenario.rules.model_dump(mode="json"),
            "objective": scenario.objective.model_dump(mode="json"),
            "solver_options": scenario.solver.model_dump(mode="json"),
        }
        row = existing or Cooperation(slug=slug, **fields)
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
        self.session.add(row)
        self.session.flush()
        return row

    def _owned(self, model: Any) -> Any:
        return select(model).where(model.cooperation_id == self.cooperation_id)

    def _clear_dependent_rows(self) -> None:
        for model in (
            Absence,
            Preference,
            ShiftOverride,
            Pin,
            PersonHistoryLoad,
            ZoneHistoryLoad,
            HistoryDuty,
        ):
            self.session.execute(
                delete(model).where(col(model.cooperation_id) == self.cooperation_id)
            )

    def _zones(self) -> dict[str, Zone]:
        existing = {row.code: row for row in self.session.exec(self._owned(Zone)).all()}
        rows: dict[str, Zone] = {}
        for zone in self.scenario.zones:
            row = existing.get(zone.id) or Zone(
                cooperation_id=self.cooperation_id, code=zone.id, name=zone.name
            )
            row.name = zone.name
            self.session.add(row)
            rows[zone.id] = row
        self.session.flush()
        self._old_zones = [row for code, row in existing.items() if code not in rows]
        return rows

    def _people(self) -> dict[str, Person]:
        existing = {row.code: row for row in self.session.exec(self._owned(Person)).all()}
        rows: dict[str, Person] = {}
        for person in self.scenario.people:
            row = existing.get(person.id) or Person(
                cooperation_id=self.cooperation_id,
                zone_id=0,
                code=person.id,
                name=person.name,
            )
            active = person.active or schema.ActiveWindow()
            contact = person.contact or schema.Contact()
            row.zone_id = self.zones[person.zone].id
            row.name = person.name
            row.qualifications = list(person.qualifications)
            row.fte = person.fte
            row.active_start = active.start
            row.active_end = active.end
            row.phone = contact.phone
            row.email = contact.email
            self.session.add(row)
            rows[person.id] = row
        self.session.flush()
        self._old_people = [row for code, row in existing.items() if code not in rows]
        return rows

    def _roles(self) -> dict[str, Role]:
        existing = {row.code: row for row in self.session.exec(self._owned(Role)).all()}
        rows: dict[str, Role] = {}
        for position, role in enumerate(self.scenario.roles):
            row = existing.get(role.id) or Role(
                cooperation_id=self.cooperation_id, code=role.id, name=role.name
            )
            row.name = role.name
            row.requires = list(role.requires)
            row.staff = role.staff
            row.shifts = [
                template.model_dump(mode="json", exclude_defaults=True) for template in role.shifts
            ]
            row.zone_shares = None if role.zone_shares is None else dict(role.zone_shares)
            row.min_gap = None if role.min_gap is None else str(role.min_gap)
            row.max_duties = [limit.model_dump(mode="json") for limit in role.max_duties]
            row.position = position
            self.session.add(row)
            rows[role.id] = row
        self.session.flush()
        self._old_roles = [row for code, row in existing.items() if code not in rows]
        return rows

    def _delete_missing(self) -> None:
        """Delete the zones, people and roles the file no longer has, if nothing names them."""
        if self._old_people:
            ids = [row.id for row in self._old_people]
            named: set[int | None] = set(
                self.session.exec(
                    select(Assignment.person_id).where(col(Assignment.person_id).in_(ids))
                ).all()
            )
            for column in (SwapRequest.requester_id, SwapRequest.target_id, SwapRequest.taker_id):
                named.update(self.session.exec(select(column).where(col(column).in_(ids))).all())
            blocked = sorted(row.code for row in self._old_people if row.id in named)
            if blocked:
                raise Conflict(
                    "the scenario leaves out people that rota versions or swap requests still "
                    f"name: {', '.join(blocked)}; keep them in the file (they may be inactive)"
                )
        for rows in (self._old_people, self._old_roles):
            for row in rows:
                self.session.delete(row)
        self.session.flush()
        for zone in self._old_zones:
            self.session.delete(zone)
        self.session.flush()

    def _add_all(self, rows: list[Any]) -> int:
        self.session.add_all(rows)
        return len(rows)

    def _absences(self) -> int:
        scenario = self.scenario
        return self._add_all(
            [
                Absence(
                    cooperation_id=self.cooperation_id,
                    person_id=self.people[entry.person].id,  # type: ignore[arg-type]
                    start=_local(entry.start, scenario),
                    end=_local(entry.end, scenario),
                    whole_days=_whole_days(entry.start, entry.end),
                    reason=entry.reason,
                )
                for entry in scenario.absences
            ]
        )

    def _preferences(self) -> int:
        scenario = self.scenario
        return self._add_all(
            [
                Preference(
                    cooperation_id=self.cooperation_id,
                    person_id=self.people[entry.person].id,  # type: ignore[arg-type]
                    start=_local(entry.start, scenario),
                    end=_local(entry.end, scenario),
                    whole_days=_whole_days(entry.start, entry.end),
                    kind=entry.kind,
                    weight=entry.weight,
                )
                for entry in scenario.preferences
            ]
        )

    def _overrides(self) -> int:
        return self._add_all(
            [
                ShiftOverride(
                    cooperation_id=self.cooperation_id, shift=entry.shift, staff=entry.staff
                )
                for entry in self.scenario.shift_overrides
            ]
        )

    def _pins(self) -> int:
        return self._add_all(
            [
                Pin(
                    cooperation_id=self.cooperation_id,
                    shift=entry.shift,
                    person_id=self.people[entry.person].id,  # type: ignore[arg-type]
                )
                for entry in self.scenario.fixed
            ]
        )

    def _history_loads(self) -> int:
        load = self.scenario.history.load
        rows: list[SQLModel] = [
            PersonHistoryLoad(
                cooperation_id=self.cooperation_id,
                person_id=self.people[person].id,  # type: ignore[arg-type]
                role_id=self.roles[role].id,  # type: ignore[arg-type]
                load=value,
            )
            for person, loads in load.people.items()
            for role, value in loads.items()
        ]
        rows += [
            ZoneHistoryLoad(
                cooperation_id=self.cooperation_id,
                zone_id=self.zones[zone].id,  # type: ignore[arg-type]
                role_id=self.roles[role].id,  # type: ignore[arg-type]
                load=value,
            )
            for zone, loads in load.zones.items()
            for role, value in loads.items()
        ]
        return self._add_all(rows)

    def _history_duties(self) -> int:
        scenario = self.scenario
        return self._add_all(
            [
                HistoryDuty(
                    cooperation_id=self.cooperation_id,
                    role_id=self.roles[duty.role].id,  # type: ignore[arg-type]
                    person_id=self.people[duty.person].id,  # type: ignore[arg-type]
                    start=_local(duty.start, scenario),
                    end=_local(duty.end, scenario),
                    whole_days=_whole_days(duty.start, duty.end),
                )
                for duty in scenario.history.duties
            ]
        )

    def _previous(self) -> int:
        """Store ``previous`` as the published rota version of the scenario's horizon."""
        scenario = self.scenario
        horizon = scenario.horizon
        published = self.session.exec(
            self._owned(RotaVersion).where(
                RotaVersion.status == "published",
                RotaVersion.horizon_start == horizon.start,
                RotaVersion.horizon_end == horizon.end,
            )
        ).all()
        if not scenario.previous:
            return 0
        for version in published:
            version.status = "superseded"
            self.session.add(version)
        self.session.flush()

        # A published duty may name a shift an override has since removed: it keeps
        # the times and load the shift had, so the export gives it back.
        unchanged = scenario.model_copy(update={"shift_overrides": []})
        shifts = {shift.id: shift for shift in expand_shifts(unchanged)}
        pinned = {(pin.shift, pin.person) for pin in scenario.fixed}
        duties: list[rota_schema.Assignment] = []
        problems: list[tuple[str, str]] = []
        for index, entry in enumerate(scenario.previous):
            shift = shifts.get(entry.shift)
            if shift is None:
                problems.append((f"previous[{index}].shift", f"shift {entry.shift} has staff 0"))
                continue
            duties.append(
                rota_schema.Assignment(
                    shift=shift.id,
                    role=shift.role,
                    start=shift.start,
                    end=shift.end,
                    person=entry.person,
                    zone=scenario.person(entry.person).zone,
                    load=shift.load,
                    fixed=(entry.shift, entry.person) in pinned,
                )
            )
        if problems:
            raise ScenarioError(problems)
        rota = rota_schema.Rota(scenario=scenario.name, status="FEASIBLE", assignments=duties)
        user_id = self.actor.user.id if self.actor else None
        version = RotaVersion(
            cooperation_id=self.cooperation_id,
            horizon_start=horizon.start,
            horizon_end=horizon.end,
            status="published",
            source=IMPORT_SOURCE,
            rota=rota.model_dump(mode="json"),
            created_by_id=user_id,
            published_at=utcnow(),
            published_by_id=user_id,
        )
        self.session.add(version)
        self.session.flush()
        return self._add_all(
            [
                Assignment(
                    version_id=version.id,  # type: ignore[arg-type]
                    shift=duty.shift,
                    role=duty.role,
                    person_id=self.people[duty.person].id,  # type: ignore[arg-type]
                    zone=duty.zone,
                    start=duty.start,
                    end=duty.end,
                    load=duty.load,
                    fixed=duty.fixed,
                )
                for duty in duties
            ]
        )


# --- Export ----------------------------------------------------------------------------------


def find_cooperation(*, session: Session, slug: str) -> Cooperation:
    """The cooperation with ``slug`` (the command line names cooperations by slug)."""
    row = session.exec(select(Cooperation).where(Cooperation.slug == slug)).first()
    if row is None:
        raise NotFound(f"no cooperation with slug '{slug}'")
    return row


def export_scenario(
    *,
    session: Session,
    cooperation_id: int,
    start: date,
    end: date,
    actor: Actor | None = None,
) -> Scenario:
    """The scenario the database describes for the horizon ``[start, end)``.

    Planners of the cooperation and admins only: a scenario holds everyone's
    absences. ``Invalid`` (naming the field) when the stored data does not
    make a valid scenario, e.g. a pin on a shift the roles no longer produce.
    """
    if actor is not None:
        actor.require_planner(cooperation_id)
    cooperation = session.get(Cooperation, cooperation_id)
    if cooperation is None:
        raise NotFound(f"cooperation {cooperation_id} not found")
    if end <= start:
        raise Invalid(
            f"the horizon end {end} must be after its start {start}",
            fields=[FieldProblem("end", "must be after start")],
        )
    try:
        return _Exporter(session, cooperation, start, end).run()
    except ScenarioError as error:
        raise invalid_scenario(error) from None


def render_scenario(scenario: Scenario, fmt: Literal["json", "yaml"]) -> str:
    """The canonical text of a scenario, as ``dump_scenario`` writes it to a file."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _moment(value: datetime, whole_days: bool) -> str:
    if whole_days and value.time() == time(0):
        return value.date().isoformat()
    return value.isoformat()


def _shift_day(shift: str) -> date | None:
    """The local start date in a shift id ``ROLE@YYYY-MM-DDTHH:MM``."""
    try:
        return datetime.fromisoformat(shift.rsplit("@", 1)[1]).date()
    except (IndexError, ValueError):
        return None


class _Exporter:
    """One export: the cooperation's rows turned back into scenario data."""

    def __init__(self, session: Session, cooperation: Cooperation, start: date, end: date) -> None:
        self.session = session
        self.cooperation = cooperation
        self.cooperation_id = cooperation.id
        self.start = start
        self.end = end

    def _owned(self, model: Any) -> Any:
        return (
            select(model).where(model.cooperation_id == self.cooperation_id).order_by(col(model.id))
        )

    def _in_horizon(self, shift: str) -> bool:
        day = _shift_day(shift)
        return day is not None and self.start <= day < self.end

    def run(self) -> Scenario:
        cooperation = self.cooperation
        zones = list(self.session.exec(self._owned(Zone)).all())
        roles = list(
            self.session.exec(
                select(Role)
                .where(Role.cooperation_id == self.cooperation_id)
                .order_by(col(Role.position), col(Role.id))
            ).all()
        )
        people = list(self.session.exec(self._owned(Person)).all())
        self.zone_code = {row.id: row.code for row in zones}
        self.role_code = {row.id: row.code for row in roles}
        self.person_code = {row.id: row.code for row in people}
        data: dict[str, Any] = {
            "format": schema.SCENARIO_FORMAT,
            "name": cooperation.name,
            "timezone": cooperation.timezone,
            "horizon": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "calendar": cooperation.calendar,
            "zones": [{"id": row.code, "name": row.name} for row in zones],
            "roles": [self._role(row) for row in roles],
            "people": [self._person(row) for row in people],
            "rules": cooperation.rules,
            "objective": cooperation.objective,
            "solver": cooperation.solver_options,
        }
        # The structure alone says which shifts the horizon has, and so which
        # absences, preferences and published duties matter.
        skeleton = parse_scenario(data)
        shifts = expand_shifts(skeleton)
        data["absences"] = self._spans(Absence, skeleton, shifts)
        data["preferences"] = self._spans(Preference, skeleton, shifts)
        data["shift_overrides"] = [
            {"shift": row.shift, "staff": row.staff}
            for row in self.session.exec(self._owned(ShiftOverride)).all()
            if self._in_horizon(row.shift)
        ]
        data["fixed"] = [
            {"shift": row.shift, "person": self.person_code[row.person_id]}
            for row in self.session.exec(self._owned(Pin)).all()
            if self._in_horizon(row.shift)
        ]
        data["history"] = self._history()
        data["previous"] = self._previous({shift.id for shift in shifts})
        return parse_scenario(data)

    def _role(self, row: Role) -> dict[str, Any]:
        return {
            "id": row.code,
            "name": row.name,
            "requires": row.requires,
            "staff": row.staff,
            "shifts": row.shifts,
            "zone_shares": row.zone_shares,
            "min_gap": row.min_gap,
            "max_duties": row.max_duties,
        }

    def _person(self, row: Person) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": row.code,
            "name": row.name,
            "zone": self.zone_code[row.zone_id],
            "qualifications": row.qualifications,
            "fte": row.fte,
        }
        if row.active_start is not None or row.active_end is not None:
            data["active"] = {
                "start": None if row.active_start is None else row.active_start.isoformat(),
                "end": None if row.active_end is None else row.active_end.isoformat(),
            }
        if row.phone is not None or row.email is not None:
            data["contact"] = {"phone": row.phone, "email": row.email}
        return data

    def _spans(
        self, model: type[Absence] | type[Preference], skeleton: Scenario, shifts: list[Any]
    ) -> list[dict[str, Any]]:
        """Absences or preferences that overlap the horizon's shifts (local times)."""
        if shifts:
            tz = skeleton.tz
            first = min(shift.start for shift in shifts).astimezone(tz).replace(tzinfo=None)
            last = max(shift.end for shift in shifts).astimezone(tz).replace(tzinfo=None)
        else:
            first = datetime.combine(self.start, time(0))
            last = datetime.combine(self.end, time(0))
        rows = self.session.exec(
            self._owned(model).where(col(model.end) > first, col(model.start) < last)
        ).all()
        entries = []
        for row in rows:
            entry: dict[str, Any] = {
                "person": self.person_code[row.person_id],
                "start": _moment(row.start, row.whole_days),
                "end": _moment(row.end, row.whole_days),
            }
            if isinstance(row, Absence):
                entry["reason"] = row.reason
            else:
                entry |= {"kind": row.kind, "weight": row.weight}
            entries.append(entry)
        return entries

    def _history(self) -> dict[str, Any]:
        people: dict[str, dict[str, float]] = {}
        for person_load in self.session.exec(self._owned(PersonHistoryLoad)).all():
            people.setdefault(self.person_code[person_load.person_id], {})[
                self.role_code[person_load.role_id]
            ] = person_load.load
        zones: dict[str, dict[str, float]] = {}
        for zone_load in self.session.exec(self._owned(ZoneHistoryLoad)).all():
            zones.setdefault(self.zone_code[zone_load.zone_id], {})[
                self.role_code[zone_load.role_id]
            ] = zone_load.load
        horizon_end = datetime.combine(self.end, time(0))
        duties = [
            {
                "role": self.role_code[row.role_id],
                "person": self.person_code[row.person_id],
                "start": _moment(row.start, row.whole_days),
                "end": _moment(row.end, row.whole_days),
            }
            for row in self.session.exec(
                self._owned(HistoryDuty).where(col(HistoryDuty.start) < horizon_end)
            ).all()
        ]
        return {"load": {"people": people, "zones": zones}, "duties": duties}

    def _previous(self, shift_ids: set[str]) -> list[dict[str, str]]:
        """Published duties of the horizon's shifts; where versions overlap, the newest wins."""
        rows = self.session.exec(
            select(Assignment)
            .join(RotaVersion, col(RotaVersion.id) == col(Assignment.version_id))
            .where(
                RotaVersion.cooperation_id == self.cooperation_id,
                RotaVersion.status == "published",
            )
            .order_by(col(Assignment.version_id), col(Assignment.id))
        ).all()
        wanted = [row for row in rows if row.shift in shift_ids]
        newest = {row.shift: row.version_id for row in wanted}
        return [
            {"shift": row.shift, "person": self.person_code[row.person_id]}
            for row in wanted
            if newest[row.shift] == row.version_id
        ]

"""Bulk import of people and absences from JSON or CSV, all or nothing.

Every row is checked with the same rules as a single create (the same body
models, references and permissions). If any row is bad, nothing is written and
the error lists every bad row as ``rows[N].field: message``.

Row numbers: ``rows[N]`` is the N-th data row counting from 1, in JSON (the
N-th element of the list) and in CSV alike; a CSV file's header row and blank
lines are not counted, so in a spreadsheet with a header ``rows[N]`` is on line
N + 1.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Session, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import Conflict, DomainError, FieldProblem, Invalid, NotPermitted
from scheduler.models import Person
from scheduler.models.planning import AbsenceCreate, PersonCreate
from scheduler.services.absences import ABSENCES
from scheduler.services.common import conflict_on_integrity_error, validate_as
from scheduler.services.cooperations import get_cooperation
from scheduler.services.people import add_person, change_person

ROW_NUMBERS = (
    "Bad rows are named `rows[N]`: the N-th data row counting from 1, in JSON (the N-th "
    "element) and in CSV alike; the CSV header row and blank lines are not counted, so in a "
    "spreadsheet `rows[N]` is on line N + 1."
)
# In CSV cells these hold several values separated by semicolons: "OBP;SB".
LIST_FIELDS = frozenset({"qualifications"})

ImportMode = Literal["create", "upsert"]


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


class ImportResult(BaseModel):
    created: int
    updated: int


def _fail(detail: str, field: str = "body") -> Invalid:
    return Invalid(f"{field}: {detail}", fields=[FieldProblem(field, detail)])


def rows_from_json(data: bytes) -> list[dict[str, Any]]:
    """A JSON list of objects (one per row)."""
    try:
        rows = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _fail(f"not valid JSON: {error}") from None
    if not isinstance(rows, list):
        raise _fail("expected a JSON list of rows")
    problems = [
        FieldProblem(f"rows[{number}]", "expected an object")
        for number, row in enumerate(rows, start=1)
        if not isinstance(row, dict)
    ]
    if problems:
        raise Invalid("; ".join(f"{p.field}: {p.message}" for p in problems), fields=problems)
    return rows


def rows_from_csv(data: bytes, fields: set[str]) -> list[dict[str, Any]]:
    """CSV with a header row of field names; empty cells are left out (the default
    applies), list fields split on ``;``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail("the CSV file must be UTF-8 encoded") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames
    if not header:
        raise _fail("the CSV file is empty; the first line must name the columns")
    unknown = [name for name in header if name not in fields]
    if unknown:
        raise _fail(
            f"unknown column(s) {', '.join(repr(name) for name in unknown)}; "
            f"known: {', '.join(sorted(fields))}",
            "header",
        )
    rows: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for number, record in enumerate(reader, start=1):
        if None in record:
            problems.append(FieldProblem(f"rows[{number}]", "more cells than columns"))
        row: dict[str, Any] = {}
        for name, cell in record.items():
            if name is None or cell is None or not cell.strip():
                continue
            value = cell.strip()
            row[name] = (
                [part.strip() for part in value.split(";") if part.strip()]
                if name in LIST_FIELDS
                else value
            )
        rows.append(row)
    if problems:
        raise Invalid("; ".join(f"{p.field}: {p.message}" for p in problems), fields=problems)
    return rows


def parse_rows(
    *, data: bytes, content_type: str, filename: str | None, body: type[BaseModel]
) -> list[dict[str, Any]]:
    """The rows of an upload: JSON or CSV by content type (or an uploaded file's name)."""
    media = content_type.split(";")[0].strip().lower()
    name = (filename or "").lower()
    if media == "application/json" or name.endswith(".json"):
        return rows_from_json(data)
    if media in ("text/csv", "application/csv") or name.endswith(".csv") or filename is not None:
        return rows_from_csv(data, set(body.model_fields))
    raise UnsupportedMediaType(
        f"send application/json, text/csv or a multipart/form-data file, not '{media}'"
    )


class _Rows:
    """Collects each row's problem; raises them all at the end."""

    def __init__(self) -> None:
        self.invalid: list[FieldProblem] = []
        self.denied: list[FieldProblem] = []
        self.conflicts: list[FieldProblem] = []

    def add(self, prefix: str, error: DomainError) -> None:
        fields = error.fields or [FieldProblem(prefix, error.detail)]
        if isinstance(error, NotPermitted):
            self.denied += [FieldProblem(prefix, error.detail)]
        elif isinstance(error, Conflict):
            self.conflicts += fields
        else:
            self.invalid += fields

    def raise_any(self, session: Session) -> None:
        """Nothing is written when any row is bad: refusals first, then invalid rows
        (all of them, with conflicts), then conflicts alone."""
        error: DomainError | None = None
        if self.denied:
            error = NotPermitted(_summary(self.denied), fields=self.denied)
        elif self.invalid:
            problems = sorted(self.invalid + self.conflicts, key=_row_order)
            error = Invalid(_summary(problems), fields=problems)
        elif self.conflicts:
            error = Conflict(_summary(self.conflicts), fields=self.conflicts)
        if error is not None:
            session.rollback()
            raise error


def _row_order(problem: FieldProblem) -> int:
    return int(problem.field.removeprefix("rows[").partition("]")[0])


def _summary(problems: list[FieldProblem]) -> str:
    rows = {problem.field.partition(".")[0] for problem in problems}
    listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return f"{len(rows)} bad row(s), nothing imported: {listed}"


def _record_import(
    session: Session, actor: Actor, cooperation_id: int, entity: str, result: ImportResult
) -> None:
    audit.record(
        session,
        actor=actor.user,
        action="import",
        entity=entity,
        cooperation_id=cooperation_id,
        after=result.model_dump(),
    )


def import_people(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    rows: list[dict[str, Any]],
    mode: ImportMode = "create",
) -> ImportResult:
    """Add people (``create``: an existing code is a conflict) or add and update them
    (``upsert``: a row for an existing code changes only the fields it gives). Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    existing = {
        person.code: person
        for person in session.exec(select(Person).where(Person.cooperation_id == cooperation_id))
    }
    problems = _Rows()
    result = ImportResult(created=0, updated=0)
    for number, raw in enumerate(rows, start=1):
        prefix = f"rows[{number}]"
        try:
            current = existing.get(str(raw.get("code"))) if mode == "upsert" else None
            if current is not None:
                change_person(session=session, actor=actor, row=current, changes=raw, prefix=prefix)
                result.updated += 1
            else:
                person_in = validate_as(PersonCreate, raw, prefix=prefix)
                existing[person_in.code] = add_person(
                    session=session,
                    actor=actor,
                    cooperation_id=cooperation_id,
                    person_in=person_in,
                    prefix=prefix,
                )
                result.created += 1
        except Conflict as error:
            hint = "; import with mode=upsert to update existing people" if mode == "create" else ""
            problems.add(prefix, Conflict(error.detail + hint))
        except DomainError as error:
            problems.add(prefix, error)
    problems.raise_any(session)
    _record_import(session, actor, cooperation_id, "person", result)
    with conflict_on_integrity_error(session, "a person of this import was added meanwhile"):
        session.commit()
    return result


def import_absences(
    *, session: Session, actor: Actor, cooperation_id: int, rows: list[dict[str, Any]]
) -> ImportResult:
    """Add absences; the actor must plan the zone of every person named. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    actor.require_planner(cooperation_id)
    problems = _Rows()
    result = ImportResult(created=0, updated=0)
    for number, raw in enumerate(rows, start=1):
        prefix = f"rows[{number}]"
        try:
            body = validate_as(AbsenceCreate, raw, prefix=prefix)
            ABSENCES.add(
                session=session,
                actor=actor,
                cooperation_id=cooperation_id,
                body=body,
                prefix=prefix,
            )
            result.created += 1
        except DomainError as error:
            problems.add(prefix, error)
    problems.raise_any(session)
    _record_import(session, actor, cooperation_id, "absence", result)
    session.commit()
    return result

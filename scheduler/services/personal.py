"""Rows that belong to one person: absences, preferences, pins, history loads and duties.

They share one life cycle, so they share this code: bodies name the person (and
a role) by code and are validated whole, writes are for planners of the
person's zone (some also for the person themself), every write is audited with
the row before and after in its public form, and each write commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, SQLModel, col, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import NotPermitted
from scheduler.models.planning import (
    SpanBase,
    local_datetime,
    shift_role,
    span_columns,
    span_values,
)
from scheduler.services.common import conflict_on_integrity_error, get_scoped, page, validate_as
from scheduler.services.cooperations import get_cooperation
from scheduler.services.people import (
    find_person,
    owner,
    person_codes,
    require_personal_read,
    require_personal_write,
    sees_everyone,
)
from scheduler.services.roles import find_role, role_codes

Table = TypeVar("Table", bound=SQLModel)
Body = TypeVar("Body", bound=BaseModel)
Public = TypeVar("Public", bound=BaseModel)


def _join(prefix: str, field: str) -> str:
    return f"{prefix}.{field}" if prefix else field


@dataclass(frozen=True)
class PersonalRows(Generic[Table, Body, Public]):
    """The operations on one kind of personal row.

    ``private``: an officer reads only their own rows (planners read all).
    ``own_writable``: an officer also writes their own rows.
    """

    table: type[Table]
    create_body: type[Body]
    public: type[Public]
    entity: str  # the audit log's name, e.g. "absence"
    plural: str  # for messages, e.g. "absences"
    private: bool = False
    own_writable: bool = False

    # --- the public form ----------------------------------------------------------------

    def to_public(self, session: Session, rows: list[Table]) -> list[Public]:
        if not rows:
            return []
        cooperation_id: int = getattr(rows[0], "cooperation_id")  # noqa: B009
        people = person_codes(session, cooperation_id)
        roles = role_codes(session, cooperation_id) if hasattr(rows[0], "role_id") else {}
        return [self._public(row, people, roles) for row in rows]

    def _public(self, row: Table, people: dict[int, str], roles: dict[int, str]) -> Public:
        data = row.model_dump()
        data["person"] = people[data.pop("person_id")]
        if "role_id" in data:
            data["role"] = roles[data.pop("role_id")]
        if "whole_days" in data:
            data |= span_values(data["start"], data["end"], data.pop("whole_days"))
        return self.public.model_validate(data)

    def snapshot(self, session: Session, row: Table) -> dict[str, Any]:
        return self.to_public(session, [row])[0].model_dump(mode="json")

    # --- reading ------------------------------------------------------------------------

    def list(
        self,
        *,
        session: Session,
        actor: Actor,
        cooperation_id: int,
        offset: int,
        limit: int,
        person: str | None = None,
        start: date | datetime | None = None,
        end: date | datetime | None = None,
    ) -> tuple[list[Table], int]:
        """Rows of one person (by code) or of everyone the actor may see; for periods,
        optionally only those overlapping ``[start, end)``."""
        get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
        table: Any = self.table
        query = select(self.table).where(table.cooperation_id == cooperation_id)
        if person is not None:
            row = find_person(session, cooperation_id, person, field="person")
            assert row.id is not None
            if self.private:
                require_personal_read(actor, cooperation_id, row.id, self.plural)
            query = query.where(table.person_id == row.id)
        elif self.private and not sees_everyone(actor, cooperation_id):
            if actor.person is None:
                raise NotPermitted(f"you may only see your own {self.plural}")
            query = query.where(table.person_id == actor.person.id)
        if start is not None:
            query = query.where(col(table.end) > local_datetime(start))
        if end is not None:
            query = query.where(col(table.start) < local_datetime(end))
        return page(session, query, offset=offset, limit=limit)

    def get(self, *, session: Session, actor: Actor, cooperation_id: int, row_id: int) -> Table:
        actor.require_read(cooperation_id)
        row = get_scoped(session, self.table, row_id, cooperation_id)
        if self.private:
            person_id: int = getattr(row, "person_id")  # noqa: B009
            require_personal_read(actor, cooperation_id, person_id, self.plural)
        return row

    # --- writing ------------------------------------------------------------------------

    def _columns(
        self, session: Session, actor: Actor, cooperation_id: int, body: Body, prefix: str
    ) -> dict[str, Any]:
        """The table columns for a body: codes resolved to ids (``Invalid`` naming the field
        for unknown ones), after checking the actor may write this person's rows."""
        data = body.model_dump()
        person = find_person(
            session, cooperation_id, data.pop("person"), field=_join(prefix, "person")
        )
        require_personal_write(actor, person, self.plural, own_allowed=self.own_writable)
        data["person_id"] = person.id
        if "role" in data:
            data["role_id"] = find_role(
                session, cooperation_id, data.pop("role"), field=_join(prefix, "role")
            ).id
        if "shift" in data:
            find_role(
                session, cooperation_id, shift_role(data["shift"]), field=_join(prefix, "shift")
            )
        if isinstance(body, SpanBase):
            data |= span_columns(body)
        return data

    def add(
        self, *, session: Session, actor: Actor, cooperation_id: int, body: Body, prefix: str = ""
    ) -> Table:
        """Add a row to the session and the audit log; the caller commits. ``prefix`` names
        the body's place in a larger request (``rows[3]``) in errors."""
        columns = self._columns(session, actor, cooperation_id, body, prefix)
        row = self.table(cooperation_id=cooperation_id, **columns)
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor.user,
            action="create",
            entity=self.entity,
            entity_id=getattr(row, "id"),  # noqa: B009
            cooperation_id=cooperation_id,
            after=self.snapshot(session, row),
        )
        return row

    def _conflict(self) -> str:
        return f"such a {self.entity.replace('_', ' ')} already exists"

    def create(self, *, session: Session, actor: Actor, cooperation_id: int, body: Body) -> Table:
        get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
        with conflict_on_integrity_error(session, self._conflict()):
            row = self.add(session=session, actor=actor, cooperation_id=cooperation_id, body=body)
            session.commit()
        return row

    def update(
        self,
        *,
        session: Session,
        actor: Actor,
        cooperation_id: int,
        row_id: int,
        changes: BaseModel,
    ) -> Table:
        """Apply the fields set in ``changes``; the result is validated as a whole body, and
        giving the row to another person needs the right to write theirs too."""
        row = self.get(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
        require_personal_write(
            actor, owner(session, row), self.plural, own_allowed=self.own_writable
        )
        before = self.snapshot(session, row)
        merged = validate_as(
            self.create_body, before | changes.model_dump(mode="json", exclude_unset=True)
        )
        for field, value in self._columns(session, actor, cooperation_id, merged, "").items():
            setattr(row, field, value)
        with conflict_on_integrity_error(session, self._conflict()):
            session.add(row)
            audit.record(
                session,
                actor=actor.user,
                action="update",
                entity=self.entity,
                entity_id=row_id,
                cooperation_id=cooperation_id,
                before=before,
                after=self.snapshot(session, row),
            )
            session.commit()
        return row

    def delete(self, *, session: Session, actor: Actor, cooperation_id: int, row_id: int) -> None:
        row = self.get(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
        require_personal_write(
            actor, owner(session, row), self.plural, own_allowed=self.own_writable
        )
        before = self.snapshot(session, row)
        session.delete(row)
        audit.record(
            session,
            actor=actor.user,
            action="delete",
            entity=self.entity,
            entity_id=row_id,
            cooperation_id=cooperation_id,
            before=before,
        )
        session.commit()

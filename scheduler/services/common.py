"""Helpers every service shares: scoped look-ups, pagination, validation and safe commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.errors import Conflict, FieldProblem, Invalid, NotFound
from solver.scenario import problems_from_validation

Row = TypeVar("Row", bound=SQLModel)
Body = TypeVar("Body", bound=BaseModel)

MAX_PAGE = 1000


def get_scoped(session: Session, model: type[Row], row_id: int, cooperation_id: int) -> Row:
    """The row ``row_id`` of ``model`` if it belongs to the cooperation, else ``NotFound``."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "cooperation_id", None) != cooperation_id:
        raise NotFound(f"{model.__name__.lower()} {row_id} not found")
    return row


def page(
    session: Session, query: SelectOfScalar[Row], *, offset: int, limit: int
) -> tuple[list[Row], int]:
    """One page of ``query`` (ordered by id) and the total count of its rows."""
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    entity: Any = query.column_descriptions[0]["entity"]
    rows = session.exec(
        query.order_by(col(entity.id)).offset(offset).limit(min(limit, MAX_PAGE))
    ).all()
    return list(rows), int(count)


def rows_by_code(session: Session, model: type[Row], cooperation_id: int) -> dict[str, Row]:
    """Every row of ``model`` in the cooperation, by code (cooperations hold tens of rows)."""
    rows = session.exec(
        select(model).where(getattr(model, "cooperation_id") == cooperation_id)  # noqa: B009
    ).all()
    return {getattr(row, "code"): row for row in rows}  # noqa: B009


def validate_as(model: type[Body], data: Mapping[str, Any], *, prefix: str = "") -> Body:
    """``data`` validated as ``model``, or ``Invalid`` naming each field (under ``prefix``)."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        fields = [
            FieldProblem(f"{prefix}.{path}" if prefix and path else prefix or path, message)
            for path, message in problems_from_validation(error)
        ]
        raise Invalid(
            "; ".join(f"{item.field}: {item.message}" for item in fields), fields=fields
        ) from None


@contextmanager
def conflict_on_integrity_error(session: Session, message: str) -> Iterator[None]:
    """Turn a constraint the database enforces (a concurrent duplicate, a row still
    referenced) into ``Conflict``; the session is rolled back, so nothing is half-written."""
    try:
        yield
    except IntegrityError:
        session.rollback()
        raise Conflict(message) from None

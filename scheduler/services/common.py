"""Helpers every service shares: scoped look-ups and pagination."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from scheduler.errors import NotFound

Row = TypeVar("Row", bound=SQLModel)

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

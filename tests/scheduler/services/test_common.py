"""Shared service helpers: validation naming fields under a prefix, constraint races as 409."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from scheduler.errors import Conflict, Invalid
from scheduler.models import Zone
from scheduler.models.planning import AbsenceCreate
from scheduler.services.common import conflict_on_integrity_error, rows_by_code, validate_as
from tests.factories import make_cooperation, make_zone


def test_a_duplicate_the_database_refuses_is_a_conflict_and_nothing_stays(
    session: Session,
) -> None:
    cooperation = make_cooperation(session)
    make_zone(session, cooperation=cooperation, code="HH")
    # As if a concurrent request added the same code after the service's own check.
    with (
        pytest.raises(Conflict, match="zone 'HH' exists"),
        conflict_on_integrity_error(session, "zone 'HH' exists"),
    ):
        session.add(Zone(cooperation_id=cooperation.id, code="RT", name="fine"))  # type: ignore[arg-type]
        session.add(Zone(cooperation_id=cooperation.id, code="HH", name="again"))  # type: ignore[arg-type]
        session.commit()
    codes = session.exec(select(Zone.code).where(Zone.cooperation_id == cooperation.id)).all()
    assert codes == ["HH"]
    assert set(rows_by_code(session, Zone, cooperation.id or 0)) == {"HH"}


def test_validate_as_names_fields_under_the_prefix() -> None:
    with pytest.raises(Invalid) as raised:
        validate_as(
            AbsenceCreate,
            {"person": "hh-01", "start": "2026-07-13", "end": "2026-07-13"},
            prefix="rows[3]",
        )
    assert [(item.field, item.message) for item in raised.value.fields] == [
        ("rows[3].end", "end must be after start")
    ]
    assert raised.value.detail == "rows[3].end: end must be after start"

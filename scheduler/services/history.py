"""History: what happened before the planned horizons, so fairness and rest rules
hold across them.

Person loads and duties belong to a person (planners of that person's zone
write them); zone loads belong to a zone (planners of that zone write them).
Everyone in the cooperation reads them: they are the fairness ledger. Rows
refer to roles by id, so renaming a role keeps its history.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from scheduler import audit
from scheduler.auth import Actor
from scheduler.errors import FieldProblem, Invalid
from scheduler.models import HistoryDuty, PersonHistoryLoad, Zone, ZoneHistoryLoad
from scheduler.models.planning import (
    HistoryDutyCreate,
    HistoryDutyPublic,
    PersonHistoryLoadCreate,
    PersonHistoryLoadPublic,
    ZoneHistoryLoadCreate,
    ZoneHistoryLoadPublic,
    ZoneHistoryLoadUpdate,
)
from scheduler.services.common import (
    conflict_on_integrity_error,
    get_scoped,
    page,
    rows_by_code,
    validate_as,
)
from scheduler.services.cooperations import get_cooperation
from scheduler.services.people import zone_codes
from scheduler.services.personal import PersonalRows
from scheduler.services.roles import find_role, role_codes

PERSON_LOADS = PersonalRows(
    table=PersonHistoryLoad,
    create_body=PersonHistoryLoadCreate,
    public=PersonHistoryLoadPublic,
    entity="person_history_load",
    plural="history loads",
)

HISTORY_DUTIES = PersonalRows(
    table=HistoryDuty,
    create_body=HistoryDutyCreate,
    public=HistoryDutyPublic,
    entity="history_duty",
    plural="history duties",
)

ZONE_LOAD = "zone_history_load"


def zone_loads_to_public(
    session: Session, rows: list[ZoneHistoryLoad]
) -> list[ZoneHistoryLoadPublic]:
    if not rows:
        return []
    zones = zone_codes(session, rows[0].cooperation_id)
    roles = role_codes(session, rows[0].cooperation_id)
    return [
        ZoneHistoryLoadPublic.model_validate(
            row.model_dump() | {"zone": zones[row.zone_id], "role": roles[row.role_id]}
        )
        for row in rows
    ]


def _snapshot(session: Session, row: ZoneHistoryLoad) -> dict[str, Any]:
    return zone_loads_to_public(session, [row])[0].model_dump(mode="json")


def list_zone_loads(
    *, session: Session, actor: Actor, cooperation_id: int, offset: int, limit: int
) -> tuple[list[ZoneHistoryLoad], int]:
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    query = select(ZoneHistoryLoad).where(ZoneHistoryLoad.cooperation_id == cooperation_id)
    return page(session, query, offset=offset, limit=limit)


def get_zone_load(
    *, session: Session, actor: Actor, cooperation_id: int, row_id: int
) -> ZoneHistoryLoad:
    actor.require_read(cooperation_id)
    return get_scoped(session, ZoneHistoryLoad, row_id, cooperation_id)


def _zone_load_columns(
    session: Session, actor: Actor, cooperation_id: int, body: ZoneHistoryLoadCreate
) -> dict[str, Any]:
    actor.require_planner(cooperation_id)
    zone = rows_by_code(session, Zone, cooperation_id).get(body.zone)
    if zone is None or zone.id is None:
        message = f"unknown zone '{body.zone}'"
        raise Invalid(f"zone: {message}", fields=[FieldProblem("zone", message)])
    actor.require_zone_planner(cooperation_id, zone.id, f"zone {zone.code}")
    role = find_role(session, cooperation_id, body.role, field="role")
    return {"zone_id": zone.id, "role_id": role.id, "load": body.load}


def _write_zone_load(
    session: Session, actor: Actor, row: ZoneHistoryLoad, action: str, before: dict[str, Any] | None
) -> None:
    with conflict_on_integrity_error(session, "this zone already has a load for this role"):
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor=actor.user,
            action=action,
            entity=ZONE_LOAD,
            entity_id=row.id,
            cooperation_id=row.cooperation_id,
            before=before,
            after=_snapshot(session, row),
        )
        session.commit()


def create_zone_load(
    *, session: Session, actor: Actor, cooperation_id: int, body: ZoneHistoryLoadCreate
) -> ZoneHistoryLoad:
    """Planners of the zone record its past load for a role. Commits."""
    get_cooperation(session=session, actor=actor, cooperation_id=cooperation_id)
    row = ZoneHistoryLoad(
        cooperation_id=cooperation_id, **_zone_load_columns(session, actor, cooperation_id, body)
    )
    _write_zone_load(session, actor, row, "create", None)
    return row


def update_zone_load(
    *,
    session: Session,
    actor: Actor,
    cooperation_id: int,
    row_id: int,
    changes: ZoneHistoryLoadUpdate,
) -> ZoneHistoryLoad:
    """Planners of the zone (of both zones when the row moves) edit it. Commits."""
    row = get_zone_load(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
    actor.require_zone_planner(cooperation_id, row.zone_id, "this zone load")
    before = _snapshot(session, row)
    merged = validate_as(
        ZoneHistoryLoadCreate, before | changes.model_dump(mode="json", exclude_unset=True)
    )
    for field, value in _zone_load_columns(session, actor, cooperation_id, merged).items():
        setattr(row, field, value)
    _write_zone_load(session, actor, row, "update", before)
    return row


def delete_zone_load(*, session: Session, actor: Actor, cooperation_id: int, row_id: int) -> None:
    row = get_zone_load(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
    actor.require_zone_planner(cooperation_id, row.zone_id, "this zone load")
    before = _snapshot(session, row)
    session.delete(row)
    audit.record(
        session,
        actor=actor.user,
        action="delete",
        entity=ZONE_LOAD,
        entity_id=row_id,
        cooperation_id=cooperation_id,
        before=before,
    )
    session.commit()

"""Routes for a cooperation's audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from scheduler.api.deps import CurrentActor, Page, PagingDep, SessionDep
from scheduler.services import accounts as service

router = APIRouter(prefix="/cooperations/{cooperation_id}/audit", tags=["audit"])


@router.get("", description="Newest first. For planners of the cooperation and admins.")
def list_audit_events(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    paging: PagingDep,
    entity: Annotated[str | None, Query(description="e.g. person, absence, role")] = None,
    action: Annotated[str | None, Query(description="e.g. create, update, delete")] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="events at or after this instant (with offset)")
    ] = None,
) -> Page[service.AuditEventPublic]:
    rows, count = service.list_audit_events(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=paging.offset,
        limit=paging.limit,
        entity=entity,
        action=action,
        since=since,
    )
    return Page(
        data=[service.AuditEventPublic.model_validate(row, from_attributes=True) for row in rows],
        count=count,
    )

"""Routes for absences: periods people cannot be planned."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.api.personal import add_personal_routes
from scheduler.models.planning import AbsenceCreate, AbsencePublic, AbsenceUpdate
from scheduler.services.absences import ABSENCES

router = APIRouter(prefix="/cooperations/{cooperation_id}/absences", tags=["absences"])

add_personal_routes(
    router,
    ABSENCES,
    path="",
    create_body=AbsenceCreate,
    update_body=AbsenceUpdate,
    public=AbsencePublic,
    periods=True,
    listing="Officers see only their own absences; planners see all.",
)

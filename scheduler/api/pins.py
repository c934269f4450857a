"""Routes for pins: a person fixed on a shift by a planner."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.api.personal import add_personal_routes
from scheduler.models.planning import PinCreate, PinPublic, PinUpdate
from scheduler.services.pins import PINS

router = APIRouter(prefix="/cooperations/{cooperation_id}/pins", tags=["pins"])

add_personal_routes(
    router,
    PINS,
    path="",
    create_body=PinCreate,
    update_body=PinUpdate,
    public=PinPublic,
    periods=False,
)

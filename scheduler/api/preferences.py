"""Routes for preferences: soft wishes to avoid or get duties."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.api.personal import add_personal_routes
from scheduler.models.planning import PreferenceCreate, PreferencePublic, PreferenceUpdate
from scheduler.services.preferences import PREFERENCES

router = APIRouter(prefix="/cooperations/{cooperation_id}/preferences", tags=["preferences"])

add_personal_routes(
    router,
    PREFERENCES,
    path="",
    create_body=PreferenceCreate,
    update_body=PreferenceUpdate,
    public=PreferencePublic,
    periods=True,
    listing="Officers see only their own preferences; planners see all.",
)

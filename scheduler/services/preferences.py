"""Preferences: soft wishes to avoid or get duties in a period.

Officers keep their own preferences (create, edit, delete); planners of the
person's zone may do the same for them, and every planner of the cooperation
reads them all. Bounds follow the absences' rules (local time, dates are whole days).
"""

from __future__ import annotations

from scheduler.models import Preference
from scheduler.models.planning import PreferenceCreate, PreferencePublic
from scheduler.services.personal import PersonalRows

PREFERENCES = PersonalRows(
    table=Preference,
    create_body=PreferenceCreate,
    public=PreferencePublic,
    entity="preference",
    plural="preferences",
    private=True,
    own_writable=True,
)

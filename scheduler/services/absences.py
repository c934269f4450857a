"""Absences: periods a person cannot be planned (leave, training, sick leave).

Reasons can be private, so an officer sees only their own absences; planners of
every zone of the cooperation see all (planning is shared across zones); only
planners of the person's zone write them. Bounds are local wall-clock times of
the cooperation; bare dates mean whole days (stored as local midnight with
``whole_days``), and the API gives dates back for those.
"""

from __future__ import annotations

from scheduler.models import Absence
from scheduler.models.planning import AbsenceCreate, AbsencePublic
from scheduler.services.personal import PersonalRows

ABSENCES = PersonalRows(
    table=Absence,
    create_body=AbsenceCreate,
    public=AbsencePublic,
    entity="absence",
    plural="absences",
    private=True,
)

"""Pins: hard planner decisions that a person takes a shift (the scenario's ``fixed``).

Everyone in the cooperation reads them; planners of the person's zone write
them. The shift is named by its id and its role must exist.
"""

from __future__ import annotations

from scheduler.models import Pin
from scheduler.models.planning import PinCreate, PinPublic
from scheduler.services.personal import PersonalRows

PINS = PersonalRows(table=Pin, create_body=PinCreate, public=PinPublic, entity="pin", plural="pins")

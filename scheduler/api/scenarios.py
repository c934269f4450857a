"""Routes for scenario files: export a cooperation's horizon, import a scenario.

Only planners of the cooperation and admins may export: a scenario holds
every person's absences and preferences, which officers must not see of each
other. Only admins import: an import creates or replaces a whole cooperation.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response, status

from scheduler.api.deps import CurrentActor, SessionDep
from scheduler.models.planning import CooperationPublic
from scheduler.services import cooperations
from scheduler.services import scenarios as service

router = APIRouter(prefix="/cooperations", tags=["scenarios"])

MEDIA_TYPES = {"json": "application/json", "yaml": "application/yaml"}


@router.get(
    "/{cooperation_id}/scenario",
    responses={
        200: {
            "description": "The scenario (format permanence/scenario@1) of the horizon",
            "content": {"application/json": {}, "application/yaml": {}},
        }
    },
)
def export_scenario(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    start: Annotated[date, Query(description="First day of the horizon, YYYY-MM-DD")],
    end: Annotated[date, Query(description="Day after the horizon, YYYY-MM-DD (exclusive)")],
    fmt: Annotated[Literal["json", "yaml"], Query(alias="format")] = "json",
) -> Response:
    scenario = service.export_scenario(
        session=session, cooperation_id=cooperation_id, start=start, end=end, actor=actor
    )
    return Response(service.render_scenario(scenario, fmt), media_type=MEDIA_TYPES[fmt])


@router.post("/import", status_code=status.HTTP_201_CREATED)
def import_scenario(
    session: SessionDep,
    actor: CurrentActor,
    scenario: Annotated[dict[str, Any], Body(description="A scenario, permanence/scenario@1")],
    slug: Annotated[str | None, Query(description="Default: the slugified scenario name")] = None,
    replace: bool = False,
) -> CooperationPublic:
    row = service.import_scenario_data(
        session=session, data=scenario, slug=slug, replace=replace, actor=actor
    )
    return cooperations.to_public(row)

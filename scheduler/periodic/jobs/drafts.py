"""Periodic job: review the drafts that rolling generation produced.

For each finished rolling job not yet reviewed: when the policy auto-publishes
and the draft covers every shift and passes the independent validator against
the current planning data, it is published (``rota.published`` to the
planners); otherwise the planners of every zone hear of the draft with its
uncovered shifts and the solver's explanation (``rota.draft``), or of the
failure (``rota.failed``). Each job is reviewed once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.errors import DomainError
from scheduler.models import GenerationJob, PeriodicMark, RotaVersion, Zone
from scheduler.periodic.jobs.rolling import MARK_PREFIX, policy_for
from scheduler.periodic.marks import system_actor
from scheduler.periodic.registry import JobContext
from scheduler.services import notifications, rotas
from scheduler.services.jobs import FINISHED
from solver.rota import Rota
from solver.shifts import expand
from solver.split import validate as validate_rota

log = logging.getLogger("permanence.periodic.drafts")

PENDING = "job:"
REVIEWED = "reviewed:"


def run(context: JobContext) -> str:
    reviewed = published = 0
    with Session(context.engine, expire_on_commit=False) as session:
        marks = session.exec(
            select(PeriodicMark).where(
                col(PeriodicMark.key).startswith(MARK_PREFIX),
                col(PeriodicMark.value).startswith(PENDING),
            )
        ).all()
        for mark in marks:
            assert mark.value is not None
            job = session.get(GenerationJob, int(mark.value.removeprefix(PENDING)))
            if job is not None and job.status not in FINISHED:
                continue  # still queued or running
            try:
                published += review(session, job, context.settings, now=context.now)
            except Exception:  # one draft's failure must not stop the others
                session.rollback()
                log.exception("reviewing a rolling draft failed", extra={"mark": mark.key})
                continue
            mark.value = REVIEWED + mark.value.removeprefix(PENDING)
            session.add(mark)
            session.commit()
            reviewed += 1
    return f"{reviewed} drafts reviewed, {published} published"


def review(
    session: Session, job: GenerationJob | None, settings: Settings, *, now: datetime
) -> int:
    """Publish or report one finished rolling job's draft; 1 when it was published."""
    if job is None:
        return 0
    zones = session.exec(select(Zone).where(Zone.cooperation_id == job.cooperation_id)).all()
    base = {"start": job.horizon_start.isoformat(), "end": job.horizon_end.isoformat()}
    version = session.get(RotaVersion, job.result_version_id) if job.result_version_id else None
    if job.status != "succeeded" or version is None:
        _tell_planners(session, job, zones, "rota.failed", base | {"error": job.error or ""})
        return 0
    rota = Rota.model_validate(version.rota)
    problems = _problems(session, version, rota, now)
    payload: dict[str, Any] = base | {
        "version": version.id,
        "status": rota.status,
        "uncovered": [item.shift for item in rota.uncovered],
        "explanation": "\n".join(rota.explanation),
        "problems": problems,
    }
    policy = policy_for(session, job.cooperation_id, settings)
    if policy is not None and policy.auto_publish and version.status == "draft" and not problems:
        try:
            rotas.publish_version(
                session=session,
                actor=system_actor(),
                cooperation_id=job.cooperation_id,
                version_id=version.id,  # type: ignore[arg-type]
            )
        except DomainError as error:
            payload["problems"] = [*problems, str(error)]
        else:
            _tell_planners(session, job, zones, "rota.published", payload)
            return 1
    _tell_planners(session, job, zones, "rota.draft", payload)
    return 0


def _problems(session: Session, version: RotaVersion, rota: Rota, now: datetime) -> list[str]:
    """Why the draft may not be published unseen: gaps, a weak status, broken rules."""
    problems = []
    if rota.status not in ("OPTIMAL", "FEASIBLE"):
        problems.append(f"the solver's status is {rota.status}")
    if rota.uncovered:
        problems.append(f"{len(rota.uncovered)} shifts are uncovered")
    scenario = rotas.generation_scenario(
        session,
        cooperation_id=version.cooperation_id,
        start=version.horizon_start,
        end=version.horizon_end,
        now=now,
    )
    # Against today's planning data: an absence entered since the solve counts.
    problems += [
        violation.message
        for violation in validate_rota(expand(scenario), rota.assignments, uncovered_allowed=False)
    ]
    return problems


def _tell_planners(
    session: Session,
    job: GenerationJob,
    zones: Sequence[Zone],
    event: str,
    payload: Mapping[str, Any],
) -> None:
    notifications.notify(
        session,
        cooperation_id=job.cooperation_id,
        event=event,
        people=[],
        planner_zones=zones,
        payload=dict(payload),
    )

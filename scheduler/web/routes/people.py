"""Planner pages for people, qualifications, absences and preferences, and bulk import
from CSV or Excel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from scheduler.api.deps import SessionDep
from scheduler.api.swaps import NowDep
from scheduler.errors import DomainError, FieldProblem, Invalid
from scheduler.models.planning import AbsenceCreate, PersonCreate, PersonUpdate, PreferenceCreate
from scheduler.services import people, spreadsheets
from scheduler.services.absences import ABSENCES
from scheduler.services.common import MAX_PAGE, validate_as
from scheduler.services.preferences import PREFERENCES
from scheduler.web import views
from scheduler.web.deps import CooperationDep, PlannerActor, verify_csrf
from scheduler.web.rendering import redirect, render, say

router = APIRouter(prefix="/c/{cooperation_id}", dependencies=[Depends(verify_csrf)])


def split_codes(text: str) -> list[str]:
    """``"OBP, SB;ICT"`` → ``["OBP", "SB", "ICT"]``."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def problems_of(error: DomainError) -> list[str]:
    return [f"{item.field}: {item.message}" for item in error.fields] or [error.detail]


def person_form_data(
    *,
    code: str,
    name: str,
    zone: str,
    qualifications: str,
    fte: str,
    active_start: str,
    active_end: str,
    phone: str,
    email: str,
) -> dict[str, Any]:
    """A person form as the body the services validate (empty fields are left out)."""
    data: dict[str, Any] = {
        "code": code.strip(),
        "name": name.strip(),
        "zone": zone.strip(),
        "qualifications": split_codes(qualifications),
        "fte": fte.strip().replace(",", ".") or "1",
        "phone": phone.strip() or None,
        "email": email.strip() or None,
        "active_start": active_start or None,
        "active_end": active_end or None,
    }
    return data


def _people_page(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    cooperation_id: int,
    *,
    zone: str = "",
    qualification: str = "",
    q: str = "",
    form: dict[str, str] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The people of the cooperation (filtered), with the form to add one."""
    rows, count = people.list_people(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=0,
        limit=MAX_PAGE,
        zone=zone or None,
        qualification=qualification or None,
        q=q or None,
    )
    everyone, _ = people.list_people(
        session=session, actor=actor, cooperation_id=cooperation_id, offset=0, limit=MAX_PAGE
    )
    return render(
        request,
        "planner/people.html",
        {
            "people": people.to_public(session, sorted(rows, key=lambda row: row.code)),
            "count": count,
            "info": views.directory(session, actor, cooperation_id),
            "zone": zone,
            "qualification": qualification,
            "qualifications": sorted({code for row in everyone for code in row.qualifications}),
            "q": q,
            "form": form or {},
            "errors": errors or [],
        },
        status=status,
    )


@router.get("/people")
def people_page(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    zone: str = "",
    qualification: str = "",
    q: str = "",
) -> HTMLResponse:
    return _people_page(
        request, session, actor, coop.id or 0, zone=zone, qualification=qualification, q=q
    )


PersonForm = dict[str, str]


def _person_fields(
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    zone: Annotated[str, Form()] = "",
    qualifications: Annotated[str, Form()] = "",
    fte: Annotated[str, Form()] = "1",
    active_start: Annotated[str, Form()] = "",
    active_end: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> PersonForm:
    return {
        "code": code,
        "name": name,
        "zone": zone,
        "qualifications": qualifications,
        "fte": fte,
        "active_start": active_start,
        "active_end": active_end,
        "phone": phone,
        "email": email,
    }


PersonFields = Annotated[PersonForm, Depends(_person_fields)]


@router.post("/people")
def add_person(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    form: PersonFields,
) -> Response:
    cooperation_id = coop.id or 0
    try:
        person_in = validate_as(PersonCreate, person_form_data(**form))
        row = people.create_person(
            session=session, actor=actor, cooperation_id=cooperation_id, person_in=person_in
        )
    except DomainError as error:
        session.rollback()
        return _people_page(
            request,
            session,
            actor,
            cooperation_id,
            form=form,
            errors=problems_of(error),
            status=error.status,
        )
    return redirect(
        request,
        f"/c/{cooperation_id}/people/{row.id}",
        flash=("ok", say(request, "people.saved", code=row.code)),
    )


def _person_page(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    person_id: int,
    *,
    form: PersonForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    cooperation_id = coop.id or 0
    row = people.get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    public = people.to_public(session, [row])[0]
    absences, _ = ABSENCES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=0,
        limit=MAX_PAGE,
        person=row.code,
    )
    preferences, _ = PREFERENCES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=0,
        limit=MAX_PAGE,
        person=row.code,
    )
    current = form or {
        "code": public.code,
        "name": public.name,
        "zone": public.zone,
        "qualifications": ", ".join(public.qualifications),
        "fte": f"{public.fte:g}",
        "active_start": public.active_start.isoformat() if public.active_start else "",
        "active_end": public.active_end.isoformat() if public.active_end else "",
        "phone": public.phone or "",
        "email": public.email or "",
    }
    return render(
        request,
        "planner/person.html",
        {
            "person": public,
            "form": current,
            "errors": errors or [],
            "info": views.directory(session, actor, cooperation_id),
            "absences": ABSENCES.to_public(session, absences),
            "preferences": PREFERENCES.to_public(session, preferences),
        },
        status=status,
    )


@router.get("/people/{person_id}")
def person_page(
    request: Request, session: SessionDep, actor: PlannerActor, coop: CooperationDep, person_id: int
) -> HTMLResponse:
    return _person_page(request, session, actor, coop, person_id)


@router.post("/people/{person_id}")
def edit_person(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    person_id: int,
    form: PersonFields,
) -> Response:
    cooperation_id = coop.id or 0
    try:
        changes = validate_as(PersonUpdate, person_form_data(**form))
        row = people.update_person(
            session=session,
            actor=actor,
            cooperation_id=cooperation_id,
            person_id=person_id,
            person_in=changes,
        )
    except DomainError as error:
        session.rollback()
        return _person_page(
            request,
            session,
            actor,
            coop,
            person_id,
            form=form,
            errors=problems_of(error),
            status=error.status,
        )
    return redirect(
        request,
        f"/c/{cooperation_id}/people/{person_id}",
        flash=("ok", say(request, "people.saved", code=row.code)),
    )


def span_from_days(first: date, last: date) -> dict[str, str]:
    """A form's first and last day (inclusive) as the services' whole-day span."""
    if last < first:
        raise Invalid(
            "the last day is before the first",
            fields=[FieldProblem("last", "the last day is before the first")],
        )
    return {"start": first.isoformat(), "end": (last + timedelta(days=1)).isoformat()}


@router.post("/people/{person_id}/absences")
def add_person_absence(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    person_id: int,
    first: Annotated[date, Form()],
    last: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    cooperation_id = coop.id or 0
    back = f"/c/{cooperation_id}/people/{person_id}"
    row = people.get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    return _add_absence(
        request, session, actor, cooperation_id, row.code, first, last, reason, back
    )


def _add_absence(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    cooperation_id: int,
    person: str,
    first: date,
    last: date,
    reason: str,
    back: str,
) -> Response:
    try:
        body = validate_as(
            AbsenceCreate,
            {"person": person, **span_from_days(first, last), "reason": reason.strip() or None},
        )
        ABSENCES.create(session=session, actor=actor, cooperation_id=cooperation_id, body=body)
    except DomainError as error:
        return redirect(request, back, flash=("error", "; ".join(problems_of(error))))
    return redirect(request, back, flash=("ok", say(request, "absences.saved")))


@router.post("/people/{person_id}/preferences")
def add_person_preference(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    person_id: int,
    kind: Annotated[str, Form()],
    first: Annotated[date, Form()],
    last: Annotated[date, Form()],
    weight: Annotated[int, Form(ge=1, le=100)] = 1,
) -> Response:
    cooperation_id = coop.id or 0
    back = f"/c/{cooperation_id}/people/{person_id}"
    row = people.get_person(
        session=session, actor=actor, cooperation_id=cooperation_id, person_id=person_id
    )
    try:
        body = validate_as(
            PreferenceCreate,
            {"person": row.code, "kind": kind, "weight": weight, **span_from_days(first, last)},
        )
        PREFERENCES.create(session=session, actor=actor, cooperation_id=cooperation_id, body=body)
    except DomainError as error:
        return redirect(request, back, flash=("error", "; ".join(problems_of(error))))
    return redirect(request, back, flash=("ok", say(request, "prefs.saved")))


@router.post("/preferences/{row_id}/delete")
def delete_preference(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    row_id: int,
    back: Annotated[str, Form()] = "",
) -> Response:
    cooperation_id = coop.id or 0
    target = back if back.startswith(f"/c/{cooperation_id}/") else f"/c/{cooperation_id}/people"
    try:
        PREFERENCES.delete(
            session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id
        )
    except DomainError as error:
        return redirect(request, target, flash=("error", error.detail))
    return redirect(request, target, flash=("ok", say(request, "absences.deleted")))


@router.get("/absences")
def absences_page(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    now: NowDep,
    start: Annotated[date | None, Query(alias="from")] = None,
) -> HTMLResponse:
    """Absences from a day on (default today), with a form to add one."""
    cooperation_id = coop.id or 0
    since = start or views.today_in(coop, now)
    rows, count = ABSENCES.list(
        session=session,
        actor=actor,
        cooperation_id=cooperation_id,
        offset=0,
        limit=MAX_PAGE,
        start=since,
    )
    info = views.directory(session, actor, cooperation_id)
    public = sorted(ABSENCES.to_public(session, rows), key=lambda row: (str(row.start), row.person))
    return render(
        request,
        "planner/absences.html",
        {"absences": public, "count": count, "info": info, "since": since},
    )


@router.post("/absences")
def add_absence(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    person: Annotated[str, Form()],
    first: Annotated[date, Form()],
    last: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    cooperation_id = coop.id or 0
    back = f"/c/{cooperation_id}/absences"
    return _add_absence(request, session, actor, cooperation_id, person, first, last, reason, back)


@router.post("/absences/{row_id}/delete")
def delete_absence(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    row_id: int,
    back: Annotated[str, Form()] = "",
) -> Response:
    cooperation_id = coop.id or 0
    target = back if back.startswith(f"/c/{cooperation_id}/") else f"/c/{cooperation_id}/absences"
    try:
        ABSENCES.delete(session=session, actor=actor, cooperation_id=cooperation_id, row_id=row_id)
    except DomainError as error:
        return redirect(request, target, flash=("error", error.detail))
    return redirect(request, target, flash=("ok", say(request, "absences.deleted")))


@router.get("/import")
def import_page(request: Request, actor: PlannerActor, coop: CooperationDep) -> HTMLResponse:
    return render(request, "planner/import.html", {"errors": [], "what": "people"})


@router.post("/import")
async def import_file(
    request: Request,
    session: SessionDep,
    actor: PlannerActor,
    coop: CooperationDep,
    file: Annotated[UploadFile, File()],
    what: Annotated[str, Form()] = "people",
    upsert: Annotated[bool, Form()] = False,
) -> Response:
    """People or absences from a .csv or .xlsx file: all rows, or none with every bad row named."""
    cooperation_id = coop.id or 0
    data = await file.read()
    try:
        if what == "absences":
            result = spreadsheets.import_absences_file(
                session=session,
                actor=actor,
                cooperation_id=cooperation_id,
                data=data,
                filename=file.filename,
                content_type=file.content_type,
            )
        else:
            result = spreadsheets.import_people_file(
                session=session,
                actor=actor,
                cooperation_id=cooperation_id,
                data=data,
                filename=file.filename,
                content_type=file.content_type,
                mode="upsert" if upsert else "create",
            )
    except DomainError as error:
        session.rollback()
        return render(
            request,
            "planner/import.html",
            {"errors": problems_of(error), "what": what},
            status=error.status,
        )
    return redirect(
        request,
        f"/c/{cooperation_id}/import",
        flash=("ok", say(request, "import.done", created=result.created, updated=result.updated)),
    )

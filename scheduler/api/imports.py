"""Routes for bulk import of people and absences (JSON or CSV, all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from starlette.datastructures import UploadFile

from scheduler.api.deps import CurrentActor, SessionDep
from scheduler.errors import FieldProblem, Invalid
from scheduler.models.planning import AbsenceCreate, PersonCreate
from scheduler.services import bulk_import as service

router = APIRouter(prefix="/cooperations/{cooperation_id}", tags=["import"])


@dataclass(frozen=True)
class RawUpload:
    data: bytes
    content_type: str
    filename: str | None


async def read_upload(request: Request) -> RawUpload:
    """The request body, or the file of a multipart form (field ``file``)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            message = "send the rows as a form field named 'file'"
            raise Invalid(f"file: {message}", fields=[FieldProblem("file", message)])
        return RawUpload(
            data=await upload.read(),
            content_type=upload.content_type or "",
            filename=upload.filename or "",
        )
    return RawUpload(data=await request.body(), content_type=content_type, filename=None)


UploadDep = Annotated[RawUpload, Depends(read_upload)]


def _request_body(schema: str, example: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}
                },
                "text/csv": {"schema": {"type": "string"}, "example": example},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            },
        }
    }


_CSV_RULES = (
    "JSON: a list of the same bodies as a single create. CSV (a `text/csv` body, or a "
    "`multipart/form-data` upload in field `file`): a header row of the same field names, "
    "one row per line, empty cells left out. All or nothing: if any row is bad nothing is "
    "written, and the problem details list every bad row. " + service.ROW_NUMBERS
)


@router.post(
    "/people/import",
    status_code=status.HTTP_201_CREATED,
    summary="Import people",
    description=(
        _CSV_RULES
        + " Qualifications in CSV are separated by semicolons: `OBP;SB`. "
        + "`mode=create` (the default) refuses codes that exist (409); `mode=upsert` updates "
        + "the people whose code exists, changing only the fields a row gives, and adds the rest."
    ),
    openapi_extra=_request_body(
        "PersonCreate", "code,name,zone,qualifications,fte\nhh-02,Bert Claes,HH,OBP;SB,0.8\n"
    ),
)
def import_people(
    session: SessionDep,
    actor: CurrentActor,
    cooperation_id: int,
    upload: UploadDep,
    mode: Annotated[service.ImportMode, Query(description="create or upsert")] = "create",
) -> service.ImportResult:
    rows = service.parse_rows(
        data=upload.data,
        content_type=upload.content_type,
        filename=upload.filename,
        body=PersonCreate,
    )
    return service.import_people(
        session=session, actor=actor, cooperation_id=cooperation_id, rows=rows, mode=mode
    )


@router.post(
    "/absences/import",
    status_code=status.HTTP_201_CREATED,
    summary="Import absences",
    description=_CSV_RULES + " Absences are always added, never merged.",
    openapi_extra=_request_body(
        "AbsenceCreate", "person,start,end,reason\nhh-01,2026-07-13,2026-08-03,leave\n"
    ),
)
def import_absences(
    session: SessionDep, actor: CurrentActor, cooperation_id: int, upload: UploadDep
) -> service.ImportResult:
    rows = service.parse_rows(
        data=upload.data,
        content_type=upload.content_type,
        filename=upload.filename,
        body=AbsenceCreate,
    )
    return service.import_absences(
        session=session, actor=actor, cooperation_id=cooperation_id, rows=rows
    )

"""Domain errors, raised by services and rendered once as RFC 9457 problem details.

Services never raise ``HTTPException``: they raise one of these, and
``install_problem_handlers`` turns each into ``application/problem+json``
with a status, a title and, for invalid input, the fields at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, fields: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or []


class Invalid(DomainError):
    status = 422
    title = "Invalid input"


class NotAuthenticated(DomainError):
    status = 401
    title = "Not authenticated"


class NotPermitted(DomainError):
    status = 403
    title = "Not permitted"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Infeasible(DomainError):
    status = 422
    title = "Infeasible"


def problem(
    *,
    status: int,
    title: str,
    detail: str,
    instance: str,
    fields: Sequence[FieldProblem] = (),
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if fields:
        body["errors"] = [{"field": item.field, "message": item.message} for item in fields]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_name(location: tuple[Any, ...]) -> str:
    # ("body", "people", 0, "zone") → "people[0].zone"; the "body"/"query" part is implied.
    from solver.scenario import format_location

    parts = (
        tuple(location[1:]) if location and location[0] in ("body", "query", "path") else location
    )
    return format_location(parts) or str(location[0] if location else "")


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        return problem(
            status=error.status,
            title=error.title,
            detail=error.detail,
            instance=request.url.path,
            fields=error.fields,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = [
            FieldProblem(
                _field_name(tuple(item["loc"])), str(item["msg"]).removeprefix("Value error, ")
            )
            for item in error.errors()
        ]
        detail = "; ".join(f"{item.field}: {item.message}" for item in fields)
        return problem(
            status=422,
            title="Invalid input",
            detail=detail,
            instance=request.url.path,
            fields=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Not authenticated"}
        return problem(
            status=error.status_code,
            title=titles.get(error.status_code, "Error"),
            detail=str(error.detail),
            instance=request.url.path,
        )

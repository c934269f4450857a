"""Server-rendered pages for planners, officers and the control room.

``install(app)`` adds the page routes, the static files (htmx and the style
sheet are served by the app itself: no CDN, police networks are often
closed) and HTML error pages for page paths; API paths keep their problem
details.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler.errors import DomainError
from scheduler.web.deps import CsrfFailed, LoginRequired
from scheduler.web.rendering import render, say

STATIC = Path(__file__).parent / "static"
API_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(API_PATHS)


def install(app: FastAPI) -> None:
    """Mount the pages and static files on ``app`` (after its API routes and handlers)."""
    from scheduler.web.routes import auth, officer, people, planner, swaps, wall

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, planner, people, swaps, officer, wall):
        app.include_router(module.router)

    async def login_required(request: Request, _error: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def csrf_failed(request: Request, _error: Exception) -> Response:
        return render(request, "error.html", {"message": say(request, "error.csrf")}, status=403)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    for error_class in (DomainError, StarletteHTTPException, RequestValidationError):
        _page_errors_as_html(app, error_class)


def _page_errors_as_html(app: FastAPI, error_class: type[Exception]) -> None:
    api_handler: Any = app.exception_handlers.get(error_class)

    async def handler(request: Request, error: Exception) -> Response:
        if not is_page(request) and api_handler is not None:
            return await api_handler(request, error)  # type: ignore[no-any-return]
        status = 500
        message = str(error)
        fields: list[str] = []
        if isinstance(error, DomainError):
            status, message = error.status, error.detail
            fields = [f"{item.field}: {item.message}" for item in error.fields]
        elif isinstance(error, StarletteHTTPException):
            status, message = error.status_code, str(error.detail)
        elif isinstance(error, RequestValidationError):
            status = 422
            message = say(request, "error.fields")
            fields = [
                f"{'.'.join(str(part) for part in item['loc'][1:])}: {item['msg']}"
                for item in error.errors()
            ]
        # The request's database session is closed by now: show the page without the rows
        # it loaded (user menu, cooperation), which could no longer be read.
        request.state.actor = None
        request.state.cooperation = None
        return render(request, "error.html", {"message": message, "fields": fields}, status=status)

    app.add_exception_handler(error_class, handler)

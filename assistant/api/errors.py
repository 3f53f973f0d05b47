"""Domain errors become HTTP statuses here, and only here."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.errors import (
    AuthError,
    Busy,
    Forbidden,
    HandoverTaken,
    InputError,
    InteractionConflict,
    ModelUnavailable,
    PromptError,
    RapportError,
    RecordsRejected,
    StoreUnavailable,
    UnknownCustomer,
    UnknownHandover,
)
from assistant.review import ReviewConflict, UnknownReview

log = logging.getLogger(__name__)

# Most specific first: ReviewConflict and InteractionConflict are InputErrors.
_STATUS: tuple[tuple[type[RapportError], int], ...] = (
    (UnknownCustomer, 404),
    (UnknownReview, 404),
    (UnknownHandover, 404),
    (HandoverTaken, 409),
    (ReviewConflict, 409),
    (InteractionConflict, 409),
    (InputError, 422),
    (AuthError, 401),
    (Forbidden, 403),
    (StoreUnavailable, 503),
    (Busy, 503),
    (ModelUnavailable, 503),
    (PromptError, 500),
)


def status_for(exc: RapportError) -> int:
    return next((code for kind, code in _STATUS if isinstance(exc, kind)), 500)


async def _rapport_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RapportError)
    code = status_for(exc)
    if code >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    body: dict[str, object] = {"detail": str(exc), "error": type(exc).__name__}
    if isinstance(exc, RecordsRejected):  # each refused record by its position in the request
        kind = "conflict" if isinstance(exc, InteractionConflict) else "rejected"
        body["detail"] = [{"type": kind, "loc": ["body", max(r.line - 1, 0), *_path(r.field)], "msg": r.reason}
                          for r in exc.rejected]
    elif isinstance(exc, InputError):
        # The same shape as FastAPI's own 422s, so a client handles both one way.
        where = "query" if request.method == "GET" else "body"  # a GET's input is its query, as FastAPI's 422s say
        loc = [where, *exc.field.split(".")] if exc.field else [where]
        body["detail"] = [{"type": "input_error", "loc": loc, "msg": exc.reason}]
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    if isinstance(exc, Busy):
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(body, status_code=code, headers=headers)


def _path(field: str) -> list[str | int]:
    """'turns.2.at' -> ['turns', 2, 'at'], as FastAPI's own 422s give it."""
    return [int(part) if part.isdigit() else part for part in field.split(".")]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RapportError, _rapport_error)

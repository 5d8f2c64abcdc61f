"""How Tether errors become HTTP errors: the status and the machine-readable type of each, and the error body.

The response bodies themselves are the models in ``tether.wire``.
"""

from __future__ import annotations

from typing import Any

from tether.errors import (
    AccessError,
    AlreadyDecided,
    ClaimConflict,
    ConfigError,
    DecisionError,
    Forbidden,
    NotDecidable,
    NotFound,
    SeparationOfDuties,
    StoreError,
    TetherError,
    Unauthenticated,
    UndoRefused,
    UsageError,
)
from tether.wire import ErrorOut

# (error class, HTTP status, machine-readable type), most specific first
ERRORS: list[tuple[type[TetherError], int, str]] = [
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (SeparationOfDuties, 403, "separation_of_duties"),
    (AccessError, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (AlreadyDecided, 409, "already_decided"),
    (UndoRefused, 409, "undo_refused"),
    (NotDecidable, 409, "not_decidable"),
    (DecisionError, 409, "conflict"),
    (ClaimConflict, 409, "claim_conflict"),
    (UsageError, 422, "invalid_request"),
    (ConfigError, 400, "bad_configuration"),
    (StoreError, 503, "store_unavailable"),
    (TetherError, 400, "error"),
]


def error_status(exc: TetherError) -> tuple[int, str]:
    return next((status, kind) for cls, status, kind in ERRORS if isinstance(exc, cls))


def error_body(kind: str, message: str, fields: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return ErrorOut.of(kind, message, fields).body()


def _documented(what: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": what}


# The error answers every /v1 route may give, for OpenAPI (``responses=``); 404 and 409 where they apply.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("A Tether error without a more specific status (e.g. a bad configuration)."),
    401: _documented("No valid bearer token (unauthenticated)."),
    403: _documented("The token's role or group may not do this (forbidden, separation_of_duties)."),
    413: _documented("The request body is over the limit (too_large)."),
    422: _documented("The request is invalid; `fields` names each invalid part (invalid_request)."),
    503: _documented("The store is unreachable: nothing above auto runs (store_unavailable)."),
}
# The same, for a route whose own answers are not JSON (the event stream): its errors still are.
JSON_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": response["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for status, response in ERROR_RESPONSES.items()
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _documented("No such action, lane, token or delivery.")}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _documented("The action is in the wrong state for this, or someone else got there first."),
}

"""How actions, outcomes and events look on the wire (JSON), and how Tether errors become HTTP errors."""

from __future__ import annotations

from typing import Any

from tether._json import iso
from tether._outcomes import outcome_of
from tether.audit import AuditEvent
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
from tether.model import Action, Outcome
from tether.store._rows import action_to_dict

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
    error: dict[str, Any] = {"type": kind, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": outcome.kind, "action_id": outcome.action_id, "text": outcome.to_tool_result()}
    for name in ("result", "error", "note", "by", "message", "reasons", "approvals", "quorum"):
        if hasattr(outcome, name):
            data[name] = getattr(outcome, name)
    for name in ("window_ends_at", "expires_at", "run_at"):
        if hasattr(outcome, name):
            data[name] = iso(getattr(outcome, name))
    return data


def action_view(action: Action) -> dict[str, Any]:
    return {"action": action_to_dict(action), "outcome": outcome_to_dict(outcome_of(action))}


def event_to_dict(event: AuditEvent) -> dict[str, Any]:
    return event.to_dict()

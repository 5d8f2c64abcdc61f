"""Plain JSON values: the checks arguments must pass, and how moments are written (ISO 8601 and epoch seconds)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tether.audit import canonical_json
from tether.errors import UsageError

if TYPE_CHECKING:
    pass


def require_json(args: dict[str, Any], what: str) -> dict[str, Any]:
    """Arguments are stored, shown to reviewers and replayed on resume, so they must be plain JSON values.

    Returns a deep copy made through JSON, so that what runs later is what was recorded and reviewed, even if
    the caller changes its dict afterwards (the memory store would otherwise share it).
    """
    problem = json_problem(args)
    if problem is not None:
        raise UsageError(f"{what}: {problem}")
    try:
        copy: dict[str, Any] = json.loads(canonical_json(args))
        return copy
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"{what} must be JSON values (str, int, float, bool, None, lists, dicts) so they can be stored, "
            f"reviewed and replayed: {exc}"
        ) from None


MAX_DEPTH = 32


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why a value cannot be stored and hashed as JSON (too deep, text that is not valid Unicode), or None."""
    if depth > MAX_DEPTH:
        return f"nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text that is not valid Unicode (a lone surrogate)"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = json_problem(key, depth + 1) if isinstance(key, str) else None
            found = found or json_problem(item, depth + 1)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = json_problem(item, depth + 1)
            if found:
                return found
    return None


def ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def from_ts(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def from_iso(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)

"""Error bodies: every 4xx and 5xx from the API is ``{"error": {"type", "message", "fields"?}}``.

``type`` is machine-readable and stable (``not_found``, ``already_decided``, ...); ``message`` is for people;
``fields`` names each invalid part of a request (422 only).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tether.wire._base import WireModel


class FieldError(WireModel):
    field: str = Field(description="Where in the request: body.args, query.limit, ...")
    message: str


class ErrorDetail(WireModel):
    type: str = Field(description="Stable and machine-readable: what a client matches on.")
    message: str
    fields: list[FieldError] | None = Field(None, description="Each invalid part of the request (422 only).")


class ErrorOut(WireModel):
    error: ErrorDetail

    @classmethod
    def of(cls, kind: str, message: str, fields: list[dict[str, str]] | None = None) -> ErrorOut:
        found = [FieldError.model_validate(f) for f in fields] if fields else None
        return cls(error=ErrorDetail(type=kind, message=message, fields=found))

    def body(self) -> dict[str, Any]:
        """The JSON body; ``fields`` is left out when there are none, as it always was."""
        return self.model_dump(mode="json", exclude_none=True)

"""What every wire model shares: frozen pydantic models, and moments written the way Tether always wrote them.

A moment goes out as ISO 8601 with an explicit ``+00:00`` offset (``datetime.isoformat`` in UTC), not pydantic's
``Z``: the bytes a client sees must not change because the server switched from dict builders to models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


Moment = Annotated[
    datetime,
    PlainSerializer(_iso, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A timezone-aware moment, written as ISO 8601 in UTC."""

JSONObject = dict[str, Any]
"""Free-form JSON an agent or a human supplied (tool arguments, event bodies): its shape is theirs, not ours."""


class WireModel(BaseModel):
    """A response body. Unknown fields are ignored when parsing, so an older client keeps working against a newer
    server that added one."""

    model_config = ConfigDict(frozen=True, extra="ignore")


def utc(moment: datetime) -> datetime:
    """A parsed moment in ``datetime.UTC``, as the local plane makes them (pydantic parses into its own tzinfo)."""
    return moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)

"""Live events: the audit log as a server-sent event stream (``/v1/events``).

Each event's id is its audit sequence number, so a client that reconnects with ``Last-Event-ID`` resumes exactly
where it stopped, on any instance. Filters: agent, tool, kind (prefix match, e.g. ``action.``).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from tether.audit import AuditEvent
from tether.errors import NotFound, TetherError
from tether.model import Role
from tether.plane import ControlPlane
from tether.server._api import MAX_SEQ, Caller, caller, plane_of, require_reader, run
from tether.server._wire import JSON_ERROR_RESPONSES
from tether.wire import StreamEventOut

router = APIRouter(prefix="/v1")
_IDLE = 0.25  # seconds between looks at the log when nothing is new
_PAGE = 200


@router.get(
    "/events",
    tags=["events"],
    summary="Action lifecycle events as server-sent events",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "Each event's `data` is this object as JSON, its `id` the audit sequence number and its "
            "`event` the audit event's kind.",
            "content": {"text/event-stream": {"schema": StreamEventOut.model_json_schema(mode="serialization")}},
        },
        **JSON_ERROR_RESPONSES,
    },
)
async def events(
    request: Request,
    who: Caller,
    agent: Annotated[str | None, Query(max_length=200)] = None,
    tool: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_SEQ)] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> EventSourceResponse:
    if who.role is Role.AGENT:
        agent = who.name  # an agent follows its own actions only
    else:
        require_reader(who)
    plane = plane_of(request)
    start = after if after is not None else _parse_id(last_event_id)
    if start is None:
        start = (await run(plane.audit_head)).seq  # a new subscriber gets what happens from now on
    return EventSourceResponse(_stream(request, plane, start, agent, tool, kind), ping=15)


_REAUTH = 5.0  # seconds: a revoked token's open streams end within this


async def _stream(
    request: Request, plane: ControlPlane, after: int, agent: str | None, tool: str | None, kind: str | None
) -> AsyncIterator[ServerSentEvent]:
    lanes: dict[str, tuple[str, str]] = {}
    checked = time.monotonic()
    while not await request.is_disconnected() and not request.app.state.stopping.is_set():
        if time.monotonic() - checked > _REAUTH:
            try:
                await caller(request)
            except TetherError:
                return  # the token was revoked: the stream ends
            checked = time.monotonic()
        batch = await run(_page, plane, after)
        for event in batch:
            after = event.seq
            lane = await _lane(plane, event, lanes)
            if _wanted(event, lane, agent, tool, kind):
                data = StreamEventOut(
                    **event.to_dict(), agent=lane[0] if lane else None, tool=lane[1] if lane else None
                )
                yield ServerSentEvent(data=data.model_dump_json(), event=event.kind, id=str(event.seq))
        if len(batch) < _PAGE:
            await request.app.state.changes.wait(max(_IDLE, request.app.state.changes.fallback))


def _page(plane: ControlPlane, after: int) -> list[AuditEvent]:
    return list(plane.audit_events(after=after, limit=_PAGE))


async def _lane(plane: ControlPlane, event: AuditEvent, cache: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    if event.action_id is None:
        return None
    if event.action_id not in cache:
        try:
            action = await run(plane.get, event.action_id)
        except NotFound:
            return None
        cache[event.action_id] = (action.call.agent, action.call.tool)
    return cache[event.action_id]


def _wanted(
    event: AuditEvent, lane: tuple[str, str] | None, agent: str | None, tool: str | None, kind: str | None
) -> bool:
    if kind is not None and not event.kind.startswith(kind):
        return False
    if agent is not None and (lane is None or lane[0] != agent):
        return False
    return tool is None or (lane is not None and lane[1] == tool)


def _parse_id(value: str | None) -> int | None:
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number <= MAX_SEQ else None

"""What the MCP gateway passes from the upstream server to its clients, besides tool results.

The gateway is one MCP client of the upstream, whoever its own clients are. So everything the upstream sends on
its own initiative must find the right client again:

- **During a call** (a tool's progress, its log lines, its questions to the user — elicitation — and its requests
  for a model completion — sampling), the answer is: the client whose call it is running. The call registers
  itself as in flight for as long as it runs upstream; what arrives meanwhile goes to the newest such call, on that
  request's own channel (over streamable HTTP, the response stream of the client's POST), as the upstream meant it.
  Over stdio there is one client anyway; over HTTP, two clients' calls running upstream at the very same moment
  cannot be told apart, since the upstream's messages name no request of ours.
- **Outside a call** (``resources/updated`` for a subscribed resource, ``…/list_changed``, log lines), the answer
  is: every client connected, or for ``resources/updated`` the clients that subscribed to that resource.
"""

from __future__ import annotations

import contextvars
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp.types import (
    INVALID_REQUEST,
    CreateMessageRequest,
    CreateMessageResult,
    ElicitRequest,
    ElicitResult,
    ErrorData,
    LoggingMessageNotificationParams,
    PromptListChangedNotification,
    ResourceListChangedNotification,
    ResourceUpdatedNotification,
    ToolListChangedNotification,
)

log = logging.getLogger("tether.mcp")

MAX_CLIENTS = 256
"""Connections remembered for notifications outside a call; the oldest is forgotten first (a client that comes
back is remembered again by its next request)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """One client request being served: the SDK's request-scoped session and the request's id."""

    session: Any  # mcp.server.session.ServerSession, the per-request proxy
    request_id: Any


CALLER: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("tether_mcp_caller", default=None)
"""The client request a gated call is serving. Set by the gateway's ``tools/call`` handler; the Gate runs the
forwarder in a thread with a copy of this context, so the forwarder knows whose call it runs."""


@dataclass
class Downstream:
    """The gateway's clients, as the upstream server sees them (see the module docstring)."""

    calls: list[Caller] = field(default_factory=list)
    clients: OrderedDict[int, Any] = field(default_factory=OrderedDict)  # connection id → a session on it
    subscribers: dict[str, set[int]] = field(default_factory=dict)  # resource URI → connection ids
    on_tools_changed: Callable[[], Awaitable[object]] | None = None

    # -- who is there ------------------------------------------------------------------------------------------

    def seen(self, session: Any) -> int:
        """Remember the connection a request came on (for notifications outside a call); its key."""
        key = _connection_key(session)
        self.clients[key] = session
        self.clients.move_to_end(key)
        while len(self.clients) > MAX_CLIENTS:
            forgotten, _ = self.clients.popitem(last=False)
            self._unsubscribe_all(forgotten)
        return key

    @contextmanager
    def running(self, caller: Caller | None) -> Iterator[None]:
        """While a call runs upstream, what the upstream sends goes to ``caller``."""
        if caller is None:
            yield
            return
        self.calls.append(caller)
        try:
            yield
        finally:
            self.calls.remove(caller)

    def subscribe(self, session: Any, uri: str) -> None:
        self.subscribers.setdefault(uri, set()).add(self.seen(session))

    def unsubscribe(self, session: Any, uri: str) -> bool:
        """Forget this client's subscription; whether no client is subscribed to ``uri`` any more."""
        keys = self.subscribers.get(uri, set())
        keys.discard(_connection_key(session))
        if not keys:
            self.subscribers.pop(uri, None)
        return not keys

    def _unsubscribe_all(self, key: int) -> None:
        for uri in list(self.subscribers):
            self.subscribers[uri].discard(key)
            if not self.subscribers[uri]:
                del self.subscribers[uri]

    # -- requests from the upstream (during a call) ------------------------------------------------------------

    async def elicit(self, context: Any, params: Any) -> Any:
        return await self._ask(ElicitRequest(params=params), ElicitResult, "an answer to the upstream's question")

    async def sample(self, context: Any, params: Any) -> Any:
        return await self._ask(CreateMessageRequest(params=params), CreateMessageResult, "a model completion")

    async def _ask(self, request: Any, result: Any, what: str) -> Any:
        if self.calls:
            caller = self.calls[-1]
            session, metadata = caller.session, ServerMessageMetadata(related_request_id=caller.request_id)
        elif self.clients:
            session, metadata = next(reversed(self.clients.values())), None
        else:
            return ErrorData(code=INVALID_REQUEST, message=f"no client is connected to the gateway to give {what}")
        try:
            return await session.send_request(request, result, metadata=metadata)
        except MCPError as exc:
            return ErrorData(code=exc.code, message=exc.message)

    # -- notifications from the upstream -----------------------------------------------------------------------

    async def log(self, params: LoggingMessageNotificationParams) -> None:
        """An upstream log line: to the call it belongs to, or (outside a call) to every client."""
        if self.calls:
            caller = self.calls[-1]
            await _quietly(
                caller.session.send_log_message(
                    params.level, params.data, params.logger, related_request_id=caller.request_id
                )
            )
            return
        for key, session in list(self.clients.items()):
            if not await _quietly(session.send_log_message(params.level, params.data, params.logger)):
                self._forget(key)

    async def notify(self, message: Any) -> None:
        """The upstream's other notifications (the SDK's ``message_handler``): resource updates to the clients that
        subscribed, list changes to every client (after the gateway has looked at a changed tool list)."""
        match message:
            case ResourceUpdatedNotification():
                keys = self.subscribers.get(str(message.params.uri), set())
                await self._tell([key for key in self.clients if key in keys], message)
            case ToolListChangedNotification():
                if self.on_tools_changed is not None:
                    await self.on_tools_changed()
                await self._tell(list(self.clients), message)
            case ResourceListChangedNotification() | PromptListChangedNotification():
                await self._tell(list(self.clients), message)
            case Exception():
                log.debug("the upstream connection reported %r", message)

    async def broadcast(self, notification: Any) -> None:
        """A notification of the gateway's own (its tool list changed) to every client."""
        await self._tell(list(self.clients), notification)

    async def _tell(self, keys: list[int], notification: Any) -> None:
        for key in keys:
            session = self.clients.get(key)
            if session is not None and not await _quietly(session.send_notification(notification)):
                self._forget(key)

    def _forget(self, key: int) -> None:
        self.clients.pop(key, None)
        self._unsubscribe_all(key)


def _connection_key(session: Any) -> int:
    """One key per client connection: the SDK builds a new session proxy per request, on the same connection."""
    return id(getattr(session, "_connection", session))


async def _quietly(sending: Awaitable[None]) -> bool:
    """Send, and whether it went: a client that has gone away is no error of the upstream's."""
    try:
        await sending
    except Exception:
        log.debug("a notification to a client was not delivered", exc_info=True)
        return False
    return True

"""Tether's server for tests, two ways: ``AppServer`` serves the app in process (no socket, no uvicorn: what the
behaviour tests use), ``LiveServer`` serves it with uvicorn in a thread on loopback (what transport-level tests
use: long polls, SSE, chunked bodies, the remote Gate of ``tether.connect``, the browser). Both have real tokens.

``RoutedPlane`` lets one remote Gate stand for everyone in a behaviour test: the agent's calls go with the agent's
token, decisions and undos with the token of the reviewer named in them (created on first use), reads with a
viewer's and breaker closes with an admin's — exactly as separate people would send them.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio.from_thread
import httpx
import uvicorn
from waiting import until, wait_until

from tether.agent._remote import RemotePlane
from tether.clock import Clock
from tether.model import Action, Decision, Mode, Role, ShadowCase, ToolCall
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.plane._lanes import LaneReport
from tether.plane._timers import Fired
from tether.policy import Declared
from tether.server import create_app, listen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Uvicorn(uvicorn.Server):
    """uvicorn for tests, stopped as soon as it is asked: uvicorn looks at ``should_exit`` every 0.1 s and then
    sleeps 0.1 s more before it waits for connections, a fifth of a second of every test that serves."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        await super().startup(sockets=sockets)

    async def main_loop(self) -> None:
        await self.stopping.wait()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown without its fixed sleeps: stop accepting, let the open requests finish (10 s at
        most, then cancel them), then the app's lifespan shutdown."""
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        with contextlib.suppress(AssertionError):  # still open after 10 s: cancelled below
            await until(lambda: not (self.server_state.connections or self.server_state.tasks), timeout=10)
        for task in self.server_state.tasks:
            task.cancel()
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()

    def stop(self) -> None:
        self.should_exit = True
        self.loop.call_soon_threadsafe(self.stopping.set)


@dataclass
class LiveServer:
    """A uvicorn server started in a thread on a socket it holds from the start (so no other server can take its
    port in between), stopped by ``stop()``. ``port=0`` picks a free port."""

    plane: ControlPlane
    sweep_interval: float = 1.0
    port: int = 0
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None  # the notification channels' secrets (default: the process environment)

    def __post_init__(self) -> None:
        self.issuer = Tokens(self.plane.store, self.plane.clock)
        listener = listen("127.0.0.1", self.port)  # what `tether serve` binds, TCP_NODELAY included
        self.port = listener.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.plane, sweep_interval=self.sweep_interval, env=self.env),
            log_level="warning",
            lifespan="on",
        )
        self.server = _Uvicorn(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [listener]}, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started or not self.thread.is_alive(), message="the test server never started")
        if not self.server.started:
            raise RuntimeError("the test server did not start: its thread ended")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, name: str, role: Role | str, groups: tuple[str, ...] = ()) -> str:
        key = (name, str(role))
        if key not in self.tokens:
            _, self.tokens[key] = self.issuer.issue(name, role, groups, by="test")
        return self.tokens[key]

    def requests_in_flight(self) -> int:
        """Requests the server is answering now: an open long poll or event stream counts."""
        return len(self.server.server_state.tasks)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=15)


@dataclass
class AppServer:
    """The app a LiveServer would serve, called in process (``httpx.ASGITransport``). Its lifespan runs (the
    sweeper, the change signal) on one event loop in a thread for the server's life, as under uvicorn, and every
    client made by ``client()`` sends its requests to that loop; stopped by ``stop()``."""

    plane: ControlPlane
    sweep_interval: float = 1.0
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None
    url: str = "http://testserver"

    def __post_init__(self) -> None:
        self.issuer = Tokens(self.plane.store, self.plane.clock)
        self.app = create_app(self.plane, sweep_interval=self.sweep_interval, env=self.env)
        self._stack = contextlib.ExitStack()
        self._loop = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._stack.enter_context(self._loop.wrap_async_context_manager(self.app.router.lifespan_context(self.app)))
        self._transport = _InProcess(httpx.ASGITransport(app=self.app), self._loop)

    def client(
        self,
        *,
        headers: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Client:
        """A client of this server with its own cookie jar, like ``httpx.Client(base_url=url)``."""
        return httpx.Client(
            base_url=self.url,
            transport=self._transport,
            headers=headers,
            cookies=cookies,
            follow_redirects=follow_redirects,
        )

    def token(self, name: str, role: Role | str, groups: tuple[str, ...] = ()) -> str:
        key = (name, str(role))
        if key not in self.tokens:
            _, self.tokens[key] = self.issuer.issue(name, role, groups, by="test")
        return self.tokens[key]

    def stop(self) -> None:
        self._stack.close()  # the lifespan's shutdown, then the loop


class _InProcess(httpx.BaseTransport):
    """A blocking transport over ``httpx.ASGITransport``: each request runs on the server's loop. Responses come
    back whole (an event stream never ends, so those tests use a LiveServer)."""

    def __init__(self, asgi: httpx.ASGITransport, loop: anyio.from_thread.BlockingPortal) -> None:
        self._asgi = asgi
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> httpx.Response:
            copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(copy)
            raw = b"".join([chunk async for chunk in response.aiter_raw()])  # still encoded, as off a socket
            return httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw))

        return self._loop.call(send)


class RoutedPlane(RemotePlane):
    """A remote plane that sends each request under the token of whoever would send it: an agent's own requests
    under that agent's token, decisions and undos under the named reviewer's, reads under a viewer's, breaker
    closes under an admin's."""

    def __init__(self, server: LiveServer, *, clock: Clock | None = None) -> None:
        super().__init__(server.url, server.token("auditor", Role.VIEWER), clock=clock)
        self.server = server
        self._others: dict[tuple[str, str], RemotePlane] = {}
        # Everyone a behaviour test may name gets a token now, so that issuing one later (an audited event) does
        # not move the audit head in the middle of a test.
        for name in ("alice", "bob", "carol", "lead", "support-bot", "bot"):
            server.token(name, Role.REVIEWER)
            server.token(name, Role.AGENT)
        server.token("alice", Role.ADMIN)

    def as_(self, name: str, role: Role) -> RemotePlane:
        key = (name, role.value)
        if key not in self._others:
            self._others[key] = RemotePlane(self.server.url, self.server.token(name, role), clock=self.clock)
        return self._others[key]

    def _agent(self, action: Action | str) -> RemotePlane:
        action = self.get(action) if isinstance(action, str) else action
        return self.as_(action.call.agent, Role.AGENT)

    def submit(
        self, call: ToolCall, declared: Declared | None = None, *, worker: str | None = None, has_undo: bool = True
    ) -> Action:
        return self.as_(call.agent, Role.AGENT).submit(call, declared, worker=worker, has_undo=has_undo)

    def claim(self, action: Action | str, *, worker: str | None = None) -> Action:
        return self._agent(action).claim(action, worker=worker)

    def retry(self, action: Action, *, worker: str | None = None) -> Action:
        return self._agent(action).retry(action, worker=worker)

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action:
        return self._agent(action).finish(action, result=result, error=error)

    def renew_leases(self, claims: list[tuple[str, str]]) -> int:
        return sum(self._agent(action_id).renew_leases([(action_id, token)]) for action_id, token in claims)

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action:
        return self._agent(action).claim_undo(action, worker=worker)

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action:
        return self._agent(action).finish_undo(action, result=result, error=error)

    def decide(self, action_id: str, decision: Decision) -> Action:
        return self.as_(decision.by, Role.REVIEWER).decide(action_id, decision)

    def request_undo(self, action_id: str, *, by: str) -> Action:
        return self.as_(by, Role.REVIEWER).request_undo(action_id, by=by)

    def sweep(self, *, limit: int = 500) -> list[Fired]:
        """The server's sweeper, run now: the tests drive the clock, so their servers run without their own."""
        return self.server.plane.sweep(limit=limit)

    def close_breaker(self, lane: str, *, by: str) -> None:
        self.as_(by, Role.ADMIN).close_breaker(lane, by=by)

    def resolve_unknown(self, action_id: str, *, ran: bool, by: str, note: str = "") -> Action:
        return self.as_(by, Role.REVIEWER).resolve_unknown(action_id, ran=ran, by=by, note=note)

    def report_incident(self, action_id: str, *, note: str, by: str) -> LaneReport:
        return self.as_(by, Role.REVIEWER).report_incident(action_id, note=note, by=by)

    def review_run(self, action_id: str, *, ok: bool, note: str = "", by: str) -> LaneReport:
        return self.as_(by, Role.REVIEWER).review_run(action_id, ok=ok, note=note, by=by)

    def promote(self, lane: str, *, by: str) -> LaneReport:
        return self.as_(by, Role.ADMIN).promote(lane, by=by)

    def demote(self, lane: str, *, by: str, to: Mode | None = None) -> LaneReport:
        return self.as_(by, Role.ADMIN).demote(lane, by=by, to=to)

    def apply_ladder(self) -> list[LaneReport]:
        return self.as_("alice", Role.ADMIN).apply_ladder()

    def record_agent(
        self,
        subject: str,
        *,
        agent: str,
        tool: str | None,
        args: dict[str, Any] | None = None,
        action_id: str | None = None,
        confidence: float | None = None,
        error: str | None = None,
    ) -> ShadowCase:
        return self.as_(agent, Role.AGENT).record_agent(
            subject, agent=agent, tool=tool, args=args, action_id=action_id, confidence=confidence, error=error
        )

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase:
        return self.as_(by, Role.REVIEWER).record_human(subject, tool=tool, args=args, by=by)

    def close(self) -> None:
        for other in self._others.values():
            other.close()
        super().close()


def log_in(http: httpx.Client, token: str, *, origin: str, next: str | None = None) -> httpx.Response:
    """Log in as a browser does: load the login form (its anti-forgery field and cookie), then post it."""
    form = http.get("/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    fields = {"token": token, "login_csrf": found.group(1) if found else ""}
    if next is not None:
        fields["next"] = next
    return http.post("/login", data=fields, headers={"Origin": origin})

"""A real Tether server on loopback for tests: uvicorn in a thread, a real SQLite file, real tokens.

``RoutedPlane`` lets one remote Gate stand for everyone in a behaviour test: the agent's calls go with the agent's
token, decisions and undos with the token of the reviewer named in them (created on first use), reads with a
viewer's and breaker closes with an admin's — exactly as separate people would send them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import uvicorn

from tether.agent._remote import RemotePlane
from tether.clock import Clock
from tether.model import Action, Decision, Role, ToolCall
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.policy import Declared
from tether.server import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A uvicorn server started in a thread, stopped by ``stop()``."""

    plane: ControlPlane
    sweep_interval: float = 1.0
    port: int = field(default_factory=free_port)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None  # the notification channels' secrets (default: the process environment)

    def __post_init__(self) -> None:
        self.issuer = Tokens(self.plane.store, self.plane.clock)
        config = uvicorn.Config(
            create_app(self.plane, sweep_interval=self.sweep_interval, env=self.env),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, name: str, role: Role | str, groups: tuple[str, ...] = ()) -> str:
        key = (name, str(role))
        if key not in self.tokens:
            _, self.tokens[key] = self.issuer.issue(name, role, groups, by="test")
        return self.tokens[key]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


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

    def close_breaker(self, lane: str, *, by: str) -> None:
        self.as_(by, Role.ADMIN).close_breaker(lane, by=by)

    def close(self) -> None:
        for other in self._others.values():
            other.close()
        super().close()

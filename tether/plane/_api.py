"""The control plane as a Gate sees it. ``ControlPlane`` (in-process) and ``RemotePlane`` (over HTTP) both fit,
which is how one Gate class works locally and against a server with the same API and behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from tether.audit import Anchor, AuditEvent, Verification
from tether.autonomy._shadow import Comparator
from tether.clock import Clock
from tether.model import Action, Decision, Outcome, Reversibility, ShadowCase, ToolCall
from tether.plane._timers import Fired
from tether.policy import Declared, Policy
from tether.store import ActionFilter, Breaker


class PlaneAPI(Protocol):
    clock: Clock
    comparators: dict[str, Comparator]
    waits_server_side: bool  # True: wait_for_change long-polls a server; False: the Gate polls the store itself

    @property
    def policy(self) -> Policy: ...

    def submit(
        self, call: ToolCall, declared: Declared | None = None, *, worker: str | None = None, has_undo: bool = True
    ) -> Action: ...

    def claim(self, action: Action | str, *, worker: str | None = None) -> Action: ...

    def retry(self, action: Action, *, worker: str | None = None) -> Action: ...

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action: ...

    def renew_leases(self, claims: list[tuple[str, str]]) -> int: ...

    def sweep(self, *, limit: int = 500) -> list[Fired]: ...

    def expire(self, action: Action) -> Action: ...

    def outcome(self, action: Action) -> Outcome: ...

    def wait_for_change(self, action: Action, *, timeout: float) -> Action: ...

    def get(self, action_id: str) -> Action: ...

    def pending(self, *, agent: str | None = None, tool: str | None = None, limit: int = 100) -> list[Action]: ...

    def actions(self, query: ActionFilter) -> list[Action]: ...

    def timeline(self, action_id: str) -> list[AuditEvent]: ...

    def decide(self, action_id: str, decision: Decision) -> Action: ...

    def request_undo(self, action_id: str, *, by: str) -> Action: ...

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action: ...

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action: ...

    def reversible_of(self, tool: str) -> Reversibility | None: ...

    def breakers(self) -> list[Breaker]: ...

    def close_breaker(self, lane: str, *, by: str) -> None: ...

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]: ...

    def audit_head(self) -> Anchor: ...

    def verify(self, anchor: Anchor | None = None) -> Verification: ...

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
    ) -> ShadowCase: ...

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase: ...

    def close(self) -> None: ...

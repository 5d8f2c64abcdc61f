"""``tether.connect(url, token)``: the same Gate, backed by a Tether server instead of a local store.

``RemotePlane`` speaks the ``/v1`` API and turns error responses back into the same exceptions the local plane
raises, so agent code and tests do not care where the plane runs. If the server cannot be reached, calls raise
StoreError: nothing above ``auto`` runs without the plane.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx

from tether._json import from_iso
from tether._outcomes import outcome_of
from tether.agent._gate import Gate
from tether.audit import Anchor, AuditEvent, Verification
from tether.autonomy._shadow import Comparator
from tether.clock import Clock, SystemClock
from tether.errors import (
    AlreadyDecided,
    ClaimConflict,
    ConfigError,
    DecisionError,
    Forbidden,
    NotDecidable,
    NotFound,
    RemoteError,
    SeparationOfDuties,
    StoreError,
    TetherError,
    Unauthenticated,
    UndoRefused,
    UsageError,
)
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    Outcome,
    Reject,
    Respond,
    Reversibility,
    ShadowCase,
    Status,
    ToolCall,
)
from tether.plane._timers import Fired
from tether.policy import Declared, Policy
from tether.store import ActionFilter, Breaker
from tether.store._rows import action_from_dict, shadow_case_from_dict

_ERRORS: dict[str, type[TetherError]] = {
    "unauthenticated": Unauthenticated,
    "forbidden": Forbidden,
    "separation_of_duties": SeparationOfDuties,
    "not_found": NotFound,
    "already_decided": AlreadyDecided,
    "undo_refused": UndoRefused,
    "not_decidable": NotDecidable,
    "conflict": DecisionError,
    "claim_conflict": ClaimConflict,
    "invalid_request": UsageError,
    "too_large": UsageError,
    "http_error": UsageError,
    "bad_configuration": ConfigError,
    "store_unavailable": StoreError,
}
_UNAVAILABLE = {502, 503, 504}  # a proxy or load balancer with no Tether behind it
_LONG_POLL = 25.0


class RemotePlane:
    """The control plane on the other side of HTTP."""

    waits_server_side = True

    def __init__(self, url: str, token: str, *, clock: Clock | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.clock = clock or SystemClock()
        self._http = httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout + _LONG_POLL
        )
        self._policy: Policy | None = None
        self._lease: timedelta | None = None
        self.comparators: dict[str, Comparator] = {}  # unused: the server pairs cases with its own comparators

    # -- the protocol the Gate uses ------------------------------------------------------------------------------

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._load_policy()
        assert self._policy is not None
        return self._policy

    @property
    def lease(self) -> timedelta:
        """The server's lease; a Gate's heartbeat renews at a third of it."""
        if self._lease is None:
            self._load_policy()
        assert self._lease is not None
        return self._lease

    def _load_policy(self) -> None:
        data = self._request("GET", "/v1/policy")
        self._policy = Policy.from_dict(data["config"], source=f"{self.url} ({data['source']})")
        self._lease = timedelta(seconds=data["lease_seconds"])

    def submit(
        self, call: ToolCall, declared: Declared | None = None, *, worker: str | None = None, has_undo: bool = True
    ) -> Action:
        body: dict[str, Any] = {
            "tool": call.tool,
            "args": call.args,
            "agent": call.agent,
            "thread": call.thread,
            "reasoning": call.reasoning,
            "confidence": call.confidence,
            "subject": call.subject,
            "call_id": call.call_id,
            "worker": worker,
            "has_undo": has_undo,
        }
        if declared is not None:
            body["risk"] = declared.risk.value if declared.risk else None
            body["reversible"] = declared.reversible.value if declared.reversible else None
        return self._action("POST", "/v1/actions", json=body)

    def claim(self, action: Action | str, *, worker: str | None = None) -> Action:
        action_id = action if isinstance(action, str) else action.id
        return self._action("POST", f"/v1/actions/{action_id}/claim", json={"worker": worker or "remote"})

    def retry(self, action: Action, *, worker: str | None = None) -> Action:
        body = {"worker": worker or "remote", "retry": True}
        return self._action("POST", f"/v1/actions/{action.id}/claim", json=body)

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action:
        action = self.get(action) if isinstance(action, str) else action
        body = {"worker": action.claimed_by or "", "result": result, "error": error}
        return self._action("POST", f"/v1/actions/{action.id}/result", json=body)

    def renew_leases(self, claims: list[tuple[str, str]]) -> int:
        body = {"claims": [{"action_id": a, "worker": w} for a, w in claims]}
        renewed: int = self._request("POST", "/v1/leases", json=body)["renewed"]
        return renewed

    def sweep(self, *, limit: int = 500) -> list[Fired]:
        return []  # the server sweeps on its own, every second

    def expire(self, action: Action) -> Action:
        return self.get(action.id)  # reading an action fires its due timer on the server

    def outcome(self, action: Action) -> Outcome:
        return outcome_of(action)

    def wait_for_change(self, action: Action, *, timeout: float) -> Action:
        params = {"version": action.version, "timeout": min(max(timeout, 0.0), _LONG_POLL)}
        return self._action("GET", f"/v1/actions/{action.id}/wait", params=params)

    def get(self, action_id: str) -> Action:
        return self._action("GET", f"/v1/actions/{action_id}")

    def pending(self, *, agent: str | None = None, tool: str | None = None, limit: int = 100) -> list[Action]:
        return self.actions(ActionFilter(status={Status.PENDING}, agent=agent, tool=tool, limit=limit))

    def actions(self, query: ActionFilter) -> list[Action]:
        params: dict[str, Any] = {"limit": query.limit, "offset": query.offset, "oldest_first": query.oldest_first}
        if query.status:
            params["status"] = sorted(s.value for s in query.status)
        if query.agent:
            params["agent"] = query.agent
        tools = set(query.tools or ()) | ({query.tool} if query.tool else set())
        if tools:
            params["tool"] = sorted(tools)
        data = self._request("GET", "/v1/actions", params=params)
        return [action_from_dict(item["action"]) for item in data["actions"]]

    def timeline(self, action_id: str) -> list[AuditEvent]:
        data = self._request("GET", f"/v1/actions/{action_id}")
        return [AuditEvent(**event) for event in data["timeline"]]

    def decide(self, action_id: str, decision: Decision) -> Action:
        """Decide as the token's owner: the server records the token's identity, whatever ``decision.by`` says."""
        body: dict[str, Any] = {"kind": decision.kind}
        match decision:
            case Approve(note=note) | Reject(note=note):
                body["note"] = note
            case Edit(args=args, note=note):
                body.update(args=args, note=note)
            case Respond(message=message):
                body["message"] = message
        return self._action("POST", f"/v1/actions/{action_id}/decision", json=body)

    def request_undo(self, action_id: str, *, by: str) -> Action:
        return self._action("POST", f"/v1/actions/{action_id}/undo", json={})

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action:
        return self._action("POST", f"/v1/actions/{action.id}/undo/claim", json={"worker": worker or "remote"})

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action:
        body = {"worker": action.claimed_by or "", "result": result, "error": error}
        return self._action("POST", f"/v1/actions/{action.id}/undo/result", json=body)

    def reversible_of(self, tool: str) -> Reversibility | None:
        data = self._request("GET", f"/v1/policy/tools/{tool}")
        return Reversibility(data["reversible"]) if data["reversible"] else None

    def breakers(self) -> list[Breaker]:
        data = self._request("GET", "/v1/breakers")
        found = []
        for b in data["breakers"]:
            agent, _, tool = b["lane"].partition("/")
            opened = from_iso(b["opened_at"])
            assert opened is not None
            found.append(Breaker(agent=agent, tool=tool, limit=b["limit"], opened_at=opened))
        return found

    def close_breaker(self, lane: str, *, by: str) -> None:
        agent, sep, tool = lane.partition("/")
        if not sep:
            raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/send_email; got {lane!r}")
        self._request("POST", f"/v1/breakers/{agent}/{tool}/close")

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        remaining = limit
        while remaining is None or remaining > 0:
            page = 1000 if remaining is None else min(1000, remaining)
            data = self._request("GET", "/v1/audit", params={"after": after, "limit": page})
            events = [AuditEvent(**e) for e in data["events"]]
            yield from events
            if len(events) < page:
                return
            after = events[-1].seq
            if remaining is not None:
                remaining -= len(events)

    def audit_head(self) -> Anchor:
        data = self._request("GET", "/v1/audit/head")
        return Anchor(data["seq"], data["hash"])

    def verify(self, anchor: Anchor | None = None) -> Verification:
        params = {"anchor_seq": anchor.seq, "anchor_hash": anchor.hash} if anchor else {}
        data = self._request("GET", "/v1/audit/verify", params=params)
        head = Anchor(data["head"]["seq"], data["head"]["hash"])
        return Verification(data["ok"], data["checked"], head, bad_seq=data["bad_seq"], problem=data["problem"])

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
        """Report the agent's proposal (an Experiment's candidate); the agent is the token's owner."""
        body = {"subject": subject, "tool": tool, "args": args or {}, "confidence": confidence, "error": error}
        return shadow_case_from_dict(self._request("POST", "/v1/shadow/agent", json=body)["case"])

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase:
        """Report the human's action; the server records it under the token's identity."""
        body = {"subject": subject, "tool": tool, "args": args or {}}
        return shadow_case_from_dict(self._request("POST", "/v1/shadow/human", json=body)["case"])

    def close(self) -> None:
        self._http.close()

    # -- HTTP ----------------------------------------------------------------------------------------------------

    def _action(self, method: str, path: str, **kwargs: Any) -> Action:
        return action_from_dict(self._request(method, path, **kwargs)["action"])

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"the Tether server at {self.url} is unreachable: {exc}") from None
        if response.status_code < 400:
            return response.json()
        try:
            error = response.json()["error"]
            kind, message = error["type"], error["message"]
        except (ValueError, KeyError, TypeError):
            if response.status_code in _UNAVAILABLE:
                raise StoreError(
                    f"the Tether server at {self.url} is unavailable (HTTP {response.status_code})"
                ) from None
            raise RemoteError(f"{method} {path}: HTTP {response.status_code}", status=response.status_code) from None
        raise _ERRORS.get(kind, RemoteError)(message)


def connect(url: str, token: str, *, clock: Clock | None = None, poll_interval: float = 0.02) -> Gate:
    """A Gate whose plane is the Tether server at ``url``, acting as the agent that owns ``token``.

    The server's lease decides when a silent run is presumed dead, so the Gate's heartbeat follows it."""
    plane = RemotePlane(url, token, clock=clock)
    return Gate(plane=plane, poll_interval=poll_interval, lease=plane.lease)


__all__ = ["RemotePlane", "connect"]

"""``tether.connect(url, token)``: the same Gate, backed by a Tether server instead of a local store.

``RemotePlane`` speaks the ``/v1`` API and parses every answer with its ``tether.wire`` model; error answers come
back as the same exceptions the local plane raises (``tether.agent._http``), so agent code and tests do not care
where the plane runs. If the server cannot be reached, calls raise StoreError: nothing above ``auto`` runs without
the plane.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Literal

from tether._outcomes import outcome_of
from tether.agent._gate import Gate
from tether.agent._http import M, Transport
from tether.audit import Anchor, AuditEvent, Verification
from tether.autonomy._shadow import Comparator, ShadowStats
from tether.clock import Clock, SystemClock
from tether.errors import UsageError
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    Mode,
    Outcome,
    Reject,
    Respond,
    Reversibility,
    ShadowCase,
    Status,
    ToolCall,
)
from tether.plane._lanes import LaneReport
from tether.plane._timers import Fired
from tether.policy import Declared, Policy
from tether.store import ActionFilter, Breaker, ShadowFilter
from tether.wire import (
    ActionDetail,
    ActionList,
    ActionView,
    AnchorOut,
    AuditPage,
    BreakerList,
    CaseList,
    CaseOut,
    LaneList,
    LaneOut,
    LeasesOut,
    PolicyOut,
    PolicyToolOut,
    ShadowReportOut,
    VerificationOut,
)

_LONG_POLL = 25.0
_MAX_PAGE = 1000


def _lane_path(lane: str) -> str:
    """A lane as URL path segments: the agent, then the tool, whose name may itself hold "/" (``fs/write``). Every
    segment is percent-encoded, dot segments included, so no name can climb to another endpoint."""
    agent, sep, tool = lane.partition("/")
    if not sep or not agent or not tool:
        raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/send_email; got {lane!r}")
    return "/".join(_segment(part) for part in (agent, *tool.split("/")))


def _segment(text: str) -> str:
    quoted = urllib.parse.quote(text, safe="")
    return quoted.replace(".", "%2E") if set(text) <= {"."} else quoted


class RemotePlane:
    """The control plane on the other side of HTTP."""

    waits_server_side = True

    def __init__(self, url: str, token: str, *, clock: Clock | None = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.clock = clock or SystemClock()
        self._http = Transport(self.url, token, timeout=timeout + _LONG_POLL)
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
        data = self._get(PolicyOut, "GET", "/v1/policy")
        self._policy = Policy.from_dict(data.config, source=f"{self.url} ({data.source})")
        self._lease = timedelta(seconds=data.lease_seconds)

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
        return self._get(LeasesOut, "POST", "/v1/leases", json=body).renewed

    def sweep(self, *, limit: int = 500) -> list[Fired]:
        return []  # the server sweeps on its own, every second

    def expire(self, action: Action) -> Action:
        return self.get(action.id)  # reading an action fires its due timer on the server

    def fire_due(self, action: Action) -> Action:
        return self.get(action.id)

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
        elif query.agents is not None and len(query.agents) == 1:
            params["agent"] = next(iter(query.agents))
        tools = set(query.tools or ()) | ({query.tool} if query.tool else set())
        if tools:
            params["tool"] = sorted(tools)
        data = self._get(ActionList, "GET", "/v1/actions", params=params)
        found = [item.action.to_action() for item in data.actions]
        # An agent token sees its own actions only; for a reviewer's token, several agents are filtered here.
        return [a for a in found if query.agents is None or a.call.agent in query.agents]

    def timeline(self, action_id: str) -> list[AuditEvent]:
        data = self._get(ActionDetail, "GET", f"/v1/actions/{action_id}")
        return [event.to_event() for event in data.timeline]

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

    def withdraw(self, action_id: str, *, agent: str, note: str) -> Action:
        """As the token's agent, whatever ``agent`` says: the server checks that it proposed the action."""
        return self._action("POST", f"/v1/actions/{action_id}/withdraw", json={"note": note})

    def request_undo(self, action_id: str, *, by: str) -> Action:
        return self._action("POST", f"/v1/actions/{action_id}/undo", json={})

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action:
        return self._action("POST", f"/v1/actions/{action.id}/undo/claim", json={"worker": worker or "remote"})

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action:
        body = {"worker": action.claimed_by or "", "result": result, "error": error}
        return self._action("POST", f"/v1/actions/{action.id}/undo/result", json=body)

    def reversible_of(self, tool: str) -> Reversibility | None:
        return self._get(PolicyToolOut, "GET", f"/v1/policy/tools/{tool}").reversible

    def breakers(self) -> list[Breaker]:
        return [b.to_breaker() for b in self._get(BreakerList, "GET", "/v1/breakers").breakers]

    def close_breaker(self, lane: str, *, by: str) -> None:
        self._request("POST", f"/v1/breakers/{_lane_path(lane)}/close")

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        remaining = limit
        while remaining is None or remaining > 0:
            page = 1000 if remaining is None else min(1000, remaining)
            data = self._get(AuditPage, "GET", "/v1/audit", params={"after": after, "limit": page})
            events = [e.to_event() for e in data.events]
            yield from events
            if len(events) < page:
                return
            after = events[-1].seq
            if remaining is not None:
                remaining -= len(events)

    def audit_head(self) -> Anchor:
        return self._get(AnchorOut, "GET", "/v1/audit/head").to_anchor()

    def verify(self, anchor: Anchor | None = None) -> Verification:
        params = {"anchor_seq": anchor.seq, "anchor_hash": anchor.hash} if anchor else {}
        return self._get(VerificationOut, "GET", "/v1/audit/verify", params=params).to_verification()

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
        return self._get(CaseOut, "POST", "/v1/shadow/agent", json=body).case.to_case()

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase:
        """Report the human's action; the server records it under the token's identity."""
        body = {"subject": subject, "tool": tool, "args": args or {}}
        return self._get(CaseOut, "POST", "/v1/shadow/human", json=body).case.to_case()

    def shadow_cases(self, query: ShadowFilter | None = None) -> list[ShadowCase]:
        query = query or ShadowFilter()
        params: dict[str, Any] = {"limit": query.limit}
        for name in ("subject", "agent", "tool", "compared"):
            if getattr(query, name) is not None:
                params[name] = getattr(query, name)
        return [c.to_case() for c in self._get(CaseList, "GET", "/v1/shadow/cases", params=params).cases]

    def shadow_report(self, *, by: Literal["lane", "tool"] = "lane", lane: str | None = None) -> list[ShadowStats]:
        params = {"by": by, **({"lane": lane} if lane is not None else {})}
        return [row.to_stats() for row in self._get(ShadowReportOut, "GET", "/v1/shadow/report", params=params).rows]

    # -- lanes, incidents, sampled reviews and unknown runs: reviewers' and admins' work, under their token ------

    def lane(self, lane: str) -> LaneReport:
        return self._get(LaneOut, "GET", f"/v1/lanes/{_lane_path(lane)}").to_report()

    def lanes(self) -> list[LaneReport]:
        return [lane.to_report() for lane in self._get(LaneList, "GET", "/v1/lanes").lanes]

    def promote(self, lane: str, *, by: str) -> LaneReport:
        """Confirm a ready lane's promotion, as the token's owner (an admin)."""
        return self._get(LaneOut, "POST", f"/v1/lanes/{_lane_path(lane)}/promote").to_report()

    def demote(self, lane: str, *, by: str, to: Mode | None = None) -> LaneReport:
        body = {"to": to.value if to is not None else None}
        return self._get(LaneOut, "POST", f"/v1/lanes/{_lane_path(lane)}/demote", json=body).to_report()

    def apply_ladder(self) -> list[LaneReport]:
        """Run the ladder on the server now (it also does so every minute on its own)."""
        return [lane.to_report() for lane in self._get(LaneList, "POST", "/v1/lanes/apply").lanes]

    def report_incident(self, action_id: str, *, note: str, by: str) -> LaneReport:
        return self._get(LaneOut, "POST", f"/v1/actions/{action_id}/incident", json={"note": note}).to_report()

    def review_run(self, action_id: str, *, ok: bool, note: str = "", by: str) -> LaneReport:
        body = {"ok": ok, "note": note}
        return self._get(LaneOut, "POST", f"/v1/actions/{action_id}/review", json=body).to_report()

    def samples(self, *, limit: int = 50) -> list[Action]:
        """Runs picked for review; the server answers at most 1000 at a time."""
        data = self._get(ActionList, "GET", "/v1/samples", params={"limit": min(limit, _MAX_PAGE)})
        return [item.action.to_action() for item in data.actions]

    def resolve_unknown(self, action_id: str, *, ran: bool, by: str, note: str = "") -> Action:
        return self._action("POST", f"/v1/actions/{action_id}/resolve", json={"ran": ran, "note": note})

    def close(self) -> None:
        self._http.close()

    # -- HTTP ----------------------------------------------------------------------------------------------------

    def _action(self, method: str, path: str, **kwargs: Any) -> Action:
        return self._get(ActionView, method, path, **kwargs).action.to_action()

    def _get(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        return self._http.parsed(model, method, path, **kwargs)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._http.request(method, path, **kwargs)


def connect(url: str, token: str, *, clock: Clock | None = None, poll_interval: float = 0.02) -> Gate:
    """A Gate whose plane is the Tether server at ``url``, acting as the agent that owns ``token``.

    The server's lease decides when a silent run is presumed dead, so the Gate's heartbeat follows it."""
    plane = RemotePlane(url, token, clock=clock)
    return Gate(plane=plane, poll_interval=poll_interval, lease=plane.lease)


__all__ = ["RemotePlane", "connect"]

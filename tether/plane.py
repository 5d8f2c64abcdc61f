"""The control plane: the one place where an action's state changes.

It evaluates the policy, admits actions, applies decisions with compare-and-set, hands out the atomic claim
that lets a tool start at most once, records results, and writes every step to the audit log in the same
transaction as the change. It never runs tools: that is the Gate's job, in the agent's process.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator

from tether.audit import Anchor, AuditEvent, Verification, canonical_json, jsonable, redact, verify
from tether.clock import Clock, SystemClock
from tether.codec import iso
from tether.errors import (
    AlreadyDecided,
    ClaimConflict,
    NotDecidable,
    NotFound,
    SeparationOfDuties,
    UsageError,
)
from tether.model import (
    Action,
    Approve,
    Decision,
    Denied,
    Edit,
    Executed,
    Failed,
    LaneState,
    Mode,
    Outcome,
    Pending,
    Reject,
    Rejected,
    Respond,
    Responded,
    Shadowed,
    Status,
    ToolCall,
    Verdict,
    new_id,
)
from tether.notify import LogNotifier, Notifier
from tether.policy import Declared, Policy
from tether.store import ActionFilter, Admission, Breaker, Changes, EventDraft, Store

log = logging.getLogger("tether")

_RESULT_AUDIT_LIMIT = 4096  # larger results are kept in the action and only fingerprinted in the audit log

_STATUS_FOR_MODE = {
    Mode.AUTO: Status.RUNNING,
    Mode.NOTIFY: Status.RUNNING,
    Mode.OVERRIDE: Status.RUNNING,
    Mode.APPROVE: Status.PENDING,
    Mode.SHADOW: Status.SHADOWED,
    Mode.DENY: Status.DENIED,
}
_DECIDED = frozenset({Status.APPROVED, Status.REJECTED, Status.RESPONDED, Status.RUNNING, Status.EXECUTED})


class ControlPlane:
    def __init__(
        self, policy: Policy, store: Store, *, clock: Clock | None = None, notifier: Notifier | None = None
    ) -> None:
        self.policy = policy
        self.store = store
        self.clock = clock or SystemClock()
        self.notifier = notifier or LogNotifier()

    # -- admission -------------------------------------------------------------------------------------------

    def evaluate(self, call: ToolCall, declared: Declared | None = None) -> Verdict:
        """What the policy would say for this call now, without recording anything."""
        return self.policy.evaluate(call, self._lane(call), declared)

    def submit(self, call: ToolCall, declared: Declared | None = None) -> Action:
        """Admit a call: evaluate it against its lane and store it. Runnable modes come back already claimed
        (status ``running``) so the caller may start the tool at once, exactly once."""
        _check_json(call)
        now = self.clock.now()
        windows = {limit.id: now - limit.per for limit in self.policy.limits_for(call.tool)}

        def admit(lane: LaneState) -> Admission:
            verdict = self.policy.evaluate(call, lane, declared)
            status = _STATUS_FOR_MODE[verdict.mode]
            action = Action(
                id=new_id(),
                call=call,
                verdict=verdict,
                status=status,
                created_at=now,
                updated_at=now,
                policy_version=self.policy.version,
                expires_at=now + verdict.timeout if verdict.timeout and status is Status.PENDING else None,
            )
            events = [EventDraft(f"agent:{call.agent}", "action.proposed", action.id, self._proposed_body(action))]
            opens = verdict.trips if lane.breaker is None else None
            if opens is not None:
                events.append(
                    EventDraft(
                        "system",
                        "breaker.opened",
                        action.id,
                        {"lane": call.lane, "limit": opens, "policy": self.policy.version},
                    )
                )
            if status is Status.RUNNING:
                events.append(self._started_event(action))
            return Admission(action=action, events=events, at=now, charges=verdict.charges, open_breaker=opens)

        action = self.store.create_action(call.agent, call.tool, windows, admit)
        if action.verdict.trips is not None:
            self._notify("breaker_opened", action)
        if action.status is Status.PENDING:
            self._notify("approval_needed", action)
        elif action.verdict.mode is Mode.NOTIFY:
            self._notify("executed_with_alert", action)
        return action

    # -- decisions -------------------------------------------------------------------------------------------

    def decide(self, action_id: str, decision: Decision) -> Action:
        """Apply a reviewer's decision once. A second decision fails with AlreadyDecided and changes nothing."""
        if not decision.by or not decision.by.strip():
            raise UsageError("a decision must say who made it (by=...)")
        action = self.store.get_action(action_id)
        if decision.by == action.call.agent:
            raise SeparationOfDuties(
                f"{decision.by!r} proposed action {action_id} and may not decide it; another reviewer must"
            )
        if isinstance(decision, Edit) and not isinstance(decision.args, dict):
            raise UsageError("Edit.args must be a dict of argument names to values")
        if isinstance(decision, Edit):
            _check_json_args(decision.args, "Edit.args")
        now = self.clock.now()
        status = {"approve": Status.APPROVED, "edit": Status.APPROVED, "reject": Status.REJECTED}.get(
            decision.kind, Status.RESPONDED
        )
        body: dict[str, object] = {
            "decision": decision.kind,
            "outcome": status.value,
            "policy": action.policy_version,
        }
        fields = self.policy.config.audit.redact
        match decision:
            case Approve(note=note) | Reject(note=note):
                body["note"] = note
            case Edit(args=args, note=note):
                body["note"] = note
                body["original_args"] = redact(action.call.args, fields)
                body["args"] = redact(args, fields)
            case Respond(message=message):
                body["message"] = message
        event = EventDraft(f"human:{decision.by}", f"action.{_past(decision.kind)}", action_id, body)
        updated = self.store.transition(
            action_id,
            expect={Status.PENDING},
            changes=Changes(status=status, updated_at=now, decision=decision, decided_at=now),
            events=[event],
        )
        if updated is None:
            raise self._why_not_decidable(self.store.get_action(action_id))
        return updated

    def claim(self, action: Action | str) -> Action:
        """The atomic claim: an approved action moves to ``running`` for exactly one caller."""
        action = self.store.get_action(action) if isinstance(action, str) else action
        action_id = action.id
        now = self.clock.now()
        claimed = self.store.transition(
            action_id,
            expect={Status.APPROVED},
            changes=Changes(status=Status.RUNNING, updated_at=now),
            events=[self._started_event(action)],
        )
        if claimed is None:
            current = self.store.get_action(action_id)
            raise ClaimConflict(f"action {action_id} cannot be started: it is {current.status.value}")
        return claimed

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action:
        """Record what the tool did. Only a running action can finish, and only once.

        Pass the Action you claimed (rather than its id) to save a read on the hot path."""
        action = self.store.get_action(action) if isinstance(action, str) else action
        action_id = action.id
        now = self.clock.now()
        window = action.verdict.window if action.verdict.mode is Mode.OVERRIDE and error is None else None
        if error is None:
            kind, status = "action.executed", Status.EXECUTED
            body: dict[str, object] = {"outcome": "executed", "result": _audit_result(result)}
        else:
            kind, status = "action.failed", Status.FAILED
            body = {"outcome": "failed", "error": error}
        body["policy"] = action.policy_version
        if window is not None:
            body["window_ends_at"] = iso(now + window)
        finished = self.store.transition(
            action_id,
            expect={Status.RUNNING},
            changes=Changes(
                status=status,
                updated_at=now,
                result=result,
                error=error,
                window_ends_at=now + window if window else None,
            ),
            events=[EventDraft(f"agent:{action.call.agent}", kind, action_id, body)],
        )
        if finished is None:
            current = self.store.get_action(action_id)
            raise ClaimConflict(f"action {action_id} is {current.status.value}, not running; its result was not kept")
        if window is not None:
            self._notify("override_window_open", finished)
        return finished

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, action_id: str) -> Action:
        return self.store.get_action(action_id)

    def pending(self, *, agent: str | None = None, tool: str | None = None, limit: int = 100) -> list[Action]:
        return self.store.list_actions(ActionFilter(status={Status.PENDING}, agent=agent, tool=tool, limit=limit))

    def actions(self, query: ActionFilter) -> list[Action]:
        return self.store.list_actions(query)

    def timeline(self, action_id: str) -> list[AuditEvent]:
        self.store.get_action(action_id)
        return self.store.events_for(action_id)

    def outcome(self, action: Action) -> Outcome:
        """What the agent is told about an action in its current state."""
        reasons = tuple(action.verdict.explain())
        match action.status:
            case Status.EXECUTED:
                return Executed(action_id=action.id, result=action.result, window_ends_at=action.window_ends_at)
            case Status.FAILED:
                return Failed(action_id=action.id, error=action.error or "the tool failed")
            case Status.UNKNOWN:
                return Failed(
                    action_id=action.id,
                    error="the process running this action stopped before recording a result; "
                    "a human must check whether it took effect",
                )
            case Status.REJECTED:
                assert isinstance(action.decision, Reject)
                return Rejected(action_id=action.id, note=action.decision.note, by=action.decision.by)
            case Status.RESPONDED:
                assert isinstance(action.decision, Respond)
                return Responded(action_id=action.id, message=action.decision.message, by=action.decision.by)
            case Status.SHADOWED:
                return Shadowed(action_id=action.id)
            case Status.DENIED:
                return Denied(action_id=action.id, reasons=reasons)
            case Status.APPROVED:
                return Pending(action_id=action.id, reasons=("approved; it runs when the agent resumes it",))
            case Status.RUNNING:
                return Pending(action_id=action.id, reasons=("it is running now",))
            case _:
                return Pending(action_id=action.id, reasons=reasons, expires_at=action.expires_at)

    # -- lanes and breakers ----------------------------------------------------------------------------------

    def breakers(self) -> list[Breaker]:
        return self.store.breakers()

    def close_breaker(self, lane: str, *, by: str) -> None:
        agent, sep, tool = lane.partition("/")
        if not sep or not agent or not tool:
            raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/send_email; got {lane!r}")
        event = EventDraft(f"human:{by}", "breaker.closed", None, {"lane": lane, "policy": self.policy.version})
        if not self.store.close_breaker(agent, tool, event, at=self.clock.now()):
            raise NotFound(f"the breaker of lane {lane} is not open")

    # -- audit -----------------------------------------------------------------------------------------------

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        return self.store.audit_events(after=after, limit=limit)

    def audit_head(self) -> Anchor:
        return self.store.audit_head()

    def verify(self, anchor: Anchor | None = None) -> Verification:
        return verify(self.store.audit_events(), anchor)

    # -- internals -------------------------------------------------------------------------------------------

    def _lane(self, call: ToolCall) -> LaneState:
        now = self.clock.now()
        windows = {limit.id: now - limit.per for limit in self.policy.limits_for(call.tool)}
        return self.store.lane_state(call.agent, call.tool, windows)

    def _proposed_body(self, action: Action) -> dict[str, object]:
        call, verdict = action.call, action.verdict
        return {
            "tool": call.tool,
            "args": redact(call.args, self.policy.config.audit.redact),
            "agent": call.agent,
            "thread": call.thread,
            "subject": call.subject,
            "call_id": call.call_id,
            "reasoning": call.reasoning,
            "confidence": call.confidence,
            "mode": verdict.mode.value,
            "status": action.status.value,
            "urgency": verdict.urgency.value,
            "reasons": verdict.explain(),
            "policy": action.policy_version,
        }

    def _started_event(self, action: Action) -> EventDraft:
        body = {
            "args": redact(action.run_args, self.policy.config.audit.redact),
            "policy": action.policy_version,
        }
        return EventDraft(f"agent:{action.call.agent}", "action.started", action.id, body)

    def _why_not_decidable(self, action: Action) -> Exception:
        if action.decision is not None and action.status in _DECIDED | {Status.FAILED, Status.UNKNOWN}:
            when = iso(action.decided_at) or "earlier"
            return AlreadyDecided(
                f"action {action.id} was already decided: {action.decision.kind} by {action.decision.by} at {when}"
            )
        return NotDecidable(f"action {action.id} is {action.status.value}; it is not waiting for a decision")

    def _notify(self, kind: str, action: Action) -> None:
        try:
            self.notifier.notify(kind, action)
        except Exception:  # a notifier must never fail the agent
            log.exception("notifier failed for %s on action %s", kind, action.id)


def _past(kind: str) -> str:
    return {"approve": "approved", "edit": "edited", "reject": "rejected", "respond": "responded"}[kind]


def _check_json(call: ToolCall) -> None:
    _check_json_args(call.args, f"the arguments of {call.tool}")


def _check_json_args(args: dict[str, object], what: str) -> None:
    try:
        canonical_json(args)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"{what} must be JSON values (str, int, float, bool, None, lists, dicts) so they can be stored, "
            f"reviewed and replayed: {exc}"
        ) from None


def _audit_result(result: object) -> object:
    value = jsonable(result)
    text = canonical_json(value)
    if len(text) <= _RESULT_AUDIT_LIMIT:
        return value
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "bytes": len(text)}

"""Admission and running: a call becomes an action, is claimed exactly once, and its result is recorded.

Admission evaluates the policy inside the store's lane lock, so two concurrent calls on one lane never both slip
under a limit, and a runnable call comes back already claimed: the caller may start the tool at once, exactly once.
Shadowed calls that name a subject are handed to the shadow service, which pairs them with what the human did.
The plane never runs tools: that is the Gate's job, in the agent's process.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from tether._json import iso, require_json
from tether.audit import canonical_json, jsonable
from tether.errors import ClaimConflict, NotDecidable, NotFound, UsageError
from tether.model import Action, LaneState, Mode, Status, ToolCall, Verdict, new_id
from tether.plane._core import PlaneCore
from tether.plane._shadow import Shadow
from tether.policy import Declared
from tether.store import ActionStore, AuditLog, Changes, EventDraft, LaneStore
from tether.store import Admission as Admitted  # the store's record of one admission; the service is ours
from tether.store._base import DuplicateCall

MAX_RETRIES = 3  # a tool that keeps crashing its process is not retried for ever

_RESULT_AUDIT_LIMIT = 4096  # larger results are kept in the action and only fingerprinted in the audit log

_STATUS_FOR_MODE = {
    Mode.AUTO: Status.RUNNING,
    Mode.NOTIFY: Status.RUNNING,
    Mode.OVERRIDE: Status.RUNNING,
    Mode.APPROVE: Status.PENDING,
    Mode.SHADOW: Status.SHADOWED,
    Mode.DENY: Status.DENIED,
}


class Admission:
    """Admits calls, hands out claims, renews leases, records results; records shadowed calls through ``shadow``."""

    def __init__(self, core: PlaneCore, shadow: Shadow) -> None:
        self.core = core
        self.shadow = shadow
        self.actions: ActionStore = core.store
        self.log: AuditLog = core.store
        self.lanes: LaneStore = core.store

    def evaluate(self, call: ToolCall, declared: Declared | None = None) -> Verdict:
        """What the policy would say for this call now, without recording anything."""
        return self.core.policy.evaluate(call, self._lane(call), declared)

    def submit(
        self, call: ToolCall, declared: Declared | None = None, *, worker: str | None = None, has_undo: bool = True
    ) -> Action:
        """Admit a call: evaluate it against its lane and store it.

        Submitting the same call (agent and ``call_id``) again returns the first action unchanged: a retry after a
        lost reply never admits, or runs, a call twice. Runnable modes come back already claimed by ``worker``
        (status ``running``, under a lease) so the caller may start the tool at once, exactly once. An ``override``
        call whose tool has no compensator (``has_undo=False``) is deferred instead: it runs when its window
        passes, unless a human vetoes it.
        """
        call = replace(call, args=require_json(call.args, f"the arguments of {call.tool}"))
        now = self.core.clock.now()
        windows = {limit.id: now - limit.per for limit in self.core.policy.limits_for(call.tool)}

        def admit(lane: LaneState) -> Admitted:
            verdict = self.core.policy.evaluate(call, lane, declared)
            status = _STATUS_FOR_MODE[verdict.mode]
            deferred = status is Status.RUNNING and verdict.mode is Mode.OVERRIDE and not has_undo
            if deferred:
                status = Status.DEFERRED
            running = status is Status.RUNNING
            action = Action(
                id=new_id(),
                call=call,
                verdict=verdict,
                status=status,
                created_at=now,
                updated_at=now,
                policy_version=self.core.policy.version,
                expires_at=now + verdict.timeout if verdict.timeout and status is Status.PENDING else None,
                run_at=now + verdict.window if deferred and verdict.window else None,
                reviewers=verdict.reviewers,
                claimed_by=worker if running else None,
                lease_until=now + self.core.lease if running else None,
            )
            events = [EventDraft(f"agent:{call.agent}", "action.proposed", action.id, self.core.proposed_body(action))]
            opens = verdict.trips if lane.breaker is None else None
            if opens is not None:
                body = {"lane": call.lane, "limit": opens, "policy": self.core.policy.version}
                events.append(EventDraft("system", "breaker.opened", action.id, body))
            if running:
                events.append(self.core.started_event(action))
            return Admitted(action=action, events=events, at=now, charges=verdict.charges, open_breaker=opens)

        try:
            action = self.actions.create_action(call.agent, call.tool, windows, admit)
        except DuplicateCall:  # the same call again (a retry after a lost reply): it is the same action
            existing = self.actions.find_call(call.agent, call.call_id)
            if existing is None:
                raise
            return existing
        if action.status is Status.SHADOWED and call.subject:
            self.shadow.record_agent(
                call.subject,
                agent=call.agent,
                tool=call.tool,
                args=call.args,
                action_id=action.id,
                confidence=call.confidence,
            )
        if action.verdict.trips is not None:
            self.core.notify("breaker_opened", action)
        if action.status is Status.PENDING:
            self.core.notify("approval_needed", action)
        elif action.status is Status.DEFERRED:
            self.core.notify("deferred_scheduled", action)
        elif action.verdict.mode is Mode.NOTIFY:
            self.core.notify("executed_with_alert", action)
        return action

    def claim(self, action: Action | str, *, worker: str | None = None) -> Action:
        """The atomic claim: an approved action (or a deferred one whose time has come) moves to ``running`` for
        exactly one caller; everyone else gets ClaimConflict."""
        action = self.actions.get_action(action) if isinstance(action, str) else action
        now = self.core.clock.now()
        expect = {Status.APPROVED}
        if action.status is Status.DEFERRED and action.run_at is not None and action.run_at <= now:
            expect = {Status.DEFERRED}
        claimed = self.core.transition(
            action.id,
            expect=expect,
            changes=Changes(
                status=Status.RUNNING, updated_at=now, claimed_by=worker, lease_until=now + self.core.lease
            ),
            events=[self.core.started_event(action)],
        )
        if claimed is None:
            current = self.actions.get_action(action.id)
            raise ClaimConflict(f"action {action.id} cannot be started: it is {current.status.value}")
        return claimed

    def retry(self, action: Action, *, worker: str | None = None) -> Action:
        """Run an ``unknown`` action again. Only for tools that are reversible and take the idempotency key (the
        Gate checks); never after a crash during an undo."""
        now = self.core.clock.now()
        if action.status is not Status.UNKNOWN or action.undo is not None:
            raise ClaimConflict(f"action {action.id} is {action.status.value}; only a crashed tool run is retried")
        retries = sum(1 for e in self.log.events_for(action.id) if e.kind == "action.retried")
        if retries >= MAX_RETRIES:
            raise ClaimConflict(f"action {action.id} was already retried {retries} times; a human must look at it")
        body = {"after": "crash", "worker": worker, "policy": action.policy_version}
        claimed = self.core.transition(
            action.id,
            expect={Status.UNKNOWN},
            changes=Changes(
                status=Status.RUNNING, updated_at=now, claimed_by=worker, lease_until=now + self.core.lease
            ),
            events=[EventDraft("system", "action.retried", action.id, body), self.core.started_event(action)],
            expect_version=action.version,
        )
        if claimed is None:
            current = self.actions.get_action(action.id)
            raise ClaimConflict(f"action {action.id} cannot be retried: it is {current.status.value}")
        return claimed

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action:
        """Record what the tool did. Only the worker that holds the claim records it, and only once.

        Pass the Action you claimed (rather than its id) to save a read on the hot path. A worker whose lease
        ran out while the tool was still running (the action was marked ``unknown``) still records its result:
        it knows best what happened.
        """
        action = self.actions.get_action(action) if isinstance(action, str) else action
        now = self.core.clock.now()
        window = None
        if action.verdict.mode is Mode.OVERRIDE and action.run_at is None and error is None:
            window = action.verdict.window
        value = jsonable(result) if error is None else None
        if error is None:
            kind, status = "action.executed", Status.EXECUTED
            # the log is read, exported and streamed: secret-looking fields of the result are redacted there; the
            # action keeps the whole result for the agent, its compensator and exactly-once replay
            body: dict[str, object] = {"outcome": "executed", "result": _audit_result(self.core.redact(value))}
        else:
            kind, status = "action.failed", Status.FAILED
            body = {"outcome": "failed", "error": error}
        body["policy"] = action.policy_version
        if window is not None:
            body["window_ends_at"] = iso(now + window)
        changes = Changes(
            status=status,
            updated_at=now,
            result=value,
            error=error,
            window_ends_at=now + window if window else None,
            lease_until=None,
        )
        event = EventDraft(f"agent:{action.call.agent}", kind, action.id, body)
        finished = self.core.transition(
            action.id,
            expect={Status.RUNNING},
            changes=changes,
            events=[event],
            expect_version=action.version,
            current=action,
        )
        while finished is None:  # our own lease renewal moved the version, or the lease ran out
            current = self.actions.get_action(action.id)
            if current.status not in (Status.RUNNING, Status.UNKNOWN) or current.claimed_by != action.claimed_by:
                raise ClaimConflict(
                    f"action {action.id} is {current.status.value} (claimed by {current.claimed_by}); "
                    "the result of this run was not recorded"
                )
            finished = self.core.transition(
                action.id,
                expect={current.status},
                changes=changes,
                events=[event],
                expect_version=current.version,
            )
        if window is not None:
            self.core.notify("override_window_open", finished)
        return finished

    def resolve_unknown(self, action_id: str, *, ran: bool, by: str, note: str = "") -> Action:
        """A human checked an ``unknown`` action (its worker died mid-run) and says whether it took effect."""
        if not by or not by.strip():
            raise UsageError("a resolution must say who checked (by=...)")
        action = self.actions.get_action(action_id)
        now = self.core.clock.now()
        finding = "it ran" if ran else "it did not run"
        checked = f"a crash interrupted it; {by} checked: {finding}. {note}".strip()
        if action.undo is not None:
            # The crash was in the undo: the tool itself ran. "It ran" means the compensator took effect (undone);
            # "it did not" means the tool's effect stands and still needs undoing by hand. Never the window again,
            # so the compensator can never run a second time.
            phase = "undo"
            status = Status.UNDONE if ran else Status.UNDO_FAILED
            record = replace(action.undo, result=checked if ran else None, error=None if ran else checked)
            changes = Changes(status=status, updated_at=now, undo=record, lease_until=None, claimed_by=None)
        else:
            phase = "tool"
            status = Status.EXECUTED if ran else Status.FAILED
            changes = Changes(
                status=status, updated_at=now, error=None if ran else checked, lease_until=None, claimed_by=None
            )
        body = {
            "phase": phase,
            "finding": finding,
            "note": note,
            "outcome": status.value,
            "policy": action.policy_version,
        }
        resolved = self.core.transition(
            action_id,
            expect={Status.UNKNOWN},
            changes=changes,
            events=[EventDraft(f"human:{by}", "action.resolved", action_id, body)],
            expect_version=action.version,
        )
        if resolved is None:
            current = self.actions.get_action(action_id)
            raise NotDecidable(f"action {action_id} is {current.status.value}; only an unknown action is resolved")
        return resolved

    def renew_leases(self, claims: list[tuple[str, str]]) -> int:
        """Tell the world these claims are alive: ``(action id, claim token)`` pairs whose tool or compensator is
        still running. A claim that was lost (the action moved on, or was claimed again) is not renewed."""
        now = self.core.clock.now()
        renewed = 0
        for action_id, token in claims:
            try:
                current = self.actions.get_action(action_id)
            except NotFound:
                continue
            if current.status in (Status.RUNNING, Status.UNDOING) and current.claimed_by == token:
                done = self.core.transition(
                    action_id,
                    expect={current.status},
                    changes=Changes(status=current.status, updated_at=now, lease_until=now + self.core.lease),
                    events=[],
                    expect_version=current.version,
                )
                renewed += done is not None
        return renewed

    def _lane(self, call: ToolCall) -> LaneState:
        now = self.core.clock.now()
        windows = {limit.id: now - limit.per for limit in self.core.policy.limits_for(call.tool)}
        return self.lanes.lane_state(call.agent, call.tool, windows)


def _audit_result(value: object) -> object:
    """A result (already plain JSON) as the audit log keeps it: whole if small, else its digest and size."""
    text = canonical_json(value)
    if len(text) <= _RESULT_AUDIT_LIMIT:
        return value
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "bytes": len(text)}

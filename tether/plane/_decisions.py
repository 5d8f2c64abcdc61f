"""Applying a reviewer's decision: separation of duties, quorum, and one winner against expiry.

A decision is a compare-and-set on the action's version, so two reviewers deciding at once, or a reviewer
deciding as the approval expires, always leave exactly one winner; the loser gets an error that says who won.
A decision that arrives after the deadline fires the timer first (``Timers.expire``), so it never approves an
action that had already expired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tether._json import iso, require_json
from tether._names import identity_key, same_identity
from tether.errors import AlreadyDecided, Forbidden, NotDecidable, SeparationOfDuties, UsageError
from tether.model import Action, Approve, Decision, Edit, Reject, Respond, Status
from tether.plane._core import PlaneCore
from tether.plane._timers import Timers
from tether.store import ActionStore, Changes, EventDraft

_PAST = {"approve": "approved", "edit": "edited", "reject": "rejected", "respond": "responded"}
_ATTEMPTS = 20  # concurrent approvals of one quorum retry on a fresh read; this bounds a pathological livelock


GroupCheck = Callable[[str | None], bool]
"""Whether the decider may decide for a reviewer group (``None``: an action that names no group)."""


class Decisions:
    """Applies reviewers' decisions; uses the timers to expire an approval whose deadline has passed."""

    def __init__(self, core: PlaneCore, timers: Timers) -> None:
        self.core = core
        self.timers = timers
        self.actions: ActionStore = core.store

    def decide(self, action_id: str, decision: Decision, *, may_decide_for: GroupCheck | None = None) -> Action:
        """Apply a reviewer's decision.

        Approve and Edit count toward the quorum (distinct reviewers; an Edit restarts the count, since earlier
        approvals were for other arguments); the action is approved when the quorum is reached. Reject and
        Respond settle it at once. A decided, expired or never-held action raises a DecisionError.
        """
        decision = _checked(decision)
        for _ in range(_ATTEMPTS):
            action = self.actions.get_action(action_id)
            allowed = self.core.policy.decisions_for(action.call.tool)
            if decision.kind not in allowed:
                raise UsageError(
                    f"{action.call.tool} takes {', '.join(allowed)} decisions (the policy's decisions key), "
                    f"not {decision.kind}"
                )
            if same_identity(decision.by, action.call.agent):
                raise SeparationOfDuties(
                    f"{decision.by!r} proposed action {action_id} and may not decide it; another reviewer must"
                )
            now = self.core.clock.now()
            if action.status is Status.PENDING and action.expires_at is not None and action.expires_at <= now:
                action = self.timers.expire(action)
                if action.status is not Status.PENDING:
                    raise NotDecidable(
                        f"action {action_id} expired at {iso(action.expires_at)} without a decision; it was not run"
                    )
            if action.status is not Status.PENDING:
                raise _why_not_decidable(action)
            # Whose decision it is, on the action as it is now: after a due escalation fired above, and again after
            # any change that makes the compare-and-set below fail, so the group that decides is the group it is for.
            if may_decide_for is not None and not may_decide_for(action.reviewers):
                group = f"reviewer group {action.reviewers!r}" if action.reviewers else "reviewers"
                escalated = " (it has just been escalated)" if action.escalations else ""
                raise Forbidden(f"{decision.by} may not decide action {action_id}: it is for {group}{escalated}")
            approvals = action.approvals
            if isinstance(decision, Approve):
                if any(same_identity(a.by, decision.by) for a in approvals):
                    raise AlreadyDecided(
                        f"{decision.by} has already approved action {action_id}; it needs approvals from "
                        f"{action.verdict.quorum} different reviewers"
                    )
                approvals = (*approvals, decision)
            elif isinstance(decision, Edit):
                approvals = (decision,)
            settled = not isinstance(decision, Approve | Edit) or len(approvals) >= action.verdict.quorum
            status = {
                "reject": Status.REJECTED,
                "respond": Status.RESPONDED,
            }.get(decision.kind, Status.APPROVED if settled else Status.PENDING)
            event = EventDraft(
                f"human:{decision.by}",
                f"action.{_PAST[decision.kind]}",
                action_id,
                self.decision_body(action, decision, status, len(approvals)),
            )
            changes = Changes(
                status=status,
                updated_at=now,
                approvals=approvals,
                decision=decision if settled else None,
                decided_at=now if settled else None,
                # approved, not yet run: if nobody claims it by then, the sweep tells its reviewers (not_run)
                lease_until=now + self.core.not_run_after if status is Status.APPROVED else None,
            )
            updated = self.core.transition(
                action_id, expect={Status.PENDING}, changes=changes, events=[event], expect_version=action.version
            )
            if updated is not None:
                return updated
        raise AlreadyDecided(f"action {action_id} kept changing while deciding; read it again and retry")

    def withdraw(self, action_id: str, *, agent: str, note: str) -> Action:
        """The agent that proposed a held call takes it back (its application said no): it is rejected, in the
        agent's name, and no reviewer can approve it into a call that will never be made. Refusing is the safe
        direction, so this needs no reviewer's authority; only the proposing agent may do it."""
        if not isinstance(note, str) or not note.strip():
            raise UsageError("withdrawing a call needs a note: why the agent's application took it back")
        for _ in range(_ATTEMPTS):
            action = self.actions.get_action(action_id)
            if action.call.agent != agent:
                raise SeparationOfDuties(
                    f"only {action.call.agent}, which proposed action {action_id}, may withdraw it"
                )
            if action.status is not Status.PENDING:
                raise _why_not_decidable(action)
            now = self.core.clock.now()
            body = {"outcome": Status.REJECTED.value, "note": note, "policy": action.policy_version}
            updated = self.core.transition(
                action_id,
                expect={Status.PENDING},
                changes=Changes(
                    status=Status.REJECTED, updated_at=now, decision=Reject(by=agent, note=note), decided_at=now
                ),
                events=[EventDraft(f"agent:{agent}", "action.withdrawn", action_id, body)],
                expect_version=action.version,
            )
            if updated is not None:
                return updated
        raise AlreadyDecided(f"action {action_id} kept changing while withdrawing it; read it again and retry")

    def decision_body(self, action: Action, decision: Decision, status: Status, approvals: int) -> dict[str, object]:
        """The audit body of one decision: what was decided, the quorum so far, and an edit's redacted arguments."""
        body: dict[str, object] = {
            "decision": decision.kind,
            "outcome": status.value,
            "policy": action.policy_version,
        }
        if action.verdict.quorum > 1 and isinstance(decision, Approve | Edit):
            body["approvals"] = approvals
            body["quorum"] = action.verdict.quorum
        match decision:
            case Approve(note=note) | Reject(note=note):
                body["note"] = note
            case Edit(args=args, note=note):
                body["note"] = note
                body["original_args"] = self.core.redact(action.call.args)
                body["args"] = self.core.redact(args)
            case Respond(message=message):
                body["message"] = message
        return body


def _checked(decision: Decision) -> Decision:
    if not isinstance(decision, Approve | Edit | Reject | Respond):
        raise UsageError(f"a decision is Approve, Edit, Reject or Respond, got {decision!r}")
    if not isinstance(decision.by, str) or not identity_key(decision.by):
        raise UsageError("a decision must say who made it (by=...), in characters a person can read")
    if isinstance(decision, Edit):
        if not isinstance(decision.args, dict):
            raise UsageError("Edit.args must be a dict of argument names to values")
        return replace(decision, args=require_json(decision.args, "Edit.args"))
    if isinstance(decision, Reject) and (not isinstance(decision.note, str) or not decision.note.strip()):
        raise UsageError(
            "a rejection needs a note saying why (note=...): the agent gets it as its tool result, and the audit "
            "log keeps it"
        )
    return decision


def _why_not_decidable(action: Action) -> Exception:
    if action.decision is not None:
        when = iso(action.decided_at) or "earlier"
        return AlreadyDecided(
            f"action {action.id} was already decided: {action.decision.kind} by {action.decision.by} at {when}"
        )
    if action.status is Status.EXPIRED:
        return NotDecidable(f"action {action.id} expired at {iso(action.expires_at)} without a decision")
    return NotDecidable(f"action {action.id} is {action.status.value}; it is not waiting for a decision")

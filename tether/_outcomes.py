"""What the agent is told about an action: one mapping from stored status to outcome, shared by the local plane
and the HTTP client so that both gates answer alike."""

from __future__ import annotations

from tether._json import iso
from tether.model import (
    Action,
    Deferred,
    Denied,
    Executed,
    Failed,
    Outcome,
    Pending,
    Reject,
    Rejected,
    Respond,
    Responded,
    Shadowed,
    Status,
)

_EXECUTED_LIKE = frozenset(
    {Status.EXECUTED, Status.FINALIZED, Status.UNDO_REQUESTED, Status.UNDOING, Status.UNDONE, Status.UNDO_FAILED}
)


def outcome_of(action: Action) -> Outcome:
    """What the agent is told about an action in its current state."""
    reasons = tuple(action.verdict.explain())
    decision = action.decision
    match action.status:
        case status if status in _EXECUTED_LIKE:
            return Executed(action_id=action.id, result=action.result, window_ends_at=action.window_ends_at)
        case Status.FAILED:
            return Failed(action_id=action.id, error=action.error or "the tool failed")
        case Status.UNKNOWN:
            return Failed(
                action_id=action.id,
                error="the process running this action stopped before recording a result; "
                "a human must check whether it took effect",
            )
        case Status.REJECTED if isinstance(decision, Reject):
            return Rejected(action_id=action.id, note=decision.note, by=decision.by)
        case Status.RESPONDED if isinstance(decision, Respond):
            return Responded(action_id=action.id, message=decision.message, by=decision.by)
        case Status.EXPIRED:
            note = f"nobody decided before the request expired at {iso(action.expires_at)}; it was not run"
            return Rejected(action_id=action.id, note=note)
        case Status.VETOED:
            by = action.undo.by if action.undo else None
            return Rejected(action_id=action.id, note=f"vetoed by {by} before it ran", by=by)
        case Status.DEFERRED:
            assert action.run_at is not None
            return Deferred(action_id=action.id, run_at=action.run_at)
        case Status.SHADOWED:
            return Shadowed(action_id=action.id)
        case Status.DENIED:
            return Denied(action_id=action.id, reasons=reasons)
        case Status.APPROVED:
            return Pending(action_id=action.id, reasons=("approved; it runs when the agent resumes it",))
        case Status.RUNNING:
            return Pending(action_id=action.id, reasons=("it is running now",))
        case _:
            return Pending(
                action_id=action.id,
                reasons=reasons,
                expires_at=action.expires_at,
                approvals=len(action.approvals),
                quorum=action.verdict.quorum,
            )

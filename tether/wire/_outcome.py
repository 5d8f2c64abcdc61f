"""What the agent is told, on the wire: one model per outcome kind, each with exactly the fields of its kind, and
the bodies that carry an action with its outcome.

``text`` is what an LLM should see (``to_tool_result()``), so a client in any language can hand it on unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from tether._outcomes import outcome_of
from tether.model import Action, Deferred, Denied, Executed, Failed, Outcome, Pending, Rejected, Responded, Shadowed
from tether.wire._action import ActionOut, Hide
from tether.wire._audit import EventOut
from tether.wire._base import Moment, WireModel


class ExecutedOut(WireModel):
    """The tool ran; inside an override window a human may still undo it until ``window_ends_at``."""

    kind: Literal["executed"] = "executed"
    action_id: str
    text: str
    result: Any
    window_ends_at: Moment | None


class FailedOut(WireModel):
    kind: Literal["failed"] = "failed"
    action_id: str
    text: str
    error: str


class PendingOut(WireModel):
    """Held for a human (or approved and not run yet, or running now: ``reasons`` says which)."""

    kind: Literal["pending"] = "pending"
    action_id: str
    text: str
    reasons: list[str]
    approvals: int
    quorum: int
    expires_at: Moment | None


class RejectedOut(WireModel):
    """Rejected by a reviewer, expired, or vetoed before it ran; ``by`` is null when nobody decided."""

    kind: Literal["rejected"] = "rejected"
    action_id: str
    text: str
    note: str
    by: str | None


class RespondedOut(WireModel):
    kind: Literal["responded"] = "responded"
    action_id: str
    text: str
    message: str
    by: str | None


class DeferredOut(WireModel):
    """No compensator: it runs at ``run_at`` unless a human vetoes it first."""

    kind: Literal["deferred"] = "deferred"
    action_id: str
    text: str
    run_at: Moment


class ShadowedOut(WireModel):
    kind: Literal["shadowed"] = "shadowed"
    action_id: str
    text: str


class DeniedOut(WireModel):
    kind: Literal["denied"] = "denied"
    action_id: str
    text: str
    reasons: list[str]


AnyOutcome = ExecutedOut | FailedOut | PendingOut | RejectedOut | RespondedOut | DeferredOut | ShadowedOut | DeniedOut
OutcomeOut = Annotated[AnyOutcome, Field(discriminator="kind")]


def outcome_out(outcome: Outcome) -> AnyOutcome:
    text = outcome.to_tool_result()
    match outcome:
        case Executed():
            return ExecutedOut(
                action_id=outcome.action_id, text=text, result=outcome.result, window_ends_at=outcome.window_ends_at
            )
        case Failed():
            return FailedOut(action_id=outcome.action_id, text=text, error=outcome.error)
        case Pending():
            return PendingOut(
                action_id=outcome.action_id,
                text=text,
                reasons=list(outcome.reasons),
                approvals=outcome.approvals,
                quorum=outcome.quorum,
                expires_at=outcome.expires_at,
            )
        case Rejected():
            return RejectedOut(action_id=outcome.action_id, text=text, note=outcome.note, by=outcome.by)
        case Responded():
            return RespondedOut(action_id=outcome.action_id, text=text, message=outcome.message, by=outcome.by)
        case Deferred():
            return DeferredOut(action_id=outcome.action_id, text=text, run_at=outcome.run_at)
        case Shadowed():
            return ShadowedOut(action_id=outcome.action_id, text=text)
        case Denied():
            return DeniedOut(action_id=outcome.action_id, text=text, reasons=list(outcome.reasons))
    raise TypeError(f"not an outcome: {outcome!r}")  # pragma: no cover - the union is closed


class ActionView(WireModel):
    """An action and what its agent is told about it: the answer to every call that acts on one action."""

    action: ActionOut
    outcome: OutcomeOut

    @classmethod
    def of(cls, action: Action) -> ActionView:
        return cls(action=ActionOut.of(action), outcome=outcome_out(outcome_of(action)))

    def redacted(self, hide: Hide) -> ActionView:
        return self.model_copy(update={"action": self.action.redacted(hide)})


class ActionDetail(ActionView):
    """One action with its whole timeline, oldest event first."""

    timeline: list[EventOut]


class ActionList(WireModel):
    actions: list[ActionView]


class LeasesOut(WireModel):
    renewed: int = Field(description="How many of the claims were still held and now run longer.")

"""An action on the wire: the call, the policy's verdict, the decisions and what ran, as the API shows them.

This is the API's own format, converted from ``tether.model.Action`` here. The store keeps its rows in its own
format (``tether.store._rows``), which changes only with a migration; the two may look alike but evolve apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field

from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    Mode,
    Reason,
    Reject,
    Respond,
    Status,
    ToolCall,
    UndoRecord,
    Urgency,
    Verdict,
)
from tether.wire._base import JSONObject, Moment, WireModel, utc, utc_or_none

Hide = Callable[[JSONObject], JSONObject]
"""What a viewer may see of some arguments (a redaction)."""


class CallOut(WireModel):
    """What the agent asked for; ``call_id`` is the idempotency key the tool receives."""

    tool: str
    args: JSONObject
    agent: str
    thread: str | None
    reasoning: str | None
    confidence: float | None
    subject: str | None
    call_id: str

    @classmethod
    def of(cls, call: ToolCall) -> CallOut:
        return cls(
            tool=call.tool,
            args=call.args,
            agent=call.agent,
            thread=call.thread,
            reasoning=call.reasoning,
            confidence=call.confidence,
            subject=call.subject,
            call_id=call.call_id,
        )

    def to_call(self) -> ToolCall:
        return ToolCall(
            tool=self.tool,
            args=dict(self.args),
            agent=self.agent,
            thread=self.thread,
            reasoning=self.reasoning,
            confidence=self.confidence,
            subject=self.subject,
            call_id=self.call_id,
        )


class ReasonOut(WireModel):
    """One policy step that set or changed the mode."""

    step: str
    ref: str
    mode: Mode
    text: str


class VerdictOut(WireModel):
    """What the policy said about the call; durations are in seconds."""

    mode: Mode
    reasons: list[ReasonOut]
    alert: bool
    urgency: Urgency
    quorum: int
    window: float | None = Field(description="The override window, in seconds.")
    timeout: float | None = Field(description="The approval timeout, in seconds.")
    on_timeout: Literal["reject", "escalate"]
    reviewers: str | None
    escalate_to: str | None
    locked: bool
    ceiling: Mode
    trips: str | None = Field(description="The limit this call exceeded; its lane's breaker opened.")
    charges: list[tuple[str, float]] = Field(description="What the call counts against each limit: [limit, amount].")

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictOut:
        return cls(
            mode=verdict.mode,
            reasons=[ReasonOut(step=r.step, ref=r.ref, mode=r.mode, text=r.text) for r in verdict.reasons],
            alert=verdict.alert,
            urgency=verdict.urgency,
            quorum=verdict.quorum,
            window=_seconds(verdict.window),
            timeout=_seconds(verdict.timeout),
            on_timeout=verdict.on_timeout,
            reviewers=verdict.reviewers,
            escalate_to=verdict.escalate_to,
            locked=verdict.locked,
            ceiling=verdict.ceiling,
            trips=verdict.trips,
            charges=[(limit, amount) for limit, amount in verdict.charges],
        )

    def to_verdict(self) -> Verdict:
        return Verdict(
            mode=self.mode,
            reasons=tuple(Reason(step=r.step, ref=r.ref, mode=r.mode, text=r.text) for r in self.reasons),
            alert=self.alert,
            urgency=self.urgency,
            quorum=self.quorum,
            window=_delta(self.window),
            timeout=_delta(self.timeout),
            on_timeout=self.on_timeout,
            reviewers=self.reviewers,
            escalate_to=self.escalate_to,
            locked=self.locked,
            ceiling=self.ceiling,
            trips=self.trips,
            charges=tuple((limit, float(amount)) for limit, amount in self.charges),
        )


class ApproveOut(WireModel):
    kind: Literal["approve"] = "approve"
    by: str
    note: str


class EditOut(WireModel):
    """An approval that runs the tool with the reviewer's arguments."""

    kind: Literal["edit"] = "edit"
    by: str
    args: JSONObject
    note: str


class RejectOut(WireModel):
    kind: Literal["reject"] = "reject"
    by: str
    note: str


class RespondOut(WireModel):
    """An answer to the agent instead of a run."""

    kind: Literal["respond"] = "respond"
    by: str
    message: str


DecisionOut = Annotated[ApproveOut | EditOut | RejectOut | RespondOut, Field(discriminator="kind")]
ApprovalOut = Annotated[ApproveOut | EditOut, Field(discriminator="kind")]


def decision_out(decision: Decision) -> ApproveOut | EditOut | RejectOut | RespondOut:
    match decision:
        case Approve(by=by, note=note):
            return ApproveOut(by=by, note=note)
        case Edit(by=by, args=args, note=note):
            return EditOut(by=by, args=args, note=note)
        case Reject(by=by, note=note):
            return RejectOut(by=by, note=note)
        case Respond(by=by, message=message):
            return RespondOut(by=by, message=message)


def decision_of(out: ApproveOut | EditOut | RejectOut | RespondOut) -> Decision:
    match out:
        case ApproveOut(by=by, note=note):
            return Approve(by=by, note=note)
        case EditOut(by=by, args=args, note=note):
            return Edit(by=by, args=dict(args), note=note)
        case RejectOut(by=by, note=note):
            return Reject(by=by, note=note)
        case RespondOut(by=by, message=message):
            return Respond(by=by, message=message)
    raise TypeError(f"not a decision: {out!r}")  # pragma: no cover - the union is closed


class UndoOut(WireModel):
    """Who asked for the undo, when, and what the compensator did."""

    by: str
    requested_at: Moment
    result: Any
    error: str | None


class ActionOut(WireModel):
    """The whole record of one call and everything that happened to it."""

    id: str
    status: Status
    mode: Mode
    created_at: Moment
    updated_at: Moment
    call: CallOut
    verdict: VerdictOut
    decision: DecisionOut | None
    decided_at: Moment | None
    approvals: list[ApprovalOut]
    result: Any
    error: str | None
    window_ends_at: Moment | None
    expires_at: Moment | None
    run_at: Moment | None
    reviewers: str | None
    escalations: int
    claimed_by: str | None
    lease_until: Moment | None
    undo: UndoOut | None
    policy_version: str
    version: int

    @classmethod
    def of(cls, action: Action) -> ActionOut:
        undo = action.undo
        return cls(
            id=action.id,
            status=action.status,
            mode=action.verdict.mode,
            created_at=action.created_at,
            updated_at=action.updated_at,
            call=CallOut.of(action.call),
            verdict=VerdictOut.of(action.verdict),
            decision=decision_out(action.decision) if action.decision else None,
            decided_at=action.decided_at,
            approvals=[a for a in map(decision_out, action.approvals) if isinstance(a, ApproveOut | EditOut)],
            result=action.result,
            error=action.error,
            window_ends_at=action.window_ends_at,
            expires_at=action.expires_at,
            run_at=action.run_at,
            reviewers=action.reviewers,
            escalations=action.escalations,
            claimed_by=action.claimed_by,
            lease_until=action.lease_until,
            undo=None
            if undo is None
            else UndoOut(by=undo.by, requested_at=undo.requested_at, result=undo.result, error=undo.error),
            policy_version=action.policy_version,
            version=action.version,
        )

    def to_action(self) -> Action:
        """The ``tether.model.Action`` this describes: how the Python client rebuilds what the server sent."""
        approvals = tuple(d for d in map(decision_of, self.approvals) if isinstance(d, Approve | Edit))
        undo = self.undo
        return Action(
            id=self.id,
            call=self.call.to_call(),
            verdict=self.verdict.to_verdict(),
            status=self.status,
            created_at=utc(self.created_at),
            updated_at=utc(self.updated_at),
            policy_version=self.policy_version,
            decision=decision_of(self.decision) if self.decision else None,
            decided_at=utc_or_none(self.decided_at),
            approvals=approvals,
            result=self.result,
            error=self.error,
            window_ends_at=utc_or_none(self.window_ends_at),
            expires_at=utc_or_none(self.expires_at),
            run_at=utc_or_none(self.run_at),
            reviewers=self.reviewers,
            escalations=self.escalations,
            claimed_by=self.claimed_by,
            lease_until=utc_or_none(self.lease_until),
            undo=None
            if undo is None
            else UndoRecord(by=undo.by, requested_at=utc(undo.requested_at), result=undo.result, error=undo.error),
            version=self.version,
        )

    def redacted(self, hide: Hide) -> ActionOut:
        """The same action with every set of arguments passed through ``hide`` (what a viewer may see)."""
        approvals = [
            a.model_copy(update={"args": hide(a.args)}) if isinstance(a, EditOut) else a for a in self.approvals
        ]
        decision = self.decision
        if isinstance(decision, EditOut):
            decision = decision.model_copy(update={"args": hide(decision.args)})
        call = self.call.model_copy(update={"args": hide(self.call.args)})
        return self.model_copy(update={"call": call, "approvals": approvals, "decision": decision})


def _seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds()


def _delta(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)

"""How model objects are stored: the JSON row formats of actions, calls, verdicts, decisions and shadow
cases. They change only with a migration.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tether._json import from_iso, from_ts, iso, ts
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    Mode,
    Reason,
    Reject,
    Respond,
    ShadowCase,
    ShadowResult,
    Status,
    ToolCall,
    UndoRecord,
    Urgency,
    Verdict,
)

if TYPE_CHECKING:
    pass


def call_to_dict(call: ToolCall) -> dict[str, Any]:
    return {
        "tool": call.tool,
        "args": call.args,
        "agent": call.agent,
        "thread": call.thread,
        "reasoning": call.reasoning,
        "confidence": call.confidence,
        "subject": call.subject,
        "call_id": call.call_id,
    }


def verdict_to_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "mode": verdict.mode.value,
        "reasons": [{"step": r.step, "ref": r.ref, "mode": r.mode.value, "text": r.text} for r in verdict.reasons],
        "alert": verdict.alert,
        "urgency": verdict.urgency.value,
        "quorum": verdict.quorum,
        "window": _seconds(verdict.window),
        "timeout": _seconds(verdict.timeout),
        "on_timeout": verdict.on_timeout,
        "reviewers": verdict.reviewers,
        "escalate_to": verdict.escalate_to,
        "locked": verdict.locked,
        "ceiling": verdict.ceiling.value,
        "trips": verdict.trips,
        "charges": [[limit, amount] for limit, amount in verdict.charges],
    }


def verdict_from_dict(data: dict[str, Any]) -> Verdict:
    return Verdict(
        mode=Mode(data["mode"]),
        reasons=tuple(
            Reason(step=r["step"], ref=r["ref"], mode=Mode(r["mode"]), text=r["text"]) for r in data["reasons"]
        ),
        alert=data["alert"],
        urgency=Urgency(data["urgency"]),
        quorum=data["quorum"],
        window=_delta(data["window"]),
        timeout=_delta(data["timeout"]),
        on_timeout=data["on_timeout"],
        reviewers=data["reviewers"],
        escalate_to=data.get("escalate_to"),
        locked=data["locked"],
        ceiling=Mode(data["ceiling"]),
        trips=data["trips"],
        charges=tuple((limit, float(amount)) for limit, amount in data["charges"]),
    )


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": decision.kind, "by": decision.by}
    match decision:
        case Approve(note=note) | Reject(note=note):
            out["note"] = note
        case Edit(args=args, note=note):
            out["args"] = args
            out["note"] = note
        case Respond(message=message):
            out["message"] = message
    return out


def decision_from_dict(data: dict[str, Any]) -> Decision:
    kind = data["kind"]
    if kind == "approve":
        return Approve(by=data["by"], note=data.get("note", ""))
    if kind == "edit":
        return Edit(by=data["by"], args=data["args"], note=data.get("note", ""))
    if kind == "reject":
        return Reject(by=data["by"], note=data.get("note", ""))
    if kind == "respond":
        return Respond(by=data["by"], message=data["message"])
    raise ValueError(f"unknown decision kind {kind!r}")


def approvals_to_list(approvals: tuple[Approve | Edit, ...]) -> list[dict[str, Any]]:
    return [decision_to_dict(d) for d in approvals]


def approvals_from_list(data: list[dict[str, Any]] | None) -> tuple[Approve | Edit, ...]:
    decoded = tuple(decision_from_dict(d) for d in data or ())
    return tuple(d for d in decoded if isinstance(d, Approve | Edit))


def undo_to_dict(undo: UndoRecord | None) -> dict[str, Any] | None:
    if undo is None:
        return None
    return {"by": undo.by, "requested_at": ts(undo.requested_at), "result": undo.result, "error": undo.error}


def undo_from_dict(data: dict[str, Any] | None) -> UndoRecord | None:
    if data is None:
        return None
    requested = from_ts(data["requested_at"])
    assert requested is not None
    return UndoRecord(by=data["by"], requested_at=requested, result=data.get("result"), error=data.get("error"))


def call_from_dict(data: dict[str, Any]) -> ToolCall:
    return ToolCall(
        tool=data["tool"],
        args=data["args"],
        agent=data["agent"],
        thread=data.get("thread"),
        reasoning=data.get("reasoning"),
        confidence=data.get("confidence"),
        subject=data.get("subject"),
        call_id=data["call_id"],
    )


def action_from_dict(data: dict[str, Any]) -> Action:
    """The inverse of ``action_to_dict``: how the HTTP client rebuilds what the server sent."""
    undo = data.get("undo")
    created, updated = from_iso(data["created_at"]), from_iso(data["updated_at"])
    assert created is not None
    assert updated is not None
    return Action(
        id=data["id"],
        call=call_from_dict(data["call"]),
        verdict=verdict_from_dict(data["verdict"]),
        status=Status(data["status"]),
        created_at=created,
        updated_at=updated,
        policy_version=data["policy_version"],
        decision=decision_from_dict(data["decision"]) if data.get("decision") else None,
        decided_at=from_iso(data.get("decided_at")),
        approvals=approvals_from_list(data.get("approvals")),
        result=data.get("result"),
        error=data.get("error"),
        window_ends_at=from_iso(data.get("window_ends_at")),
        expires_at=from_iso(data.get("expires_at")),
        run_at=from_iso(data.get("run_at")),
        reviewers=data.get("reviewers"),
        escalations=data.get("escalations", 0),
        claimed_by=data.get("claimed_by"),
        lease_until=from_iso(data.get("lease_until")),
        undo=None
        if undo is None
        else UndoRecord(
            by=undo["by"],
            requested_at=from_iso(undo["requested_at"]) or datetime.now(UTC),
            result=undo.get("result"),
            error=undo.get("error"),
        ),
        version=data.get("version", 0),
    )


def action_to_dict(action: Action) -> dict[str, Any]:
    """The whole record, as the CLI's ``--json`` and the API show it."""
    return {
        "id": action.id,
        "status": action.status.value,
        "mode": action.verdict.mode.value,
        "created_at": iso(action.created_at),
        "updated_at": iso(action.updated_at),
        "call": call_to_dict(action.call),
        "verdict": verdict_to_dict(action.verdict),
        "decision": decision_to_dict(action.decision) if action.decision else None,
        "decided_at": iso(action.decided_at),
        "approvals": approvals_to_list(action.approvals),
        "result": action.result,
        "error": action.error,
        "window_ends_at": iso(action.window_ends_at),
        "expires_at": iso(action.expires_at),
        "run_at": iso(action.run_at),
        "reviewers": action.reviewers,
        "escalations": action.escalations,
        "claimed_by": action.claimed_by,
        "lease_until": iso(action.lease_until),
        "undo": None
        if action.undo is None
        else {**(undo_to_dict(action.undo) or {}), "requested_at": iso(action.undo.requested_at)},
        "policy_version": action.policy_version,
        "version": action.version,
    }


def _seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds()


def _delta(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def shadow_case_to_dict(case: ShadowCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "subject": case.subject,
        "created_at": iso(case.created_at),
        "agent": case.agent,
        "tool": case.tool,
        "agent_side": {
            "recorded": case.has_agent,
            "tool": case.agent_tool,
            "args": case.agent_args,
            "action_id": case.agent_action_id,
            "confidence": case.agent_confidence,
            "error": case.agent_error,
        },
        "human_side": {
            "recorded": case.has_human,
            "tool": case.human_tool,
            "args": case.human_args,
            "by": case.human_by,
        },
        "result": case.result.value if case.result else None,
        "detail": case.detail,
        "compared_at": iso(case.compared_at),
    }


def shadow_case_from_dict(data: dict[str, Any]) -> ShadowCase:
    agent, human = data["agent_side"], data["human_side"]
    created = from_iso(data["created_at"])
    assert created is not None
    return ShadowCase(
        id=data["id"],
        subject=data["subject"],
        created_at=created,
        agent=data.get("agent"),
        has_agent=agent["recorded"],
        agent_tool=agent["tool"],
        agent_args=agent["args"],
        agent_action_id=agent["action_id"],
        agent_confidence=agent["confidence"],
        agent_error=agent["error"],
        has_human=human["recorded"],
        human_tool=human["tool"],
        human_args=human["args"],
        human_by=human["by"],
        result=ShadowResult(data["result"]) if data.get("result") else None,
        detail=data.get("detail"),
        compared_at=from_iso(data.get("compared_at")),
    )

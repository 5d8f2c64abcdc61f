"""How model objects are stored: the JSON row formats of verdicts, decisions, approvals and undo records.

They belong to the store and change only with a migration; the HTTP API has its own models in ``tether.wire``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tether._json import from_ts, ts
from tether.model import (
    Approve,
    Decision,
    Edit,
    Mode,
    Reason,
    Reject,
    Respond,
    UndoRecord,
    Urgency,
    Verdict,
)


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


def _seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds()


def _delta(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)

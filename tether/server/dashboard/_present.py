"""How actions look on the dashboard: plain data for the templates, computed here so the templates stay dumb.

Everything an agent wrote (arguments, reasoning) is passed on as text; the templates autoescape it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tether.audit import redact
from tether.errors import UsageError
from tether.model import Action, Edit, Status


@dataclass(frozen=True, slots=True)
class Change:
    """One top-level argument a reviewer's edit changed."""

    key: str
    before: str | None  # None: the edit added it
    after: str | None  # None: the edit removed it


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The top-level arguments that differ between the agent's proposal and the edit that will run."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old != new:
            changes.append(
                Change(key, None if old is _MISSING else _compact(old), None if new is _MISSING else _compact(new))
            )
    return changes


def countdown(deadline: datetime | None, now: datetime) -> str:
    """'4m 10s left', 'expired', or '' with no deadline: what a person reads before the JavaScript takes over."""
    if deadline is None:
        return ""
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return "expired"
    return f"{duration(seconds)} left"


def duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def age(moment: datetime, now: datetime) -> str:
    return f"{duration(max((now - moment).total_seconds(), 0))} ago"


def card(
    action: Action, now: datetime, *, redact_fields: tuple[str, ...] | None, secrets: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What the inbox and the action page show of one action; ``redact_fields`` for viewers. A result is always
    shown with ``secrets`` (the policy's redaction list) redacted: reviewers decide on arguments, not results."""
    proposed = action.call.args
    running = action.run_args
    if redact_fields is not None:
        proposed, running = redact(proposed, redact_fields), redact(running, redact_fields)
    deadline = action.expires_at if action.status is Status.PENDING else None
    if action.status is Status.EXECUTED:
        deadline = action.window_ends_at
    elif action.status is Status.DEFERRED:
        deadline = action.run_at
    verdict = action.verdict
    return {
        "id": action.id,
        "agent": action.call.agent,
        "tool": action.call.tool,
        "lane": f"{action.call.agent}/{action.call.tool}",
        "status": action.status.value,
        "mode": verdict.mode.value,
        "urgency": verdict.urgency.value,
        "reasoning": action.call.reasoning or "",
        "confidence": action.call.confidence,
        "subject": action.call.subject,
        "args": pretty(proposed),
        "run_args": pretty(running),
        "edit_args": pretty(action.run_args) if redact_fields is None else "",
        "changes": diff(proposed, running) if any(isinstance(d, Edit) for d in action.approvals) else [],
        "reasons": [{"step": r.step, "ref": r.ref, "mode": r.mode.value, "text": r.text} for r in verdict.reasons],
        "deadline": deadline.isoformat() if deadline else "",
        "left": countdown(deadline, now),
        "created_at": action.created_at.isoformat(),
        "age": age(action.created_at, now),
        "quorum": verdict.quorum,
        "approvals": [d.by for d in action.approvals],
        "reviewers": action.reviewers,
        "decision": _decision(action),
        "result": pretty(redact(action.result, secrets)) if action.result is not None else "",
        "error": action.error or "",
        "undo": {"by": action.undo.by, "error": action.undo.error} if action.undo else None,
    }


def parse_edit(text: str, original: dict[str, Any]) -> dict[str, Any]:
    """A reviewer's edited arguments, checked against the call they edit.

    The server has no signature for the tool, so the proposal is its shape: the edit must be a JSON object with the
    same argument names, each value of the same JSON type (a number for a number, a list for a list). A tool that
    takes optional arguments gets them from the agent's next call, not from a reviewer's edit.
    """
    try:
        edited = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise UsageError(f"the edited arguments are not valid JSON: {exc.msg} at {where}") from None
    if not isinstance(edited, dict):
        raise UsageError("the edited arguments must be a JSON object of argument names to values")
    missing, extra = sorted(set(original) - set(edited)), sorted(set(edited) - set(original))
    if missing:
        raise UsageError(f"the edit leaves out argument(s) {', '.join(missing)}: the tool takes them")
    if extra:
        raise UsageError(f"the edit adds argument(s) {', '.join(extra)}: the tool was not called with them")
    for key, value in edited.items():
        if original[key] is not None and _kind(value) != _kind(original[key]):
            raise UsageError(f"argument {key!r} must stay a {_kind(original[key])}, got a {_kind(value)}")
    return edited


def _decision(action: Action) -> dict[str, Any] | None:
    decision = action.decision
    if decision is None:
        return None
    text = getattr(decision, "note", "") or getattr(decision, "message", "")
    return {"kind": decision.kind, "by": decision.by, "text": text}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "null"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


_MISSING = object()

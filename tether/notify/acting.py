"""Acting on a notification from the channel it arrived in (a Slack button, an email link): the same decisions,
role checks and separation of duties as the dashboard, and a trace in the audit log for what is refused."""

from __future__ import annotations

from typing import Any

from tether.errors import Forbidden, UsageError
from tether.identity import Identity
from tether.model import Action, Approve, Reject
from tether.plane import ControlPlane
from tether.store import EventDraft

VERBS = ("approve", "reject", "undo")


def act(plane: ControlPlane, who: Identity, verb: str, action_id: str, *, via: str, note: str = "") -> Action:
    """Approve, reject or undo as ``who``; raises the plane's errors (already decided, separation of duties...)."""
    if verb not in VERBS:
        raise UsageError(f"unknown action {verb!r}: approve, reject or undo")
    action = plane.get(action_id)
    if not who.may_decide_for(action.reviewers):
        group = f"reviewer group {action.reviewers!r}" if action.reviewers else "reviewers"
        raise Forbidden(f"{who.name} ({who.role.value}) may not decide action {action_id}: it is for {group}")
    if verb == "approve":
        return plane.decide(action_id, Approve(by=who.name, note=note or f"approved from {via}"))
    if verb == "reject":
        return plane.decide(action_id, Reject(by=who.name, note=note or f"rejected from {via}"))
    return plane.request_undo(action_id, by=who.name)


def refuse(plane: ControlPlane, via: str, reason: str, **detail: Any) -> None:
    """Record a refused request (forged, stale, replayed, unknown person, spent link) and nothing else."""
    body = {"via": via, "reason": reason, **{k: v for k, v in detail.items() if v is not None}}
    action_id = detail.get("action_id")
    plane.store.append_events([EventDraft("system", "notify.refused", action_id, body)], at=plane.clock.now())


def outcome_text(action: Action, verb: str, who: str) -> str:
    past = {"approve": "approved", "reject": "rejected", "undo": "asked to undo"}[verb]
    return f"{who} {past} it — now {action.status.value}"

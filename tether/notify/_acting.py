"""Acting on a notification from the channel it arrived in (a Slack button, an email link): the same decisions,
role checks and separation of duties as the dashboard, and a trace in the audit log for what is refused."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import deque
from typing import Any

from tether.errors import Forbidden, UsageError
from tether.model import Action, Approve, Reject
from tether.plane import ControlPlane
from tether.plane._identity import Identity
from tether.store import EventDraft

VERBS = ("approve", "reject", "undo")
log = logging.getLogger("tether.notify")


def act(plane: ControlPlane, who: Identity, verb: str, action_id: str, *, via: str, note: str = "") -> Action:
    """Approve, reject or undo as ``who``; raises the plane's errors (already decided, separation of duties...)."""
    if verb not in VERBS:
        raise UsageError(f"unknown action {verb!r}: approve, reject or undo")
    action = plane.get(action_id)
    if not who.may_decide_for(action.reviewers):
        group = f"reviewer group {action.reviewers!r}" if action.reviewers else "reviewers"
        raise Forbidden(f"{who.name} ({who.role.value}) may not decide action {action_id}: it is for {group}")
    if verb == "approve":
        return plane.decide(
            action_id, Approve(by=who.name, note=note or f"approved from {via}"), may_decide_for=who.may_decide_for
        )
    if verb == "reject":
        return plane.decide(
            action_id, Reject(by=who.name, note=note or f"rejected from {via}"), may_decide_for=who.may_decide_for
        )
    return plane.request_undo(action_id, by=who.name)


REFUSALS_PER_MINUTE = 30  # audited per process; beyond it a flood of junk requests is only logged


class _RefusalBudget:
    """Anyone can send junk to the Slack and link endpoints: cap how much of it reaches the audit log."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.window: deque[float] = deque()
        self.dropped = 0

    def take(self, now: float) -> tuple[bool, int]:
        """Whether this refusal may be audited, and how many were dropped before it."""
        with self.lock:
            while self.window and now - self.window[0] >= 60:
                self.window.popleft()
            if len(self.window) >= REFUSALS_PER_MINUTE:
                self.dropped += 1
                return False, 0
            self.window.append(now)
            dropped, self.dropped = self.dropped, 0
            return True, dropped


_BUDGETS: weakref.WeakKeyDictionary[ControlPlane, _RefusalBudget] = weakref.WeakKeyDictionary()
_BUDGETS_LOCK = threading.Lock()


def budget_of(plane: ControlPlane) -> _RefusalBudget:
    with _BUDGETS_LOCK:
        return _BUDGETS.setdefault(plane, _RefusalBudget())


def refuse(plane: ControlPlane, via: str, reason: str, **detail: Any) -> None:
    """Record a refused request (forged, stale, replayed, unknown person, spent link) and nothing else; past
    ``REFUSALS_PER_MINUTE`` a minute, refusals are logged only, and the next audited one says how many were."""
    allowed, dropped = budget_of(plane).take(time.monotonic())
    if not allowed:
        log.warning("refused a %s request (not audited: over %d a minute): %s", via, REFUSALS_PER_MINUTE, reason)
        return
    body = {"via": via, "reason": reason, **{k: v for k, v in detail.items() if v is not None}}
    if dropped:
        body["unaudited_before"] = dropped
    action_id = detail.get("action_id")
    plane.store.append_events([EventDraft("system", "notify.refused", action_id, body)], at=plane.clock.now())


def outcome_text(action: Action, verb: str, who: str) -> str:
    past = {"approve": "approved", "reject": "rejected", "undo": "asked to undo"}[verb]
    return f"{who} {past} it — now {action.status.value}"

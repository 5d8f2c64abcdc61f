"""What every part of the control plane shares: its collaborators and the one way to change an action.

``ControlPlane`` is assembled from small mixins (decisions, timers, undo) over this base, so that each stays a
module of one job while all of them write through ``_transition`` — the compare-and-set that also wakes waiters.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from tether._json import iso
from tether.audit import redact
from tether.autonomy._shadow import Comparator
from tether.clock import Clock, SystemClock
from tether.model import Action, LaneState, Status, ToolCall
from tether.notify import LogNotifier, Notifier
from tether.policy import Policy
from tether.store import Changes, EventDraft, Store

log = logging.getLogger("tether")

DEFAULT_SWEEP_LEASE = timedelta(seconds=60)
DEFAULT_LEASE = timedelta(seconds=30)


class PlaneBase:
    """The plane's collaborators and shared internals; see ``tether.plane.ControlPlane`` for the API."""

    waits_server_side = False  # a waiting Gate polls this plane's store itself (see tether.agent._remote)

    def __init__(
        self,
        policy: Policy,
        store: Store,
        *,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        lease: timedelta = DEFAULT_LEASE,
        sweep_lease: timedelta = DEFAULT_SWEEP_LEASE,
    ) -> None:
        self.policy = policy
        self.sweep_lease = sweep_lease  # how long a sweeper's claim on due timers lasts if it dies mid-sweep
        self.store = store
        self.clock = clock or SystemClock()
        self.notifier = notifier or LogNotifier()
        self.lease = lease
        self.comparators: dict[str, Comparator] = {}  # shadow mode: custom comparators, by tool
        self._changed = threading.Condition()
        self._watchers: list[Callable[[], None]] = []
        self.store.subscribe(self._wake)  # PostgreSQL: other instances' changes wake our waiters too
        self.sweeper = f"sweep-{secrets.token_hex(6)}"  # this process's name when it claims due timers

    # -- shared internals ----------------------------------------------------------------------

    def _transition(
        self,
        action_id: str,
        *,
        expect: set[Status],
        changes: Changes,
        events: list[EventDraft],
        expect_version: int | None = None,
        current: Action | None = None,
    ) -> Action | None:
        """Store a transition and wake whoever waits on this plane."""
        updated = self.store.transition(
            action_id, expect=expect, changes=changes, events=events, expect_version=expect_version, current=current
        )
        if updated is not None:
            self._wake()
        return updated

    def _wake(self) -> None:
        """Something changed (here, or in another instance): wake blocked waiters and async watchers."""
        with self._changed:
            self._changed.notify_all()
        for watcher in list(self._watchers):
            watcher()

    def on_change(self, watcher: Callable[[], None]) -> None:
        """Call ``watcher`` (from any thread, quickly) whenever this plane or another instance changes something."""
        self._watchers.append(watcher)

    def off_change(self, watcher: Callable[[], None]) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    def _lane(self, call: ToolCall) -> LaneState:
        now = self.clock.now()
        windows = {limit.id: now - limit.per for limit in self.policy.limits_for(call.tool)}
        return self.store.lane_state(call.agent, call.tool, windows)

    def _proposed_body(self, action: Action) -> dict[str, object]:
        call, verdict = action.call, action.verdict
        return {
            "tool": call.tool,
            "args": redact(call.args, self.policy.config.audit.redact),
            "agent": call.agent,
            "thread": call.thread,
            "subject": call.subject,
            "call_id": call.call_id,
            "reasoning": call.reasoning,
            "confidence": call.confidence,
            "mode": verdict.mode.value,
            "status": action.status.value,
            "urgency": verdict.urgency.value,
            "reasons": verdict.explain(),
            "quorum": verdict.quorum,
            "expires_at": iso(action.expires_at),
            "run_at": iso(action.run_at),
            "policy": action.policy_version,
        }

    def _started_event(self, action: Action) -> EventDraft:
        body = {"args": redact(action.run_args, self.policy.config.audit.redact), "policy": action.policy_version}
        return EventDraft(f"agent:{action.call.agent}", "action.started", action.id, body)

    def _redact(self, args: dict[str, object]) -> object:
        return redact(args, self.policy.config.audit.redact)

    def _notify(self, kind: str, action: Action) -> None:
        try:
            self.notifier.notify(kind, action)
        except Exception:  # a notifier must never fail the agent
            log.exception("notifier failed for %s on action %s", kind, action.id)

    def _now(self) -> datetime:
        return self.clock.now()

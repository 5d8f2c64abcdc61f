"""What every service of the control plane shares: its collaborators and the one way to change an action.

The services (admission, decisions, timers, undo, lanes, shadow) each hold this core rather than inherit from a
common base, so what a service depends on is written in its constructor. Every state change goes through
``PlaneCore.transition`` — the store's compare-and-set, followed by a wake-up of whoever waits on this plane.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import timedelta

from tether._json import iso
from tether.audit import redact
from tether.clock import Clock, SystemClock
from tether.model import Action, Status
from tether.plane._notifier import LogNotifier, Notifier
from tether.policy import Policy
from tether.store import Changes, EventDraft, Store

log = logging.getLogger("tether")

DEFAULT_SWEEP_LEASE = timedelta(seconds=60)
DEFAULT_LEASE = timedelta(seconds=30)
NOT_RUN_AFTER = timedelta(minutes=10)
"""How long an approved action may wait for the agent (or gateway) that runs it before its reviewers are told that
it has not run: approved is not done, and nobody should believe it is."""


class PlaneCore:
    """The plane's collaborators and shared internals; see ``tether.plane.ControlPlane`` for the API.

    ``policy``, ``clock``, ``notifier`` and the leases are read at each use, so replacing one (a test shortening
    the lease, say) takes effect in every service at once.
    """

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
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.notifier: Notifier = notifier or LogNotifier()
        self.lease = lease  # how long a worker's claim on a running tool lasts unless renewed
        self.sweep_lease = sweep_lease  # how long a sweeper's claim on due timers lasts if it dies mid-sweep
        self.not_run_after = NOT_RUN_AFTER
        self.sweeper = f"sweep-{secrets.token_hex(6)}"  # this process's name when it claims due timers
        self._changed = threading.Condition()
        self._watchers: list[Callable[[], None]] = []
        self.store.subscribe(self.wake)  # PostgreSQL: other instances' changes wake our waiters too

    # -- the one transition -------------------------------------------------------------------------------------

    def transition(
        self,
        action_id: str,
        *,
        expect: set[Status],
        changes: Changes,
        events: list[EventDraft],
        expect_version: int | None = None,
        current: Action | None = None,
    ) -> Action | None:
        """Store a transition (compare-and-set, with its audit events) and wake whoever waits on this plane.

        None means the action was not in an expected state: someone else won.
        """
        updated = self.store.transition(
            action_id, expect=expect, changes=changes, events=events, expect_version=expect_version, current=current
        )
        if updated is not None:
            self.wake()
        return updated

    # -- waking -----------------------------------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (here, or in another instance): wake blocked waiters and async watchers."""
        with self._changed:
            self._changed.notify_all()
        for watcher in list(self._watchers):
            watcher()

    def wait(self, timeout: float) -> None:
        """Block until the next wake-up or ``timeout`` seconds, whichever comes first."""
        with self._changed:
            self._changed.wait(timeout)

    def on_change(self, watcher: Callable[[], None]) -> None:
        self._watchers.append(watcher)

    def off_change(self, watcher: Callable[[], None]) -> None:
        if watcher in self._watchers:
            self._watchers.remove(watcher)

    # -- telling humans, and what the audit log may show ------------------------------------------------------

    def notify(self, kind: str, action: Action) -> None:
        """Tell humans; called after the change committed, so a failing notifier is logged and never raised."""
        try:
            self.notifier.notify(kind, action)
        except Exception:  # a notifier must never fail the agent
            log.exception("notifier failed for %s on action %s", kind, action.id)

    def redact(self, value: object) -> object:
        """Arguments as the audit log may keep them (the policy's ``audit.redact`` keys masked)."""
        return redact(value, self.policy.config.audit.redact)

    def proposed_body(self, action: Action) -> dict[str, object]:
        """The body of ``action.proposed``: the call, redacted, and everything the policy said about it."""
        call, verdict = action.call, action.verdict
        return {
            "tool": call.tool,
            "args": self.redact(call.args),
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

    def started_event(self, action: Action) -> EventDraft:
        """``action.started``: written with every claim, so the log shows the arguments that actually ran."""
        body = {"args": self.redact(action.run_args), "policy": action.policy_version}
        return EventDraft(f"agent:{action.call.agent}", "action.started", action.id, body)

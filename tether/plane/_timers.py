"""Durable timers: approval expiry and escalation, the end of override windows, and dead workers' leases.

Nothing here keeps time in memory. Every deadline is a column (``expires_at``, ``window_ends_at``,
``lease_until``), so a timer that fell due while nothing ran fires on the next sweep after a start. Each firing is
a compare-and-set on the action's version, so it fires once even when several processes sweep at the same
moment, and a decision or undo racing it has exactly one winner.
"""

from __future__ import annotations

from dataclasses import dataclass

from tether._json import iso
from tether.model import Action, Status
from tether.plane._core import PlaneCore
from tether.store import ActionStore, Changes, EventDraft


@dataclass(frozen=True, slots=True)
class Fired:
    """One timer that fired during a sweep: what happened, to which action."""

    kind: str  # expired | escalated | finalized | unknown | not_run
    action: Action


class Timers:
    """Fires due timers. Decisions use ``expire`` too: a reviewer deciding past the deadline fires it first."""

    def __init__(self, core: PlaneCore) -> None:
        self.core = core
        self.actions: ActionStore = core.store

    def sweep(self, *, limit: int = 500) -> list[Fired]:
        """Fire every timer that has fallen due; safe to call from any number of processes at once."""
        core = self.core
        fired: list[Fired] = []
        now = core.clock.now()
        due = self.actions.claim_due(now, worker=core.sweeper, lease_until=now + core.sweep_lease, limit=limit)
        for action in due:
            if action.status is Status.PENDING:
                after, won = self.expire_once(action)
                if won:
                    fired.append(Fired("expired" if after.status is Status.EXPIRED else "escalated", after))
            elif action.status is Status.EXECUTED:
                finalized = self._finalize(action)
                if finalized is not None:
                    fired.append(Fired("finalized", finalized))
            elif action.status is Status.APPROVED:
                waiting = self._not_run(action)
                if waiting is not None:
                    fired.append(Fired("not_run", waiting))
            else:
                lost = self._lease_expired(action)
                if lost is not None:
                    fired.append(Fired("unknown", lost))
        return fired

    def fire_due(self, action: Action) -> Action:
        """Fire this action's own timer if it is due — an approval's deadline, or the lease of a run or undo whose
        worker stopped renewing it — for a caller waiting on it; the action as it is afterwards."""
        now = self.core.clock.now()
        if action.status is Status.PENDING:
            return self.expire_once(action)[0]
        lapsed = action.lease_until is not None and action.lease_until <= now
        if action.status in (Status.RUNNING, Status.UNDOING) and lapsed:
            return self._lease_expired(action) or self.actions.get_action(action.id)
        return action

    def expire(self, action: Action) -> Action:
        """The approval's deadline passed: escalate once if the policy says so, otherwise expire it.

        Returns the action as it is afterwards (unchanged if it was not due or someone else got there first).
        """
        return self.expire_once(action)[0]

    def expire_once(self, action: Action) -> tuple[Action, bool]:
        """``expire``, also saying whether this call is the one that fired the timer (a sweep reports only those)."""
        now = self.core.clock.now()
        if action.status is not Status.PENDING or action.expires_at is None or action.expires_at > now:
            return action, False
        verdict = action.verdict
        escalate = verdict.on_timeout == "escalate" and verdict.escalate_to and action.escalations == 0
        if escalate and verdict.timeout is not None:
            body = {
                "from": action.reviewers,
                "to": verdict.escalate_to,
                "missed": iso(action.expires_at),
                "expires_at": iso(now + verdict.timeout),
                "policy": action.policy_version,
            }
            changes = Changes(
                status=Status.PENDING,
                updated_at=now,
                reviewers=verdict.escalate_to,
                escalations=action.escalations + 1,
                expires_at=now + verdict.timeout,
            )
            kind, note = "action.escalated", "escalated"
        else:
            body = {"expired_at": iso(action.expires_at), "outcome": "expired", "policy": action.policy_version}
            changes = Changes(status=Status.EXPIRED, updated_at=now)
            kind, note = "action.expired", "expired"
        updated = self.core.transition(
            action.id,
            expect={Status.PENDING},
            changes=changes,
            events=[EventDraft("system", kind, action.id, body)],
            expect_version=action.version,
        )
        if updated is None:
            return self.actions.get_action(action.id), False
        self.core.notify(note, updated)
        return updated, True

    def _finalize(self, action: Action) -> Action | None:
        """The override window passed without an undo: the action is final."""
        body = {"window_ended_at": iso(action.window_ends_at), "policy": action.policy_version}
        return self.core.transition(
            action.id,
            expect={Status.EXECUTED},
            changes=Changes(status=Status.FINALIZED, updated_at=self.core.clock.now()),
            events=[EventDraft("system", "action.finalized", action.id, body)],
            expect_version=action.version,
        )

    def _not_run(self, action: Action) -> Action | None:
        """Approved a while ago and still not run: the agent or gateway that runs it is gone, or has not asked
        again. Say so on the action and to its reviewers, once; it stays approved, to run whenever its runner
        comes back."""
        if action.lease_until is None or action.decided_at is None:
            return None
        body = {"approved_at": iso(action.decided_at), "policy": action.policy_version}
        return self.core.transition(
            action.id,
            expect={Status.APPROVED},
            changes=Changes(status=Status.APPROVED, updated_at=self.core.clock.now(), lease_until=None),
            events=[EventDraft("system", "action.not_run", action.id, body)],
            expect_version=action.version,
        )

    def _lease_expired(self, action: Action) -> Action | None:
        """The worker running a tool or compensator stopped renewing its lease: presume it died mid-run.

        Whether the effect happened is unknown, so the action becomes ``unknown`` and a human is alerted; it is
        never retried here (the Gate may retry tools that are reversible and idempotent).
        """
        phase = "undo" if action.status is Status.UNDOING else "tool"
        body = {
            "phase": phase,
            "worker": action.claimed_by,
            "lease_until": iso(action.lease_until),
            "outcome": "unknown",
            "policy": action.policy_version,
        }
        lost = self.core.transition(
            action.id,
            expect={action.status},
            changes=Changes(status=Status.UNKNOWN, updated_at=self.core.clock.now()),
            events=[EventDraft("system", "action.unknown", action.id, body)],
            expect_version=action.version,
        )
        if lost is not None:
            self.core.notify("unknown_after_crash", lost)
        return lost

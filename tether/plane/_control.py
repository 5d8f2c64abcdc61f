"""The control plane's one public face: ``ControlPlane`` wires a core and its services and delegates to them.

It evaluates the policy, admits actions, hands out the atomic claim that lets a tool start at most once, records
results, applies decisions, fires timers, undoes, moves lanes and pairs shadow cases — each in its own service
(``_admission``, ``_decisions``, ``_timers``, ``_undo``, ``_lanes``, ``_shadow``) over one ``PlaneCore``, and every
step lands in the audit log in the same transaction as the change. The methods here are explicit one-line
delegations, so readers and mypy see the whole API in one place, and the constructor shows who uses whom.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, Literal

from tether._outcomes import outcome_of
from tether.audit import Anchor, AuditEvent, Verification, verify
from tether.autonomy._shadow import Comparator, ShadowStats
from tether.clock import Clock
from tether.model import Action, Decision, Mode, Outcome, Reversibility, ShadowCase, Status, ToolCall, Verdict
from tether.plane._admission import Admission
from tether.plane._core import DEFAULT_LEASE, DEFAULT_SWEEP_LEASE, PlaneCore
from tether.plane._decisions import Decisions
from tether.plane._lanes import LaneReport, Lanes
from tether.plane._notifier import Notifier
from tether.plane._shadow import Shadow
from tether.plane._timers import Fired, Timers
from tether.plane._undo import Undo
from tether.policy import Declared, Policy
from tether.store import ActionFilter, Breaker, ShadowFilter, Store


class ControlPlane:
    """Policy, actions, decisions, timers and the audit log behind one API (see the module docstring)."""

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
        core = PlaneCore(policy, store, clock=clock, notifier=notifier, lease=lease, sweep_lease=sweep_lease)
        self._core = core
        self._timers = Timers(core)
        self._shadow = Shadow(core)
        self._admission = Admission(core, self._shadow)  # submit records shadowed calls' agent side
        self._decisions = Decisions(core, self._timers)  # decide fires a due expiry first
        self._undo = Undo(core)
        self._lanes = Lanes(core)

    # -- collaborators (settable ones are read by every service at each use) ----------------------------------

    @property
    def store(self) -> Store:
        return self._core.store

    @property
    def policy(self) -> Policy:
        return self._core.policy

    @policy.setter
    def policy(self, policy: Policy) -> None:
        self._core.policy = policy

    @property
    def clock(self) -> Clock:
        return self._core.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self._core.clock = clock

    @property
    def notifier(self) -> Notifier:
        return self._core.notifier

    @notifier.setter
    def notifier(self, notifier: Notifier) -> None:
        self._core.notifier = notifier

    @property
    def lease(self) -> timedelta:
        """How long a worker's claim on a running tool or compensator lasts unless it is renewed."""
        return self._core.lease

    @lease.setter
    def lease(self, lease: timedelta) -> None:
        self._core.lease = lease

    @property
    def sweep_lease(self) -> timedelta:
        """How long a sweeper's claim on due timers lasts if it dies mid-sweep."""
        return self._core.sweep_lease

    @sweep_lease.setter
    def sweep_lease(self, sweep_lease: timedelta) -> None:
        self._core.sweep_lease = sweep_lease

    @property
    def sweeper(self) -> str:
        """This process's name when it claims due timers."""
        return self._core.sweeper

    @property
    def comparators(self) -> dict[str, Comparator]:
        """Shadow mode: custom comparators, by tool."""
        return self._shadow.comparators

    @comparators.setter
    def comparators(self, comparators: dict[str, Comparator]) -> None:
        self._shadow.comparators = comparators

    # -- admission and running ----------------------------------------------------------------------------------

    def evaluate(self, call: ToolCall, declared: Declared | None = None) -> Verdict:
        """What the policy would say for this call now, without recording anything."""
        return self._admission.evaluate(call, declared)

    def submit(
        self, call: ToolCall, declared: Declared | None = None, *, worker: str | None = None, has_undo: bool = True
    ) -> Action:
        """Admit a call: evaluate it against its lane and store it.

        Submitting the same call (agent and ``call_id``) again returns the first action unchanged: a retry after a
        lost reply never admits, or runs, a call twice. Runnable modes come back already claimed by ``worker``
        (status ``running``, under a lease) so the caller may start the tool at once, exactly once. An ``override``
        call whose tool has no compensator (``has_undo=False``) is deferred instead: it runs when its window
        passes, unless a human vetoes it.
        """
        return self._admission.submit(call, declared, worker=worker, has_undo=has_undo)

    def claim(self, action: Action | str, *, worker: str | None = None) -> Action:
        """The atomic claim: an approved action (or a deferred one whose time has come) moves to ``running`` for
        exactly one caller; everyone else gets ClaimConflict."""
        return self._admission.claim(action, worker=worker)

    def retry(self, action: Action, *, worker: str | None = None) -> Action:
        """Run an ``unknown`` action again. Only for tools that are reversible and take the idempotency key (the
        Gate checks); never after a crash during an undo."""
        return self._admission.retry(action, worker=worker)

    def finish(self, action: Action | str, *, result: object = None, error: str | None = None) -> Action:
        """Record what the tool did. Only the worker that holds the claim records it, and only once.

        Pass the Action you claimed (rather than its id) to save a read on the hot path. A worker whose lease
        ran out while the tool was still running (the action was marked ``unknown``) still records its result:
        it knows best what happened.
        """
        return self._admission.finish(action, result=result, error=error)

    def resolve_unknown(self, action_id: str, *, ran: bool, by: str, note: str = "") -> Action:
        """A human checked an ``unknown`` action (its worker died mid-run) and says whether it took effect."""
        return self._admission.resolve_unknown(action_id, ran=ran, by=by, note=note)

    def renew_leases(self, claims: list[tuple[str, str]]) -> int:
        """Tell the world these claims are alive: ``(action id, claim token)`` pairs whose tool or compensator is
        still running. A claim that was lost (the action moved on, or was claimed again) is not renewed."""
        return self._admission.renew_leases(claims)

    # -- decisions, timers, undo --------------------------------------------------------------------------------

    def decide(
        self, action_id: str, decision: Decision, *, may_decide_for: Callable[[str | None], bool] | None = None
    ) -> Action:
        """Apply a reviewer's decision.

        Approve and Edit count toward the quorum (distinct reviewers; an Edit restarts the count, since earlier
        approvals were for other arguments); the action is approved when the quorum is reached. Reject and
        Respond settle it at once. A decided, expired or never-held action raises a DecisionError. ``may_decide_for``
        says which reviewer groups the decider may decide for; it is checked on the action as the decision is
        applied (after a due escalation fires), and a refusal raises Forbidden and records nothing.
        """
        return self._decisions.decide(action_id, decision, may_decide_for=may_decide_for)

    def withdraw(self, action_id: str, *, agent: str, note: str) -> Action:
        """The proposing agent takes back a call still held (its application rejected it): rejected in its name."""
        return self._decisions.withdraw(action_id, agent=agent, note=note)

    def sweep(self, *, limit: int = 500) -> list[Fired]:
        """Fire every timer that has fallen due; safe to call from any number of processes at once."""
        return self._timers.sweep(limit=limit)

    def fire_due(self, action: Action) -> Action:
        """Fire this action's own due timer (an approval's deadline, a lapsed lease): what a waiting call does."""
        return self._timers.fire_due(action)

    def expire(self, action: Action) -> Action:
        """The approval's deadline passed: escalate once if the policy says so, otherwise expire it.

        Returns the action as it is afterwards (unchanged if it was not due or someone else got there first).
        """
        return self._timers.expire(action)

    def request_undo(self, action_id: str, *, by: str) -> Action:
        """Ask for an executed override action to be undone, or a deferred one to be vetoed, inside its window.

        After the window the request is refused with a message that names when the window closed.
        """
        return self._undo.request_undo(action_id, by=by)

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action:
        """The compensator's atomic claim: ``undo_requested`` → ``undoing`` for exactly one worker."""
        return self._undo.claim_undo(action, worker=worker)

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action:
        """Record what the compensator did; a failed undo alerts a human."""
        return self._undo.finish_undo(action, result=result, error=error)

    # -- reading ------------------------------------------------------------------------------------------------

    def get(self, action_id: str) -> Action:
        return self.store.get_action(action_id)

    def pending(self, *, agent: str | None = None, tool: str | None = None, limit: int = 100) -> list[Action]:
        return self.store.list_actions(ActionFilter(status={Status.PENDING}, agent=agent, tool=tool, limit=limit))

    def actions(self, query: ActionFilter) -> list[Action]:
        return self.store.list_actions(query)

    def timeline(self, action_id: str) -> list[AuditEvent]:
        self.store.get_action(action_id)
        return self.store.events_for(action_id)

    def outcome(self, action: Action) -> Outcome:
        """What the agent is told about an action in its current state."""
        return outcome_of(action)

    def reversible_of(self, tool: str) -> Reversibility | None:
        """How reversible the policy says a tool is (None for a tool it does not know)."""
        config = self.policy.config.tools.get(tool)
        return config.reversible if config else None

    # -- waiting ------------------------------------------------------------------------------------------------

    def wait_for_change(self, action: Action, *, timeout: float) -> Action:
        """Block up to ``timeout`` seconds until the action differs from ``action`` (any change bumps its version).

        Changes made through this plane wake the waiter at once; changes from other processes are seen by
        polling, so a missed wake-up delays but never loses one.
        """
        self._core.wait(timeout)
        return self.store.get_action(action.id)

    def on_change(self, watcher: Callable[[], None]) -> None:
        """Call ``watcher`` (from any thread, quickly) whenever this plane or another instance changes something."""
        self._core.on_change(watcher)

    def off_change(self, watcher: Callable[[], None]) -> None:
        self._core.off_change(watcher)

    def close(self) -> None:
        self.store.close()

    # -- lanes and breakers -------------------------------------------------------------------------------------

    def lane(self, lane: str) -> LaneReport:
        return self._lanes.lane(lane)

    def lanes(self) -> list[LaneReport]:
        return self._lanes.lanes()

    def promote(self, lane: str, *, by: str) -> LaneReport:
        """One step up, when the evidence supports it (an admin confirming a suggestion)."""
        return self._lanes.promote(lane, by=by)

    def demote(self, lane: str, *, by: str, to: Mode | None = None, reason: str = "demoted by a human") -> LaneReport:
        return self._lanes.demote(lane, by=by, to=to, reason=reason)

    def report_incident(self, action_id: str, *, note: str, by: str) -> LaneReport:
        """Flag a critical error on an action: the lane drops at once to at most approve, and humans hear of it."""
        return self._lanes.report_incident(action_id, note=note, by=by)

    def review_run(self, action_id: str, *, ok: bool, note: str = "", by: str) -> LaneReport:
        """A human's verdict on a run nobody approved (a sampled review at auto or notify): right, or wrong but not
        critical (report critical errors with ``report_incident``). Either way it is evidence for the lane."""
        return self._lanes.review_run(action_id, ok=ok, note=note, by=by)

    def samples(self, *, limit: int = 50, scan: int = 2000) -> list[Action]:
        """Runs at auto or notify picked for a human's review (``autonomy.sample_rate``) and not reviewed yet,
        newest first, from the latest ``scan`` runs."""
        return self._lanes.samples(limit=limit, scan=scan)

    def apply_ladder(self) -> list[LaneReport]:
        """Demote lanes whose accuracy fell below the bar; with ``promote = "auto"``, promote the ready ones."""
        return self._lanes.apply_ladder()

    def breakers(self) -> list[Breaker]:
        return self._lanes.breakers()

    def close_breaker(self, lane: str, *, by: str) -> None:
        self._lanes.close_breaker(lane, by=by)

    # -- shadow mode --------------------------------------------------------------------------------------------

    def record_agent(
        self,
        subject: str,
        *,
        agent: str,
        tool: str | None,
        args: dict[str, Any] | None = None,
        action_id: str | None = None,
        confidence: float | None = None,
        error: str | None = None,
    ) -> ShadowCase:
        """What the agent proposed for ``subject`` (``tool=None``: nothing), without running anything."""
        return self._shadow.record_agent(
            subject, agent=agent, tool=tool, args=args, action_id=action_id, confidence=confidence, error=error
        )

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase:
        """What the human process really did for ``subject`` (``tool=None``: it took no action)."""
        return self._shadow.record_human(subject, tool=tool, args=args, by=by)

    def shadow_cases(self, query: ShadowFilter | None = None) -> list[ShadowCase]:
        return self._shadow.shadow_cases(query)

    def shadow_report(self, *, by: Literal["lane", "tool"] = "lane", lane: str | None = None) -> list[ShadowStats]:
        """Agreement, false positives, false negatives, mismatches and edge cases, per lane or per tool."""
        return self._shadow.shadow_report(by=by, lane=lane)

    # -- audit --------------------------------------------------------------------------------------------------

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        return self.store.audit_events(after=after, limit=limit)

    def audit_head(self) -> Anchor:
        return self.store.audit_head()

    def verify(self, anchor: Anchor | None = None) -> Verification:
        return verify(self.store.audit_events(), anchor)


__all__ = ["DEFAULT_LEASE", "ControlPlane"]

"""The Gate: the agent-side front door. It registers tools, sends each call through the control plane, and runs
the tool only when, and only as often as, the plane allows.

Tools and compensators live in the agent's process, so running them (and undoing them) happens here; the
decision of whether to run them never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Collection, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast, overload

from tether import _tracing as tracing
from tether.agent._signals import ToolNotRun
from tether.agent._tools import RegisteredTool, flatten
from tether.agent._worker import Heartbeat, WorkerLoop
from tether.autonomy._shadow import Comparator
from tether.clock import Clock
from tether.errors import ClaimConflict, ResultNotRecorded, StoreError, UsageError
from tether.model import (
    Action,
    Decision,
    Edit,
    Executed,
    Failed,
    Outcome,
    Reversibility,
    Risk,
    ShadowCase,
    Status,
    ToolCall,
    new_id,
)
from tether.notify import Notifier
from tether.plane import DEFAULT_LEASE, ControlPlane
from tether.plane._api import PlaneAPI
from tether.policy import Declared, Policy
from tether.store import DEFAULT_URL, ActionFilter, Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
log = logging.getLogger("tether")

_WAITING = frozenset({Status.PENDING, Status.APPROVED, Status.DEFERRED, Status.RUNNING})


def _due(action: Action, now: datetime) -> bool:
    """Whether the action's own timer has fallen due: an approval's deadline, or a running tool's lease."""
    if action.status is Status.PENDING:
        return action.expires_at is not None and action.expires_at <= now
    return action.status is Status.RUNNING and action.lease_until is not None and action.lease_until <= now


@dataclass(frozen=True, slots=True)
class CallContext:
    agent: str
    thread: str | None = None
    reasoning: str | None = None
    confidence: float | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class _Step:
    """What a waiting call does next: run a claimed action, return an outcome, or sleep."""

    run: Action | None = None
    outcome: Outcome | None = None
    sleep: float = 0.0
    action: Action | None = None


_context: ContextVar[CallContext | None] = ContextVar("tether_call_context", default=None)


class Gate:
    """Gate every tool call an agent makes. See DESIGN.md's public API.

    ``poll_interval`` (seconds) bounds how late a waiting call notices a decision made in another process;
    decisions made through this Gate wake it at once. ``lease`` is how long a running tool may go unheard before
    another process presumes this one dead (a heartbeat renews it while the tool runs).

    ``agents`` names the agents this gate acts for: its worker then runs deferred calls, undos and retries of
    theirs only. Without it, the worker takes that work for every agent whose tool it has registered under the
    same name — right for one application on its database, wrong when several (two MCP gateways, two services)
    share one and register tools of the same name: each would run the other's calls with its own function.
    """

    def __init__(
        self,
        policy: Policy | None = None,
        store: Store | str = "memory://",
        *,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        lease: timedelta = DEFAULT_LEASE,
        poll_interval: float = 0.02,
        plane: PlaneAPI | None = None,
        agents: Collection[str] | None = None,
    ) -> None:
        if plane is None:
            resolved = open_store(store) if isinstance(store, str) else store
            plane = ControlPlane(policy or Policy.default(), resolved, clock=clock, notifier=notifier, lease=lease)
        self.plane: PlaneAPI = plane
        self.worker_id = f"gate-{new_id()[:12]}"
        self.poll_interval = poll_interval
        self._tools: dict[str, RegisteredTool] = {}
        self.agents: frozenset[str] | None = frozenset(agents) if agents is not None else None
        if agents is not None and not self.agents:
            raise UsageError("agents= names at least one agent (or leave it out to work for every agent)")
        if lease <= timedelta(0) or poll_interval <= 0:
            raise UsageError("lease and poll_interval must be longer than zero")
        self._heartbeat = Heartbeat(self.plane.renew_leases, lease)
        self._lease = lease
        self._loop: WorkerLoop | None = None
        self.plane.sweep()  # timers that fell due while nothing ran fire now

    @classmethod
    def from_config(
        cls, path: str | Path = "tether.toml", db: str = DEFAULT_URL, *, clock: Clock | None = None
    ) -> Gate:
        return cls(Policy.from_file(path), db, clock=clock)

    @property
    def policy(self) -> Policy:
        return self.plane.policy

    def close(self) -> None:
        self.stop_worker()
        self._heartbeat.stop()
        self.plane.close()

    # -- registering tools -------------------------------------------------------------------------------------

    @overload
    def tool(self, fn: F) -> F: ...

    @overload
    def tool(
        self,
        fn: F,
        *,
        name: str | None = None,
        risk: Risk | str | None = None,
        reversible: Reversibility | str | None = None,
        undo: Callable[..., Any] | None = None,
    ) -> F: ...

    @overload
    def tool(
        self,
        fn: None = None,
        *,
        name: str | None = None,
        risk: Risk | str | None = None,
        reversible: Reversibility | str | None = None,
        undo: Callable[..., Any] | None = None,
    ) -> Callable[[F], F]: ...

    def tool(
        self,
        fn: F | None = None,
        *,
        name: str | None = None,
        risk: Risk | str | None = None,
        reversible: Reversibility | str | None = None,
        undo: Callable[..., Any] | None = None,
    ) -> F | Callable[[F], F]:
        """Register a tool. ``risk``/``reversible`` may only tighten what the policy says about it; ``undo`` is
        the compensator an override window runs when a human undoes the call."""
        try:
            declared = Declared(
                risk=Risk(risk) if risk is not None else None,
                reversible=Reversibility(reversible) if reversible is not None else None,
            )
        except ValueError as exc:
            raise UsageError(
                f"@gate.tool: {exc}; risk is low|medium|high|critical, reversible yes|partial|no"
            ) from None

        def register(func: F) -> F:
            tool_name = name or func.__name__
            if tool_name in self._tools:
                raise UsageError(f"a tool named {tool_name!r} is already registered with this gate")
            entry = RegisteredTool.build(tool_name, func, declared, undo)
            self._tools[tool_name] = entry
            return cast(F, self._wrap(entry))

        return register(fn) if fn is not None else register

    def tools(self) -> dict[str, RegisteredTool]:
        return dict(self._tools)

    @contextlib.contextmanager
    def context(
        self,
        *,
        agent: str,
        thread: str | None = None,
        reasoning: str | None = None,
        confidence: float | None = None,
        subject: str | None = None,
    ) -> Iterator[CallContext]:
        """Inside this block, registered tools called as plain functions go through the gate as ``agent``."""
        ctx = CallContext(agent, thread, reasoning, confidence, subject)
        token = _context.set(ctx)
        try:
            yield ctx
        finally:
            _context.reset(token)

    # -- calling -----------------------------------------------------------------------------------------------

    def call(self, call: ToolCall, *, wait: timedelta | float | None = None) -> Outcome:
        """Submit a call and run the tool if and when the verdict allows. Never runs it twice.

        With ``wait``, a held call blocks until it is decided (and then runs, or returns Rejected/Responded), or
        returns Pending when the wait ends first; ``wait=0`` or ``None`` returns Pending at once.
        """
        return self._call(call, wait=wait, reraise=False)

    async def acall(self, call: ToolCall, *, wait: timedelta | float | None = None) -> Outcome:
        """The async twin of ``call``; store work runs in a thread so the event loop keeps moving."""
        return await self._acall(call, wait=wait, reraise=False)

    def resume(self, action_id: str, *, wait: timedelta | float | None = None) -> Outcome:
        """Run an approved action exactly once, from any process; afterwards return the recorded outcome."""
        action = self.plane.get(action_id)
        entry = self._entry_for(action)
        if entry is not None and entry.is_async and action.status in (Status.APPROVED, Status.DEFERRED):
            raise UsageError(f"{entry.name} is an async tool: use `await gate.aresume(...)`")
        with tracing.tool_span(action.call, resumed=True) as span:
            span.verdict(action)
            return self._settle(action, entry, _deadline(self, wait), reraise=False, span=span)

    async def aresume(self, action_id: str, *, wait: timedelta | float | None = None) -> Outcome:
        action = await asyncio.to_thread(self.plane.get, action_id)
        entry = self._entry_for(action)
        with tracing.tool_span(action.call, resumed=True) as span:
            span.verdict(action)
            return await self._asettle(action, entry, _deadline(self, wait), reraise=False, span=span)

    def decide(self, action_id: str, decision: Decision) -> Action:
        """Apply a reviewer's decision. An edit is checked against the tool's signature when it is registered."""
        if isinstance(decision, Edit):
            action = self.plane.get(action_id)
            entry = self._tools.get(action.call.tool)
            if entry is not None:
                entry.check_args(decision.args, "the edited arguments")
        return self.plane.decide(action_id, decision)

    def undo(self, action_id: str, *, by: str) -> Action:
        """Undo an override action inside its window (runs its compensator exactly once, here if this process
        registered it, otherwise where it is registered), or veto a deferred one before it runs."""
        entry = self._tools.get(self.plane.get(action_id).call.tool)
        if entry is not None and entry.undo_is_async and _in_event_loop():
            raise UsageError(f"the compensator of {entry.name} is async: use `await gate.aundo(...)`")
        requested = self.plane.request_undo(action_id, by=by)
        runs_here = not self.plane.waits_server_side  # over HTTP the owning agent's worker runs the compensator
        if runs_here and requested.status is Status.UNDO_REQUESTED and entry is not None and entry.undo is not None:
            try:
                return self._run_undo(entry, requested)
            except ClaimConflict:  # another worker ran the compensator first: the undo happened
                return self.plane.get(action_id)
        return requested

    async def aundo(self, action_id: str, *, by: str) -> Action:
        """The async twin of ``undo``; an async compensator is awaited on the caller's event loop."""
        requested = await asyncio.to_thread(functools.partial(self.plane.request_undo, action_id, by=by))
        entry = self._tools.get(requested.call.tool)
        runs_here = not self.plane.waits_server_side
        if runs_here and requested.status is Status.UNDO_REQUESTED and entry is not None and entry.undo is not None:
            try:
                return await _finish_even_if_cancelled(self._arun_undo(entry, requested))
            except ClaimConflict:
                return await asyncio.to_thread(self.plane.get, action_id)
        return requested

    # -- shadow mode ------------------------------------------------------------------------------------------

    def record_human(
        self, subject: str, tool: str | None = None, args: dict[str, Any] | None = None, *, by: str = "human"
    ) -> ShadowCase:
        """Report what the human process really did for ``subject`` (``tool=None``: it took no action); Tether
        pairs it with the agent's shadow proposal for the same subject, whichever comes first."""
        return self.plane.record_human(subject, tool=tool, args=args, by=by)

    def comparator(self, tool: str) -> Callable[[Comparator], Comparator]:
        """Register a custom shadow comparator for ``tool``: ``fn(agent_args, human_args) -> bool | (bool, str)``.

        It runs where cases are paired: in this process for a local plane."""
        if self.plane.waits_server_side:
            raise UsageError("custom comparators run where cases are paired: register them on the server's plane")

        def register(fn: Comparator) -> Comparator:
            self.plane.comparators[tool] = fn
            return fn

        return register

    def pending(self) -> list[Action]:
        return self.plane.pending()

    def get(self, action_id: str) -> Action:
        return self.plane.get(action_id)

    # -- the worker ----------------------------------------------------------------------------------------------

    def work(self) -> int:
        """One pass of background duties for this process's tools (and its ``agents``); how many things it did.

        Fires due timers (expiry, escalation, window ends, dead leases), runs deferred actions whose window
        passed, runs requested undos (durable: they wait for this process if it was down), and retries crashed
        runs of tools that are reversible and take the idempotency key.
        """
        done = len(self.plane.sweep())
        if not self._tools:
            return done
        in_loop = _in_event_loop()  # then async tools and compensators are left to the worker thread
        now = self.plane.clock.now()

        with_undo = {n for n, e in self._tools.items() if e.undo is not None and not (e.undo_is_async and in_loop)}
        for action in self._oldest(Status.UNDO_REQUESTED, with_undo):
            try:
                self._run_undo(self._tools[action.call.tool], action)
                done += 1
            except ClaimConflict:
                continue  # another process got there first
        tools = {n for n, e in self._tools.items() if not (e.is_async and in_loop)}
        for action in self._oldest(Status.DEFERRED, tools):
            if action.run_at is None or action.run_at > now:
                continue
            try:
                self._run_blocking(self._tools[action.call.tool], self.plane.claim(action, worker=self._claim_token()))
                done += 1
            except ClaimConflict:
                continue
        retryable = {n for n in tools if self._retryable(self._tools[n])}
        for action in self._oldest(Status.UNKNOWN, retryable):
            if action.undo is not None:
                continue  # a crash during an undo is never retried
            try:
                self._run_blocking(self._tools[action.call.tool], self.plane.retry(action, worker=self._claim_token()))
                done += 1
            except ClaimConflict:
                continue
        return done

    def _oldest(self, status: Status, tools: set[str]) -> list[Action]:
        if not tools:
            return []
        query = ActionFilter(status={status}, tools=tools, agents=self.agents, limit=500, oldest_first=True)
        return self.plane.actions(query)

    def start_worker(self, interval: float = 1.0) -> None:
        """Run ``work()`` every ``interval`` seconds in a daemon thread until ``stop_worker()`` or ``close()``."""
        if self._loop is None:
            self._loop = WorkerLoop(self.work, interval)
            self._loop.start()

    def stop_worker(self) -> None:
        if self._loop is not None:
            self._loop.stop()
            self._loop = None

    # -- internals: calling and waiting --------------------------------------------------------------------------

    def _call(self, call: ToolCall, *, wait: timedelta | float | None, reraise: bool) -> Outcome:
        entry = self._registered(call.tool)
        if entry.is_async:
            raise UsageError(f"{call.tool} is an async tool: use `await gate.acall(...)`")
        entry.check_args(call.args, f"the arguments of this call to {call.tool}")
        with tracing.tool_span(call) as span:
            token = self._claim_token()
            action = self.plane.submit(call, entry.declared, worker=token, has_undo=entry.undo is not None)
            span.verdict(action)
            if action.status is Status.RUNNING and action.claimed_by == token:
                outcome = self._run(entry, action, reraise=reraise)
                span.outcome(outcome)
                return outcome
            return self._settle(action, entry, _deadline(self, wait), reraise=reraise, span=span)

    async def _acall(self, call: ToolCall, *, wait: timedelta | float | None, reraise: bool) -> Outcome:
        entry = self._registered(call.tool)
        entry.check_args(call.args, f"the arguments of this call to {call.tool}")
        with tracing.tool_span(call) as span:
            token = self._claim_token()
            submit = functools.partial(
                self.plane.submit, call, entry.declared, worker=token, has_undo=entry.undo is not None
            )
            action = await asyncio.to_thread(submit)
            span.verdict(action)
            if action.status is Status.RUNNING and action.claimed_by == token:
                outcome = await _finish_even_if_cancelled(self._arun(entry, action, reraise=reraise))
                span.outcome(outcome)
                return outcome
            return await self._asettle(action, entry, _deadline(self, wait), reraise=reraise, span=span)

    def _settle(
        self,
        action: Action,
        entry: RegisteredTool | None,
        deadline: datetime | None,
        *,
        reraise: bool,
        span: tracing.ToolSpan = tracing.NO_SPAN,
    ) -> Outcome:
        while True:
            step = self._next(action, entry, deadline)
            if step.outcome is not None:
                span.outcome(step.outcome, action)
                return step.outcome
            if step.run is not None:
                assert entry is not None
                span.watch(step.run)
                try:
                    claimed = self.plane.claim(step.run, worker=self._claim_token())
                except ClaimConflict:  # someone else claimed it, or our clock runs ahead of the plane's: back off
                    action = self.plane.wait_for_change(self.plane.get(step.run.id), timeout=self.poll_interval)
                    continue
                outcome = self._run(entry, claimed, reraise=reraise)
                span.outcome(outcome, claimed)
                return outcome
            assert step.action is not None
            span.watch(step.action)  # a held action the caller waits on: the wait for a human begins
            action = self.plane.wait_for_change(step.action, timeout=step.sleep)

    async def _asettle(
        self,
        action: Action,
        entry: RegisteredTool | None,
        deadline: datetime | None,
        *,
        reraise: bool,
        span: tracing.ToolSpan = tracing.NO_SPAN,
    ) -> Outcome:
        while True:
            step = await asyncio.to_thread(self._next, action, entry, deadline)
            if step.outcome is not None:
                span.outcome(step.outcome, action)
                return step.outcome
            if step.run is not None:
                assert entry is not None
                span.watch(step.run)
                try:
                    # From the claim on, the run completes even if the caller is cancelled: a claimed action
                    # that never runs would turn an approval into "unknown".
                    outcome = await _finish_even_if_cancelled(self._aclaim_and_run(entry, step.run, reraise=reraise))
                except ClaimConflict:
                    fresh = await asyncio.to_thread(self.plane.get, step.run.id)
                    action = await asyncio.to_thread(self.plane.wait_for_change, fresh, timeout=self.poll_interval)
                    continue
                span.outcome(outcome, step.run)
                return outcome
            assert step.action is not None
            span.watch(step.action)
            action = await asyncio.to_thread(self.plane.wait_for_change, step.action, timeout=step.sleep)

    def _next(self, action: Action, entry: RegisteredTool | None, deadline: datetime | None) -> _Step:
        """Decide the next step of a waiting call from the action's current state (one small read or write)."""
        now = self.plane.clock.now()
        if _due(action, now):  # a waiting call fires its own action's timer: an expiry, or a dead worker's lease
            action = self.plane.fire_due(action)
        runnable = action.status is Status.APPROVED or (
            action.status is Status.DEFERRED and action.run_at is not None and action.run_at <= now
        )
        if runnable and entry is not None:
            return _Step(run=action)
        if action.status not in _WAITING or deadline is None or now >= deadline:
            return _Step(outcome=self.plane.outcome(action))
        wake = [deadline, action.expires_at, action.run_at]
        if action.status is Status.RUNNING:
            wake.append(action.lease_until)
        until = min(moment for moment in wake if moment is not None and moment > now)
        sleep = (until - now).total_seconds()
        if not self.plane.waits_server_side:  # a local plane polls the store itself
            sleep = min(self.poll_interval, sleep)
        return _Step(sleep=sleep, action=action)

    # -- internals: running tools and compensators ----------------------------------------------------------------

    def _run(self, entry: RegisteredTool, action: Action, *, reraise: bool = False) -> Outcome:
        """Run a claimed action's tool once and record what it did."""
        problem = entry.args_problem(action.run_args)
        if problem is not None:  # e.g. a reviewer's edit made where the tool's signature was not known
            return self._record(action, error=f"UsageError: {problem}")
        claim = (action.id, action.claimed_by or "")
        self._heartbeat.add(claim)  # renewed until the result is recorded, retries included
        try:
            try:
                result = entry.call(action.run_args, action.call.call_id)
            except Exception as exc:
                outcome = self._record(action, error=_describe(exc))
                if reraise:
                    raise
                return outcome
            return self._record(action, result=result)
        finally:
            self._heartbeat.discard(claim)

    async def _arun(self, entry: RegisteredTool, action: Action, *, reraise: bool = False) -> Outcome:
        if not entry.is_async:  # the tool and the record of its result, together, in one thread
            return await asyncio.to_thread(functools.partial(self._run, entry, action, reraise=reraise))
        problem = entry.args_problem(action.run_args)
        if problem is not None:
            return await asyncio.to_thread(functools.partial(self._record, action, error=f"UsageError: {problem}"))
        claim = (action.id, action.claimed_by or "")
        self._heartbeat.add(claim)  # renewed until the result is recorded, retries included
        try:
            try:
                result = await entry.call(action.run_args, action.call.call_id)
            except Exception as exc:
                outcome = await asyncio.to_thread(functools.partial(self._record, action, error=_describe(exc)))
                if reraise:
                    raise
                return outcome
            return await asyncio.to_thread(functools.partial(self._record, action, result=result))
        finally:
            self._heartbeat.discard(claim)

    async def _aclaim_and_run(self, entry: RegisteredTool, action: Action, *, reraise: bool) -> Outcome:
        claimed = await asyncio.to_thread(functools.partial(self.plane.claim, action, worker=self._claim_token()))
        return await self._arun(entry, claimed, reraise=reraise)

    def _record(self, action: Action, *, result: Any = None, error: str | None = None) -> Outcome:
        """Record a run's result. If this claim was lost meanwhile (its lease ran out and another worker took the
        action over), the recorded state wins and is what the caller is told.

        The tool has run, so its result is too valuable to drop on a store error (a lost reply, a locked database,
        a blip): recording is retried with the same claim, with backoff, for as long as the claim's lease holds
        (a retry after a lost reply finds the result recorded: the claim conflict below). If it still fails, the
        caller gets ``ResultNotRecorded`` with the result — never the ``StoreError`` that means "nothing ran"."""
        deadline = time.monotonic() + self._lease.total_seconds()
        delay = 0.05
        while True:
            try:
                finished = self.plane.finish(action, result=result, error=error)
                break
            except ClaimConflict:
                log.warning(
                    "the claim on action %s was lost while its tool ran; its own result is not recorded", action.id
                )
                return self.plane.outcome(self.plane.get(action.id))
            except StoreError as exc:
                if time.monotonic() + delay >= deadline:
                    raise ResultNotRecorded(action.id, result=result, error=error, cause=str(exc)) from exc
                log.warning("could not record the result of action %s, retrying: %s", action.id, exc)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        if error is not None:
            return Failed(action_id=action.id, error=error)
        return Executed(action_id=action.id, result=result, window_ends_at=finished.window_ends_at)

    def _run_blocking(self, entry: RegisteredTool, action: Action) -> Outcome:
        """Run a claimed action from a thread with no event loop (the worker), async tools included."""
        return asyncio.run(self._arun(entry, action)) if entry.is_async else self._run(entry, action)

    def _run_undo(self, entry: RegisteredTool, action: Action) -> Action:
        claimed = self.plane.claim_undo(action, worker=self._claim_token())
        claim = (claimed.id, claimed.claimed_by or "")
        self._heartbeat.add(claim)
        try:
            outcome = entry.call_undo(claimed.run_args, claimed.result, claimed.call.call_id)
            if asyncio.iscoroutine(outcome):
                outcome = asyncio.run(outcome)  # callers in an event loop use aundo (checked before claiming)
        except Exception as exc:
            return self.plane.finish_undo(claimed, error=_describe(exc))
        finally:
            self._heartbeat.discard(claim)
        return self.plane.finish_undo(claimed, result=outcome)

    async def _arun_undo(self, entry: RegisteredTool, action: Action) -> Action:
        claimed = await asyncio.to_thread(functools.partial(self.plane.claim_undo, action, worker=self._claim_token()))
        claim = (claimed.id, claimed.claimed_by or "")
        self._heartbeat.add(claim)
        try:
            if entry.undo_is_async:
                outcome = await entry.call_undo(claimed.run_args, claimed.result, claimed.call.call_id)
            else:
                outcome = await asyncio.to_thread(
                    entry.call_undo, claimed.run_args, claimed.result, claimed.call.call_id
                )
        except Exception as exc:
            return await asyncio.to_thread(functools.partial(self.plane.finish_undo, claimed, error=_describe(exc)))
        finally:
            self._heartbeat.discard(claim)
        return await asyncio.to_thread(functools.partial(self.plane.finish_undo, claimed, result=outcome))

    def _claim_token(self) -> str:
        """A fencing token for one claim: this gate's id plus a nonce, so a stale run of this same process can
        never record over (or renew the lease of) a newer claim on the same action."""
        return f"{self.worker_id}:{new_id()[:8]}"

    def _entry_for(self, action: Action) -> RegisteredTool | None:
        """The tool that would run this action here; an action ready to run needs it registered."""
        if action.status in (Status.APPROVED, Status.DEFERRED):
            return self._registered(action.call.tool)
        return self._tools.get(action.call.tool)

    def _retryable(self, entry: RegisteredTool) -> bool:
        return entry.retryable(self.plane.reversible_of(entry.name))

    def _registered(self, tool: str) -> RegisteredTool:
        try:
            return self._tools[tool]
        except KeyError:
            known = ", ".join(sorted(self._tools)) or "none"
            raise UsageError(
                f"tool {tool!r} is not registered with this gate (registered: {known}); decorate it with @gate.tool"
            ) from None

    def _wrap(self, entry: RegisteredTool) -> Any:
        """The decorated function: a plain call inside ``gate.context`` goes through the gate."""

        def to_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> ToolCall:
            ctx = _context.get()
            if ctx is None:
                raise UsageError(
                    f"{entry.name} is gated: call it inside `with gate.context(agent=...)`, "
                    f"or use gate.call(ToolCall(...)); the undecorated function is {entry.name}.__wrapped__"
                )
            try:
                bound = entry.signature.bind_partial(*args, **kwargs)
            except TypeError as exc:
                raise UsageError(f"{entry.name}{entry.signature}: {exc}") from None
            return ToolCall(
                tool=entry.name,
                args=flatten(bound, entry.signature),
                agent=ctx.agent,
                thread=ctx.thread,
                reasoning=ctx.reasoning,
                confidence=ctx.confidence,
                subject=ctx.subject,
            )

        if entry.is_async:

            @functools.wraps(entry.fn)
            async def async_gated(*args: Any, **kwargs: Any) -> Any:
                return _unwrap(await self._acall(to_call(args, kwargs), wait=None, reraise=True))

            return async_gated

        @functools.wraps(entry.fn)
        def gated(*args: Any, **kwargs: Any) -> Any:
            return _unwrap(self._call(to_call(args, kwargs), wait=None, reraise=True))

        return gated


def _deadline(gate: Gate, wait: timedelta | float | None) -> datetime | None:
    if wait is None:
        return None
    if isinstance(wait, bool) or not isinstance(wait, timedelta | int | float):
        raise UsageError(f"wait is a timedelta or a number of seconds, got {wait!r}")
    delta = wait if isinstance(wait, timedelta) else timedelta(seconds=wait)
    if delta < timedelta(0):
        raise UsageError(f"wait must not be negative, got {wait!r}")
    return gate.plane.clock.now() + delta


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _finish_even_if_cancelled(work: Coroutine[Any, Any, T]) -> T:
    """Await ``work`` as a task that keeps running if the caller is cancelled: once an action is claimed, its run
    and the record of its result must complete, whoever stopped waiting for them."""
    return await asyncio.shield(asyncio.ensure_future(work))


def _unwrap(outcome: Outcome) -> Any:
    if isinstance(outcome, Executed):
        return outcome.result
    raise ToolNotRun(outcome)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"

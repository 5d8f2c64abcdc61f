"""The Gate: the agent-side front door. It registers tools, sends each call through the control plane, and runs
the tool only when, and only as often as, the plane allows.

Tools live in the agent's process, so running them (and later undoing them) happens here; the decision of
whether to run them never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast, overload

from tether.clock import Clock
from tether.errors import ClaimConflict, UsageError
from tether.model import (
    Action,
    Decision,
    Edit,
    Executed,
    Failed,
    Outcome,
    Reversibility,
    Risk,
    Status,
    ToolCall,
)
from tether.notify import Notifier
from tether.plane import ControlPlane
from tether.policy import Declared, Policy
from tether.signals import ToolNotRun
from tether.store import DEFAULT_URL, Store, open_store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class RegisteredTool:
    name: str
    fn: Callable[..., Any]
    declared: Declared
    undo: Callable[..., Any] | None
    is_async: bool
    signature: inspect.Signature

    def check_args(self, args: dict[str, Any], what: str) -> None:
        try:
            self.signature.bind(**args)
        except TypeError as exc:
            raise UsageError(f"{what} do not fit {self.name}{self.signature}: {exc}") from None


@dataclass(frozen=True, slots=True)
class CallContext:
    agent: str
    thread: str | None = None
    reasoning: str | None = None
    confidence: float | None = None
    subject: str | None = None


_context: ContextVar[CallContext | None] = ContextVar("tether_call_context", default=None)


class Gate:
    """Gate every tool call an agent makes. See DESIGN.md's public API."""

    def __init__(
        self,
        policy: Policy | None = None,
        store: Store | str = "memory://",
        *,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        resolved = open_store(store) if isinstance(store, str) else store
        self.plane = ControlPlane(policy or Policy.default(), resolved, clock=clock, notifier=notifier)
        self._tools: dict[str, RegisteredTool] = {}

    @classmethod
    def from_config(
        cls, path: str | Path = "tether.toml", db: str = DEFAULT_URL, *, clock: Clock | None = None
    ) -> Gate:
        return cls(Policy.from_file(path), db, clock=clock)

    @property
    def policy(self) -> Policy:
        return self.plane.policy

    @property
    def store(self) -> Store:
        return self.plane.store

    def close(self) -> None:
        self.plane.store.close()

    # -- registering tools -----------------------------------------------------------------------------------

    @overload
    def tool(self, fn: F) -> F: ...

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
        """Register a tool. ``risk``/``reversible`` may only tighten what the policy says about it."""
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
            entry = RegisteredTool(
                tool_name, func, declared, undo, inspect.iscoroutinefunction(func), inspect.signature(func)
            )
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

    # -- calling ---------------------------------------------------------------------------------------------

    def call(self, call: ToolCall) -> Outcome:
        """Submit a call and run the tool if the verdict allows it now. Never runs it twice."""
        return self._call(call, reraise=False)

    def _call(self, call: ToolCall, *, reraise: bool) -> Outcome:
        entry = self._registered(call.tool)
        if entry.is_async:
            raise UsageError(f"{call.tool} is an async tool: use `await gate.acall(...)`")
        entry.check_args(call.args, f"the arguments of this call to {call.tool}")
        action = self.plane.submit(call, entry.declared)
        if action.status is Status.RUNNING:
            return self._run(entry, action, reraise=reraise)
        return self.plane.outcome(action)

    async def acall(self, call: ToolCall) -> Outcome:
        """The async twin of ``call``; store work runs in a thread so the event loop keeps moving."""
        return await self._acall(call, reraise=False)

    async def _acall(self, call: ToolCall, *, reraise: bool) -> Outcome:
        entry = self._registered(call.tool)
        entry.check_args(call.args, f"the arguments of this call to {call.tool}")
        action = await asyncio.to_thread(self.plane.submit, call, entry.declared)
        if action.status is Status.RUNNING:
            return await self._arun(entry, action, reraise=reraise)
        return self.plane.outcome(action)

    def decide(self, action_id: str, decision: Decision) -> Action:
        """Apply a reviewer's decision. An edit is checked against the tool's signature when it is registered."""
        if isinstance(decision, Edit):
            action = self.plane.get(action_id)
            entry = self._tools.get(action.call.tool)
            if entry is not None:
                entry.check_args(decision.args, "the edited arguments")
        return self.plane.decide(action_id, decision)

    def resume(self, action_id: str) -> Outcome:
        """Run an approved action exactly once; after that (or if it was not approved) report what happened."""
        action = self.plane.get(action_id)
        if action.status is not Status.APPROVED:
            return self.plane.outcome(action)
        entry = self._registered(action.call.tool)
        if entry.is_async:
            raise UsageError(f"{entry.name} is an async tool: use `await gate.aresume(...)`")
        try:
            claimed = self.plane.claim(action)
        except ClaimConflict:
            return self.plane.outcome(self.plane.get(action_id))
        return self._run(entry, claimed)

    async def aresume(self, action_id: str) -> Outcome:
        action = await asyncio.to_thread(self.plane.get, action_id)
        if action.status is not Status.APPROVED:
            return self.plane.outcome(action)
        entry = self._registered(action.call.tool)
        try:
            claimed = await asyncio.to_thread(self.plane.claim, action)
        except ClaimConflict:
            return self.plane.outcome(await asyncio.to_thread(self.plane.get, action_id))
        return await self._arun(entry, claimed)

    def pending(self) -> list[Action]:
        return self.plane.pending()

    def get(self, action_id: str) -> Action:
        return self.plane.get(action_id)

    # -- internals -------------------------------------------------------------------------------------------

    def _registered(self, tool: str) -> RegisteredTool:
        try:
            return self._tools[tool]
        except KeyError:
            known = ", ".join(sorted(self._tools)) or "none"
            raise UsageError(
                f"tool {tool!r} is not registered with this gate (registered: {known}); decorate it with @gate.tool"
            ) from None

    def _run(self, entry: RegisteredTool, action: Action, *, reraise: bool = False) -> Outcome:
        try:
            result = entry.fn(**action.run_args)
        except Exception as exc:
            self.plane.finish(action, error=_describe(exc))
            if reraise:
                raise
            return Failed(action_id=action.id, error=_describe(exc))
        finished = self.plane.finish(action, result=result)
        return Executed(action_id=action.id, result=result, window_ends_at=finished.window_ends_at)

    async def _arun(self, entry: RegisteredTool, action: Action, *, reraise: bool = False) -> Outcome:
        try:
            if entry.is_async:
                result = await entry.fn(**action.run_args)
            else:
                result = await asyncio.to_thread(entry.fn, **action.run_args)
        except Exception as exc:
            await asyncio.to_thread(functools.partial(self.plane.finish, action, error=_describe(exc)))
            if reraise:
                raise
            return Failed(action_id=action.id, error=_describe(exc))
        finished = await asyncio.to_thread(functools.partial(self.plane.finish, action, result=result))
        return Executed(action_id=action.id, result=result, window_ends_at=finished.window_ends_at)

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
                bound = entry.signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise UsageError(f"{entry.name}{entry.signature}: {exc}") from None
            return ToolCall(
                tool=entry.name,
                args=_flatten(bound, entry.signature),
                agent=ctx.agent,
                thread=ctx.thread,
                reasoning=ctx.reasoning,
                confidence=ctx.confidence,
                subject=ctx.subject,
            )

        if entry.is_async:

            @functools.wraps(entry.fn)
            async def async_gated(*args: Any, **kwargs: Any) -> Any:
                return _unwrap(await self._acall(to_call(args, kwargs), reraise=True))

            return async_gated

        @functools.wraps(entry.fn)
        def gated(*args: Any, **kwargs: Any) -> Any:
            return _unwrap(self._call(to_call(args, kwargs), reraise=True))

        return gated


def _flatten(bound: inspect.BoundArguments, signature: inspect.Signature) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        if signature.parameters[name].kind is inspect.Parameter.VAR_KEYWORD:
            args.update(value)
        elif signature.parameters[name].kind is inspect.Parameter.VAR_POSITIONAL:
            raise UsageError(f"gated tools take named arguments; *{name} cannot be recorded by name")
        else:
            args[name] = value
    return args


def _unwrap(outcome: Outcome) -> Any:
    if isinstance(outcome, Executed):
        return outcome.result
    raise ToolNotRun(outcome)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"

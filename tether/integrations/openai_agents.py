"""The OpenAI Agents SDK with Tether deciding ``needs_approval`` (``pip install "tether[openai]"``).

``AgentsBridge(gate, agent=...)`` turns gated tools into ``FunctionTool``s whose ``needs_approval`` asks Tether. The
SDK asks it before running a call; the bridge submits the call then, so Tether runs what its policy allows at once
(the SDK's invocation that follows returns the recorded result) and a held call interrupts the run.
``bridge.settle(state)`` turns Tether's decisions into ``state.approve``/``state.reject``; ``bridge.run(...)`` does
the whole dance, waiting up to ``wait`` for reviewers. Tether runs each tool once: approving a call in the SDK
without Tether's approval runs nothing. Also importable from ``tether.integrations.openai``.

Rejecting in the SDK (``state.reject(item)``) is the application saying no, which needs no reviewer's authority:
the held Tether action is rejected too (by ``reviewer``; without one, the agent withdraws its own call, which an
agent token over HTTP may do as well), so nothing is left pending for a reviewer to approve into a call that will
never run. ``bridge.run`` and ``bridge.settle`` see every rejection in the
state they are given; an application that resumes with ``Runner.run`` itself passes ``run_config=bridge.run_config()``
(the SDK then tells the bridge of each rejection it answers without a message of the application's own).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from tether.agent._gate import Gate
from tether.agent._tools import RUN_VALUES
from tether.errors import AccessError, DecisionError, UsageError
from tether.integrations import require
from tether.integrations._calls import Use as _Use
from tether.integrations._calls import Wait
from tether.integrations._calls import Who as _Who
from tether.integrations._calls import agate_all as _agate_all
from tether.integrations._calls import parse_args as _args
from tether.integrations._calls import problem as _problem
from tether.integrations._calls import registered as _entry
from tether.integrations._calls import to_call as _call
from tether.integrations._calls import without_key as _without_key
from tether.model import Approve, Decision, Outcome, Pending, Reject, Status
from tether.store import ActionFilter

try:
    from agents import Agent, FunctionTool, RunConfig, RunContextWrapper, Runner, RunResult, RunState
    from agents.function_schema import function_schema
    from agents.run_config import ToolErrorFormatterArgs
    from agents.tool_context import ToolContext
except ImportError:  # pragma: no cover - the message names the extra to install
    require("agents", "openai")
    raise

__all__ = ["AgentsBridge"]

_REFUSED = frozenset({"rejected", "denied", "responded"})  # what the Agents SDK records as a rejection


class AgentsBridge:
    """Gated tools for the OpenAI Agents SDK, whose ``needs_approval`` Tether decides (see the module docstring).

    ``agent`` is the name Tether knows the agent by (its lanes are ``agent/tool``). ``reviewer`` names the person
    whose ``state.approve(item)`` / ``state.reject(item)`` in this process are Tether decisions (an application
    whose user reviews their own agent's calls, on an in-process gate); without it, only Tether's reviewers
    decide, and an SDK approval runs nothing."""

    def __init__(
        self,
        gate: Gate,
        *,
        agent: str,
        thread: str | None = None,
        confidence: float | None = None,
        reviewer: str | None = None,
    ):
        if reviewer is not None and (not reviewer.strip() or reviewer == agent):
            raise UsageError("AgentsBridge(reviewer=...) names the person deciding, not the agent")
        self.gate = gate
        self.reviewer = reviewer
        self.who = _Who(agent, thread, None, confidence)
        self._bridged: set[str] = set()
        self._context_param: dict[str, str] = {}  # tool -> its RunContextWrapper parameter, for tools that take one

    def function_tool(self, tool: str | Callable[..., Any], *, description: str | None = None) -> FunctionTool:
        """An SDK ``FunctionTool`` for a tool registered with the gate (by name, or the decorated function). Its
        schema comes from the tool's signature and docstring; the tool receives the arguments as the model sent
        them (JSON values)."""
        entry = _entry(self.gate, tool)
        schema = function_schema(_without_key(entry), name_override=entry.name, description_override=description)
        if schema.takes_context:  # its first parameter is the SDK's RunContextWrapper: given at run time, not recorded
            param = next(iter(entry.signature.parameters))
            if param not in entry.injected:
                self.gate._tools[entry.name] = dataclasses.replace(entry, injected=entry.injected | {param})
            self._context_param[entry.name] = param
        self._bridged.add(entry.name)
        return FunctionTool(
            name=entry.name,
            description=schema.description or entry.name,
            params_json_schema=schema.params_json_schema,
            on_invoke_tool=self._invoker(entry.name),
            needs_approval=self.needs_approval(entry.name),
            strict_json_schema=schema.strict_json_schema,
        )

    def function_tools(self, *tools: str | Callable[..., Any]) -> list[FunctionTool]:
        """``function_tool`` for each tool named, or for every tool registered with the gate."""
        return [self.function_tool(tool) for tool in (tools or tuple(self.gate.tools()))]

    def needs_approval(self, tool: str) -> Callable[[RunContextWrapper[Any], dict[str, Any], str], Awaitable[bool]]:
        """The SDK's ``needs_approval`` for ``tool``: submits the call and says whether Tether holds it."""

        async def check(context: RunContextWrapper[Any], params: dict[str, Any], call_id: str) -> bool:
            use = _Use(call_id, tool, params)
            if _problem(self.gate, use) is not None:
                return False  # nothing to approve: the invocation answers with the problem
            with self._run_values(tool, context):
                outcome = await self._decided_in_sdk(await self.gate.acall(_call(use, self.who)), use, context)
                return isinstance(outcome, Pending)

        return check

    async def settle(self, state: RunState[Any, Any], *, wait: Wait = None) -> dict[str, Outcome | str]:
        """Apply Tether's decisions to the run's interruptions for this bridge's tools, waiting up to ``wait`` for
        reviewers: allowed calls are approved (and run once), refused ones rejected with Tether's text as the
        message the model sees. Calls still held, and other tools' interruptions, are left as they are. Returns
        what each call came to, by call id."""
        items = [i for i in state.get_interruptions() if i.tool_name in self._bridged and i.call_id]
        uses = {item.call_id: _Use(str(item.call_id), str(item.tool_name), _args(item.arguments)) for item in items}
        context = getattr(state, "_context", None)  # the run's RunContextWrapper, for approved calls that run here
        if context is not None:
            for item in items:
                name, call_id = str(item.tool_name), str(item.call_id)
                if context.is_tool_approved(name, call_id) is False:
                    await self.rejected_in_sdk(name, call_id, context.get_rejection_message(name, call_id) or "")
        with self._run_values(None, context):
            answers = await _agate_all(self.gate, list(uses.values()), self.who, wait)
        for item in items:
            answer = answers[str(item.call_id)]
            if isinstance(answer, str) or answer.kind in _REFUSED:
                text = answer if isinstance(answer, str) else answer.to_tool_result()
                state.reject(item, rejection_message=text)
            elif not isinstance(answer, Pending):
                state.approve(item)
        return answers

    async def rejected_in_sdk(self, tool: str, call_id: str, note: str = "") -> None:
        """The application rejected this held call in the SDK: reject its Tether action too, if it is still held (a
        decision a reviewer made first stands)."""
        query = ActionFilter(status={Status.PENDING}, agents={self.who.agent}, tool=tool, limit=1000)
        held = await asyncio.to_thread(self.gate.plane.actions, query)
        for action in held:
            if action.call.call_id == call_id:
                reason = note or "rejected by the application in the Agents SDK (state.reject)"
                with contextlib.suppress(DecisionError):  # decided meanwhile in Tether: that decision stands
                    if self.reviewer is not None:
                        await asyncio.to_thread(self.gate.decide, action.id, Reject(by=self.reviewer, note=reason))
                    else:  # the agent takes its own call back: no reviewer's authority needed, locally or over HTTP
                        await asyncio.to_thread(self.gate.plane.withdraw, action.id, agent=self.who.agent, note=reason)

    def run_config(self, base: RunConfig | None = None) -> RunConfig:
        """A ``RunConfig`` (``base``, or the SDK's default) whose ``tool_error_formatter`` tells Tether of every
        rejection the SDK answers for this bridge's tools, before handing it to ``base``'s formatter, if any."""
        base = base or RunConfig()
        formatter = base.tool_error_formatter

        async def format_error(args: ToolErrorFormatterArgs[Any]) -> str | None:
            if args.kind == "approval_rejected" and args.tool_name in self._bridged:
                await self.rejected_in_sdk(args.tool_name, args.call_id)
            if formatter is None:
                return None
            answer = formatter(args)
            return await answer if inspect.isawaitable(answer) else answer

        return dataclasses.replace(base, tool_error_formatter=format_error)

    async def run(
        self,
        starting_agent: Agent[Any],
        input: str | list[Any] | RunState[Any, Any],
        *,
        wait: Wait = None,
        **runner: Any,
    ) -> RunResult:
        """``Runner.run`` that settles interruptions from Tether and resumes, until the run finishes or nothing
        more has been decided within ``wait``: then the result is still interrupted, and
        ``bridge.run(agent, result.to_state(), wait=...)`` carries on later. ``runner`` goes to ``Runner.run``."""
        runner["run_config"] = self.run_config(runner.get("run_config"))
        if isinstance(input, RunState):
            await self.settle(input)  # rejections the application made in the SDK reach Tether first
        result = await Runner.run(starting_agent, input, **runner)
        while result.interruptions:
            state = result.to_state()
            answers = await self.settle(state, wait=wait)
            if all(isinstance(answer, Pending) for answer in answers.values()):
                return result
            result = await Runner.run(starting_agent, state, **runner)
        return result

    def _invoker(self, tool: str) -> Callable[[ToolContext[Any], str], Awaitable[str]]:
        async def invoke(context: ToolContext[Any], arguments: str) -> str:
            use = _Use(context.tool_call_id, tool, _args(arguments))
            problem = _problem(self.gate, use)
            if problem is not None:
                return problem
            with self._run_values(tool, context):
                outcome = await self.gate.acall(_call(use, self.who))  # recorded, or submitted now
                return (await self._decided_in_sdk(outcome, use, context)).to_tool_result()

        return invoke

    async def _decided_in_sdk(self, outcome: Outcome, use: _Use, context: Any) -> Outcome:
        """A held call the application approved or rejected in the SDK, with ``reviewer`` set: that is the
        reviewer's decision in Tether (recorded under their name), and the call runs, or not, accordingly."""
        if self.reviewer is None or not isinstance(outcome, Pending) or context is None:
            return outcome
        verdict = context.is_tool_approved(use.name, use.id)
        if verdict is None:
            return outcome
        decision: Decision = (
            Approve(by=self.reviewer, note="approved in the Agents SDK")
            if verdict
            else Reject(by=self.reviewer, note="rejected in the Agents SDK")
        )
        # decided meanwhile in Tether: that decision stands; an agent token over HTTP holds no reviewer authority,
        # so the SDK's answer counts for nothing there and the call waits for Tether's reviewers
        with contextlib.suppress(DecisionError, AccessError):
            await asyncio.to_thread(self.gate.decide, outcome.action_id, decision)
        return await self.gate.acall(_call(use, self.who))

    @contextlib.contextmanager
    def _run_values(self, tool: str | None, context: Any) -> Iterator[None]:
        """Give the run's context to the tools that take one (``tool``, or every bridged tool) while Tether runs
        them."""
        names = [tool] if tool is not None else list(self._context_param)
        values = {self._context_param[name]: context for name in names if name in self._context_param}
        token = RUN_VALUES.set(values) if values and context is not None else None
        try:
            yield
        finally:
            if token is not None:
                RUN_VALUES.reset(token)

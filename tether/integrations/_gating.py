"""The gating both LangChain integrations share: which calls of an AI message wait for a human (and the pause
until they are decided), and, for every call, the step around LangChain's own tool execution that admits it to
Tether, runs it only if and when Tether allows, and records what it did.

``TetherMiddleware`` (``create_agent``) and ``GatedToolNode`` (a ``ToolNode`` for hand-built graphs) are thin
shells over ``Gating``: the first holds in ``after_model`` and wraps the agent's tool node, the second holds at
the start of its own node and wraps itself.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tether.integrations import require

require("langgraph.types", "langgraph")

from langchain_core.messages import AIMessage, ToolMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langgraph.config import get_config  # noqa: E402
from langgraph.prebuilt.tool_node import ToolCallRequest  # noqa: E402
from langgraph.types import Command  # noqa: E402

from tether._json import require_json  # noqa: E402
from tether.agent._gate import Gate  # noqa: E402
from tether.errors import ClaimConflict, UsageError  # noqa: E402
from tether.integrations._hitl import (  # noqa: E402
    EDIT_NOTICE,
    Confidence,
    Held,
    Review,
    edit_notice,
    edit_of,
    thread_id,
)
from tether.model import Action, Mode, Responded, Status, ToolCall  # noqa: E402
from tether.policy import Declared  # noqa: E402

_ERROR_KINDS = frozenset({"rejected", "denied", "failed", "expired"})


class Gating:
    """Tether between an AI message's tool calls and LangChain's tool execution, for one agent."""

    def __init__(
        self,
        gate: Gate,
        *,
        agent: str,
        review: Review,
        who: str,
        key: str,
        confidence: Confidence | None = None,
        edit_notice: str = EDIT_NOTICE,
    ) -> None:
        if not agent or not isinstance(agent, str):
            raise UsageError(f"{who}(agent=...) must name the agent making the calls")
        self.gate = gate
        self.agent = agent
        self.review = review
        self.who = who
        self.key = key  # the idempotency key's prefix: "langchain", "langgraph"
        self.confidence = confidence
        self.edit_notice = edit_notice

    # -- before any call runs: pause for the held ones ------------------------------------------------------------

    def hold(self, ai: AIMessage | None, config: RunnableConfig, *, only: list[Any] | None = None) -> list[ToolMessage]:
        """Admit the calls the policy holds and pause until each is decided; returns the answers for the held calls
        that will not run (rejected, answered, expired), for the model."""
        return self.settle(self.admit_held(ai, config, only=only))

    def admit_held(self, ai: AIMessage | None, config: RunnableConfig, *, only: list[Any] | None = None) -> list[Held]:
        """Admit the calls of ``ai`` (or ``only`` these) that the policy holds, as pending actions; nothing runs."""
        if ai is None or not ai.tool_calls:
            return []
        thread = thread_id(config, self.who)
        held: list[Held] = []
        for call in ai.tool_calls if only is None else only:
            request = self._tool_call(call, ai, thread)
            if request is None:
                continue
            declared = self._declared(request.tool)
            if self._verdict_mode(request, declared) is not Mode.APPROVE:
                continue  # runs (or is refused) in the tool node, where it is admitted
            action = self.gate.plane.submit(request, declared, has_undo=False)  # pending: nothing claimed or run
            if action.verdict.mode is Mode.APPROVE:
                held.append(Held(str(call["name"]), str(call["id"]), action.id))
        return held

    def settle(self, held: list[Held]) -> list[ToolMessage]:
        """Pause until each held call is decided; the answers for those that will not run."""
        if not held:
            return []
        actions = self.review.settle(held)
        return [self._answer(slot, action) for slot, action in zip(held, actions, strict=True) if not _runs(action)]

    def _verdict_mode(self, call: ToolCall, declared: Declared | None) -> Mode:
        """What the policy would say now, recording nothing (a call admitted as runnable would be claimed, and a
        claim must not wait out a human's decision on its neighbours)."""
        evaluate = getattr(self.gate.plane, "evaluate", None)  # a local plane knows the lane's level too
        verdict = (
            evaluate(call, declared) if evaluate is not None else self.gate.plane.policy.evaluate(call, None, declared)
        )
        mode: Mode = verdict.mode
        return mode

    # -- in the tool node: admit, run once, record -------------------------------------------------------------

    def wrap_tool_call(
        self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage | Command[Any]]
    ) -> ToolMessage | Command[Any]:
        prepared = self._prepare(request)
        if prepared is None:
            return handler(request)
        if isinstance(prepared, ToolMessage):
            return prepared
        action, to_run = prepared
        claim = (action.id, action.claimed_by or "")
        self.gate._heartbeat.add(claim)
        try:
            result = handler(to_run)
        except Exception as exc:
            self._finish(action, request, None, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.gate._heartbeat.discard(claim)
        return self._finish(action, request, result, None)

    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]],
    ) -> ToolMessage | Command[Any]:
        prepared = await asyncio.to_thread(self._prepare, request)
        if prepared is None:
            return await handler(request)
        if isinstance(prepared, ToolMessage):
            return prepared
        action, to_run = prepared
        claim = (action.id, action.claimed_by or "")
        self.gate._heartbeat.add(claim)
        try:
            result = await handler(to_run)
        except Exception as exc:
            await asyncio.to_thread(self._finish, action, request, None, f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.gate._heartbeat.discard(claim)
        return await asyncio.to_thread(functools.partial(self._finish, action, request, result, None))

    def _prepare(self, request: ToolCallRequest) -> tuple[Action, ToolCallRequest] | ToolMessage | None:
        """The claimed action and the request to run (with a reviewer's edit), the message to answer instead, or
        None for a tool the agent does not have (LangChain answers that, and nothing runs)."""
        call = request.tool_call
        if request.tool is None:
            return None
        ai = last_ai(request.state)
        thread = thread_id(request.runtime.config if request.runtime else get_config(), self.who)
        tether_call = self._tool_call(call, ai, thread)
        if tether_call is None:  # fail closed: a call Tether cannot record is not run
            return _error(
                call,
                f"Error: the call to {call.get('name')} has no id, or its arguments are not an object; it was not run.",
            )
        entry = self.gate.tools().get(tether_call.tool)
        worker = self.gate._claim_token()
        try:
            if entry is not None:  # registered with the gate: its signature is known before anything is recorded
                entry.check_args(tether_call.args, f"the arguments of this call to {tether_call.tool}")
            declared = entry.declared if entry is not None else None
            action = self.gate.plane.submit(tether_call, declared, worker=worker, has_undo=False)
        except UsageError as exc:  # arguments that do not fit the tool, or are not JSON: nothing was recorded
            return _error(call, f"Error: {exc}. The tool was not run; fix the arguments and call it again.")
        if action.call.tool != tether_call.tool or action.call.args != require_json(tether_call.args, "args"):
            return _error(
                call,
                f"Error: tool call id {call.get('id')!r} was already used in this thread for another call (Tether "
                f"action {action.id}); nothing was run. Tool call ids must be unique within a thread.",
            )
        if action.status is Status.PENDING:  # held now though the policy said otherwise after the model turn
            held = Held(str(call["name"]), str(call["id"]), action.id)
            action = self.review.settle([held])[0]
        if action.status is Status.APPROVED:
            try:
                action = self.gate.plane.claim(action, worker=worker)
            except ClaimConflict:
                return self._answer_for(call, self.gate.get(action.id))
        if action.status is not Status.RUNNING or action.claimed_by != worker:
            return self._answer_for(call, action)  # settled, deferred, or being run elsewhere: never run twice
        args = action.run_args
        if args == call["args"]:
            return action, request
        return action, request.override(tool_call={**call, "args": args})

    def _finish(
        self, action: Action, request: ToolCallRequest, result: ToolMessage | Command[Any] | None, error: str | None
    ) -> ToolMessage | Command[Any]:
        """Record what the run did and hand LangChain its result, telling the model of a reviewer's edit."""
        call = request.tool_call
        message = _message_of(result, str(call["id"])) if result is not None else None
        if error is None and message is not None and message.status == "error":
            error = _text(message.content)
        try:
            if error is not None:
                self.gate.plane.finish(action, error=error)
            else:
                self.gate.plane.finish(action, result=_text(message.content) if message is not None else None)
        except ClaimConflict:  # the lease ran out and another worker took over: the record wins, not this run
            return self._answer_for(call, self.gate.get(action.id))
        if result is None:  # the run raised: what is recorded is what the caller is told
            return self._answer_for(call, self.gate.get(action.id))
        if isinstance(result, ToolMessage) and result.artifact is None:  # a tool's own artifact is kept as it is
            kind = "failed" if error is not None else "executed"
            result = result.model_copy(update={"artifact": {"tether_action_id": action.id, "tether_outcome": kind}})
        edit = edit_of(action)
        if edit is None:
            return result
        return _prepend(result, edit_notice(edit, action.call.tool, self.edit_notice), str(call["id"]))

    # -- messages ----------------------------------------------------------------------------------------------

    def _answer(self, slot: Held, action: Action) -> ToolMessage:
        return self._answer_for({"name": slot.name, "id": slot.tool_call_id}, action)

    def _answer_for(self, call: Mapping[str, Any], action: Action) -> ToolMessage:
        """What the model is told for a call that does not run now (rejected, answered, expired, deferred...)."""
        outcome = self.gate.plane.outcome(action)
        content = outcome.message if isinstance(outcome, Responded) else outcome.to_tool_result()
        return ToolMessage(
            content=content,
            name=str(call["name"]),
            tool_call_id=str(call["id"]),
            status="error" if outcome.kind in _ERROR_KINDS else "success",
            artifact={"tether_action_id": action.id, "tether_outcome": outcome.kind},
        )

    def _tool_call(self, call: Mapping[str, Any], ai: AIMessage | None, thread: str) -> ToolCall | None:
        args, call_id = call.get("args"), call.get("id")
        if not isinstance(args, dict) or not call_id:
            return None
        confidence = self.confidence(call, ai) if self.confidence is not None and ai is not None else None
        return ToolCall(
            tool=str(call["name"]),
            args=args,
            agent=self.agent,
            thread=thread,
            reasoning=(ai.text.strip() or None) if ai is not None else None,
            confidence=confidence,
            call_id=f"{self.key}:{thread}:{call_id}",
        )

    def _declared(self, tool: str) -> Declared | None:
        """What the application declared in code for a tool it registered with ``@gate.tool`` (only tightens)."""
        entry = self.gate.tools().get(tool)
        return entry.declared if entry is not None else None


def _error(call: Mapping[str, Any], text: str) -> ToolMessage:
    return ToolMessage(content=text, name=str(call.get("name")), tool_call_id=str(call.get("id") or ""), status="error")


def _runs(action: Action) -> bool:
    """Whether the tool node will run this decided action: an approval (or an edit) does, anything else does not."""
    return action.status is Status.APPROVED


def last_ai(state: Any) -> AIMessage | None:
    messages = state.get("messages") if isinstance(state, Mapping) else getattr(state, "messages", None)
    return next((m for m in reversed(messages or []) if isinstance(m, AIMessage)), None)


def _message_of(result: ToolMessage | Command[Any], tool_call_id: str) -> ToolMessage | None:
    if isinstance(result, ToolMessage):
        return result
    update = result.update if isinstance(result, Command) else None
    if isinstance(update, Mapping):
        for message in update.get("messages", []) or []:
            if isinstance(message, ToolMessage) and message.tool_call_id == tool_call_id:
                return message
    return None


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return json.dumps(content, default=str)


def _prepend(result: ToolMessage | Command[Any], notice: str, tool_call_id: str) -> ToolMessage | Command[Any]:
    def noted(message: ToolMessage) -> ToolMessage:
        if isinstance(message.content, str):
            content: Any = f"{notice}\n\nTool response:\n{message.content}" if message.content else notice
        else:
            content = [{"type": "text", "text": notice}, *message.content]
        return message.model_copy(update={"content": content})

    if isinstance(result, ToolMessage):
        return noted(result)
    update = result.update if isinstance(result, Command) else None
    if not isinstance(update, Mapping) or not isinstance(update.get("messages"), list):
        return result
    messages = [
        noted(m) if isinstance(m, ToolMessage) and m.tool_call_id == tool_call_id else m for m in update["messages"]
    ]
    return Command(graph=result.graph, update={**update, "messages": messages}, resume=result.resume, goto=result.goto)


__all__ = ["Gating", "last_ai"]

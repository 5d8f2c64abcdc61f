"""LangChain v1: ``TetherMiddleware`` puts every tool call of a ``create_agent`` agent through a Tether gate.

It replaces ``HumanInTheLoopMiddleware`` in one line and keeps its protocol::

    agent = create_agent(model, tools, middleware=[TetherMiddleware(gate, agent="support-bot")],
                         checkpointer=InMemorySaver())

After each model turn, the calls the policy holds pause the agent with ``interrupt()`` and HITL's payload
(``action_requests``, ``review_configs`` with each tool's ``allowed_decisions`` from its ``decisions`` policy
key); resume with ``Command(resume={"decisions": [...]})`` as with HITL — approve, edit, reject, respond — or
decide in Tether's dashboard, CLI or Slack and re-invoke the thread. Every call then runs in the agent's tool node
as usual (LangChain's own execution: injected arguments, ``ToolRuntime``, ``Command`` results, artifacts, error
handling, parallel calls), but only when, and only as often as, Tether allows: each call is an action whose
``call_id`` comes from the thread and the tool call id, so a replayed resume, a re-run node or another process
never runs it twice. A rejected or expired call gets an error ``ToolMessage`` with the reviewer's note; a
respond gets the reviewer's answer as a successful one; an edited call runs with the reviewer's arguments and
its result tells the model so.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tether.integrations import require

require("langchain.agents.middleware", "langchain")

from langchain.agents.middleware import AgentMiddleware  # noqa: E402
from langchain_core.messages import AIMessage, ToolMessage  # noqa: E402
from langgraph.config import get_config  # noqa: E402
from langgraph.prebuilt.tool_node import ToolCallRequest  # noqa: E402
from langgraph.types import Command  # noqa: E402

from tether.agent._gate import Gate  # noqa: E402
from tether.errors import ClaimConflict, UsageError  # noqa: E402
from tether.integrations._hitl import (  # noqa: E402
    DEFAULT_REVIEWER,
    EDIT_NOTICE,
    Confidence,
    Held,
    Review,
    edit_notice,
    edit_of,
    thread_id,
)
from tether.model import Action, Mode, Responded, Status, ToolCall  # noqa: E402

_ERROR_KINDS = frozenset({"rejected", "denied", "failed", "expired"})


class TetherMiddleware(AgentMiddleware):
    """Gate every tool call of a ``create_agent`` agent; pause for held ones with HITL's interrupt.

    - ``gate``: a local ``Gate``, or ``tether.connect(...)`` (then decisions given through ``Command`` can only be
      rejections: an agent's token never approves its own calls).
    - ``agent``: who the calls are recorded as (one lane per agent and tool).
    - ``reviewer``: who a decision given through ``Command(resume=...)`` is recorded as, unless it says (``"by"``).
    - ``confidence``: reads the agent's self-reported confidence for a call, so the policy's thresholds apply.
    """

    def __init__(
        self,
        gate: Gate,
        *,
        agent: str,
        reviewer: str = DEFAULT_REVIEWER,
        description_prefix: str = "Tool execution requires approval",
        confidence: Confidence | None = None,
        edit_notice: str = EDIT_NOTICE,
    ) -> None:
        super().__init__()
        if not agent or not isinstance(agent, str):
            raise UsageError("TetherMiddleware(agent=...) must name the agent making the calls")
        self.gate = gate
        self.agent = agent
        self.confidence = confidence
        self.edit_notice = edit_notice
        self.review = Review(gate, reviewer=reviewer, description_prefix=description_prefix, schemas={})

    # -- after the model: pause for the held calls ---------------------------------------------------------------

    def after_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        ai = _last_ai(state)
        if ai is None or not ai.tool_calls:
            return None
        thread = thread_id(get_config(), "TetherMiddleware")
        held: list[Held] = []
        for call in ai.tool_calls:
            request = self._tool_call(call, ai, thread)
            if request is None or self._verdict_mode(request) is not Mode.APPROVE:
                continue  # runs (or is refused) in the tool node, where it is admitted
            action = self.gate.plane.submit(request, has_undo=False)  # held: pending, nothing claimed or run
            if action.verdict.mode is Mode.APPROVE:
                held.append(Held(str(call["name"]), str(call["id"]), action.id))
        if not held:
            return None
        actions = self.review.settle(held)
        answers = [self._answer(slot, action) for slot, action in zip(held, actions, strict=True) if not _runs(action)]
        return {"messages": answers} if answers else None

    async def aafter_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self.after_model(state, runtime)

    def _verdict_mode(self, call: ToolCall) -> Mode:
        """What the policy would say now, recording nothing (a call admitted as runnable would be claimed, and a
        claim must not wait out a human's decision on its neighbours)."""
        evaluate = getattr(self.gate.plane, "evaluate", None)  # a local plane knows the lane's level too
        verdict = evaluate(call) if evaluate is not None else self.gate.plane.policy.evaluate(call)
        mode: Mode = verdict.mode
        return mode

    # -- in the tool node: admit, run once, record -------------------------------------------------------------

    def wrap_tool_call(
        self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage | Command[Any]]
    ) -> ToolMessage | Command[Any]:
        prepared = self._prepare(request)
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

    def _prepare(self, request: ToolCallRequest) -> tuple[Action, ToolCallRequest] | ToolMessage:
        """The claimed action and the request to run (with a reviewer's edit), or the message to answer instead."""
        call = request.tool_call
        ai = _last_ai(request.state)
        thread = thread_id(request.runtime.config if request.runtime else get_config(), "TetherMiddleware")
        tether_call = self._tool_call(call, ai, thread)
        if tether_call is None:  # fail closed: a call Tether cannot record is not run
            return ToolMessage(
                content=f"Error: the call to {call.get('name')} has no id, or its arguments are not an object; "
                "it was not run.",
                name=str(call.get("name")),
                tool_call_id=str(call.get("id") or ""),
                status="error",
            )
        worker = self.gate._claim_token()
        action = self.gate.plane.submit(tether_call, worker=worker, has_undo=False)
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
            call_id=f"langchain:{thread}:{call_id}",
        )


def _runs(action: Action) -> bool:
    """Whether the tool node will run this decided action: an approval (or an edit) does, anything else does not."""
    return action.status is Status.APPROVED


def _last_ai(state: Any) -> AIMessage | None:
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


__all__ = ["EDIT_NOTICE", "TetherMiddleware"]

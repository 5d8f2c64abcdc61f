"""LangGraph: gate the tools a graph calls, and pause the graph while a human decides.

``GatedToolNode`` is a drop-in for LangGraph's ``ToolNode``: it answers the tool calls of the last AI message, but
every call goes through a Tether ``Gate`` first. Calls the policy lets through run at once; calls it holds pause
the graph with ``interrupt()`` and a payload in the shape of LangChain's ``HumanInTheLoopMiddleware``::

    {"action_requests": [{"name": "refund", "args": {...}, "description": "...", "action_id": "..."}],
     "review_configs": [{"action_name": "refund", "allowed_decisions": ["approve", "edit", "reject", "respond"]}]}

Resume the graph with ``Command(resume={"decisions": [...]})``, one decision per action request, in order::

    {"type": "approve"}
    {"type": "edit", "edited_action": {"name": "refund", "args": {...}}}
    {"type": "reject", "message": "why"}
    {"type": "respond", "message": "what to tell the model instead"}

or, for a single held call, ``{"approved": True, "note": "Looks good"}`` (see ``tether.integrations._hitl`` for
every accepted shape). A decision (or the resume value as a whole) may carry ``"by"``, the reviewer's name for the
audit log; without it the node's ``reviewer`` is recorded. Or decide in Tether's dashboard or CLI and then resume
with anything (or re-invoke the thread with ``None``): a decision already recorded in Tether wins, and the resume
value is ignored.

LangGraph re-runs an interrupted node from its start. The node finds its earlier actions again because each
call's ``call_id`` is derived from the thread id and the tool call id, and submitting the same call again returns
the same action: a tool that already ran is never run again, and an approved one runs exactly once, whichever
process resumes the thread.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tether.integrations import require

require("langgraph.types", "langgraph")

from langchain_core.messages import AIMessage, ToolMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langchain_core.tools import BaseTool  # noqa: E402
from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: E402

from tether._json import require_json  # noqa: E402
from tether.agent._gate import Gate  # noqa: E402
from tether.errors import UsageError  # noqa: E402
from tether.integrations._hitl import (  # noqa: E402
    DECISIONS,
    DEFAULT_REVIEWER,
    Confidence,
    Held,
    Review,
    edit_notice,
    edit_of,
    thread_id,
)
from tether.model import Edit, Mode, Outcome, ToolCall  # noqa: E402

_ERROR_KINDS = frozenset({"rejected", "denied", "failed"})
_LANGCHAIN_TOOL = "_tether_langchain_tool"

ToolLike = BaseTool | Callable[..., Any] | str
"""What ``GatedToolNode`` accepts as a tool: a LangChain tool, a plain function (registered with the gate if it
is not already; ``@gate.tool`` functions are reused), or the name of a tool registered with the gate."""


class GatedToolNode:
    """A graph node that runs the tool calls of the last AI message through a Tether gate.

    ``agent`` is who the calls are recorded as (one lane per agent and tool). The node reads the messages from
    ``state[messages_key]`` (or the attribute of that name, or the state itself if it is a list of messages) and
    returns ``{messages_key: [ToolMessage, ...]}`` (a list, for list state), one per tool call, in order.

    The graph must be compiled with a checkpointer and invoked with a ``thread_id``: both are what let a held
    call pause the graph and a later resume, from any process, find the same Tether action.
    """

    def __init__(
        self,
        gate: Gate,
        tools: Iterable[ToolLike],
        *,
        agent: str,
        reviewer: str = DEFAULT_REVIEWER,
        messages_key: str = "messages",
        description_prefix: str = "Tool execution requires approval",
        confidence: Confidence | None = None,
    ) -> None:
        if not agent or not isinstance(agent, str):
            raise UsageError("GatedToolNode(agent=...) must name the agent making the calls")
        self.gate = gate
        self.agent = agent
        self.reviewer = reviewer
        self.messages_key = messages_key
        self.description_prefix = description_prefix
        self.confidence = confidence
        self._schemas: dict[str, dict[str, Any]] = {}
        self._tools: list[str] = []  # the names the model calls them by: the names registered with the gate
        for tool in tools:
            name, schema = _register(gate, tool)
            if name not in self._tools:
                self._tools.append(name)
            if schema is not None:
                self._schemas[name] = schema
        if not self._tools:
            raise UsageError("GatedToolNode needs at least one tool")
        self.review = Review(gate, reviewer=reviewer, description_prefix=description_prefix, schemas=self._schemas)

    @property
    def tool_names(self) -> list[str]:
        return list(self._tools)

    def __repr__(self) -> str:
        return f"GatedToolNode(agent={self.agent!r}, tools={self.tool_names!r})"

    # -- the node ----------------------------------------------------------------------------------------------

    def __call__(self, state: Any, config: RunnableConfig) -> Any:
        messages, as_list = self._messages(state)
        ai = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
        if ai is None:
            raise UsageError(f"GatedToolNode found no AI message in the state's {self.messages_key!r}")
        thread = thread_id(config, "GatedToolNode")
        reasoning = ai.text.strip() or None
        slots = [self._submit(call, index, ai, thread, reasoning) for index, call in enumerate(ai.tool_calls)]
        held = [slot for slot in slots if slot.held]
        self.review.settle([Held(slot.name, slot.tool_call_id, slot.action_id) for slot in held])
        for slot in held:
            slot.outcome = self.gate.resume(slot.action_id)  # runs an approved action once; else what was recorded
            slot.edit = edit_of(self.gate.get(slot.action_id))
        answers = [slot.message() for slot in slots]
        return answers if as_list else {self.messages_key: answers}

    # -- submitting --------------------------------------------------------------------------------------------

    def _submit(self, call: Mapping[str, Any], index: int, ai: AIMessage, thread: str, reasoning: str | None) -> _Slot:
        name = str(call.get("name"))
        call_id = call.get("id")
        slot = _Slot(name=name, tool_call_id=str(call_id or f"{ai.id}:{index}"))
        if name not in self._tools:
            known = ", ".join(self._tools)
            return slot.fail(f"Error: {name} is not a valid tool, try one of [{known}].")
        args = call.get("args")
        if not isinstance(args, dict):
            return slot.fail(f"Error: the arguments of {name} must be an object, got {type(args).__name__}.")
        key = f"langgraph:{thread}:{call_id}" if call_id else f"langgraph:{thread}:{ai.id}:{index}"
        confidence = self.confidence(call, ai) if self.confidence is not None else None
        request = ToolCall(
            tool=name,
            args=args,
            agent=self.agent,
            thread=thread,
            reasoning=reasoning,
            confidence=confidence,
            call_id=key,
        )
        try:
            outcome = self.gate.call(request)
        except UsageError as exc:  # arguments that do not fit the tool, or are not JSON: nothing was recorded
            return slot.fail(f"Error: {exc}. The tool was not run; fix the arguments and call it again.")
        action = self.gate.get(outcome.action_id)
        if action.call.tool != name or action.call.args != require_json(args, f"the arguments of {name}"):
            return slot.fail(
                f"Error: tool call id {call_id!r} was already used in this thread for another call (Tether action "
                f"{action.id}); nothing was run. Tool call ids must be unique within a thread."
            )
        slot.action_id = action.id
        slot.outcome = outcome
        slot.held = action.verdict.mode is Mode.APPROVE  # admitted as pending: a human decides, here or in Tether
        return slot

    # -- helpers -----------------------------------------------------------------------------------------------

    def _messages(self, state: Any) -> tuple[list[Any], bool]:
        if isinstance(state, list):
            return state, True
        if isinstance(state, Mapping):
            messages = state.get(self.messages_key)
        else:
            messages = getattr(state, self.messages_key, None)
        if not isinstance(messages, list):
            raise UsageError(f"GatedToolNode expects the state's {self.messages_key!r} to be a list of messages")
        return messages, False


@dataclass(slots=True)
class _Slot:
    """One tool call of the AI message and what became of it."""

    name: str
    tool_call_id: str
    action_id: str = ""
    held: bool = False
    outcome: Outcome | None = None
    error: str | None = None
    edit: Edit | None = None  # a reviewer's edit it ran with: the model is told

    def fail(self, error: str) -> _Slot:
        self.error = error
        return self

    def message(self) -> ToolMessage:
        if self.outcome is None:
            return ToolMessage(
                content=self.error or "Error", name=self.name, tool_call_id=self.tool_call_id, status="error"
            )
        content = self.outcome.to_tool_result()
        if self.edit is not None and self.outcome.kind in ("executed", "failed"):
            content = f"{edit_notice(self.edit, self.name)}\n\nTool response:\n{content}"
        return ToolMessage(
            content=content,
            name=self.name,
            tool_call_id=self.tool_call_id,
            status="error" if self.outcome.kind in _ERROR_KINDS else "success",
            artifact={"tether_action_id": self.outcome.action_id, "tether_outcome": self.outcome.kind},
        )


# -- registering tools ---------------------------------------------------------------------------------------


def _register(gate: Gate, tool: ToolLike) -> tuple[str, dict[str, Any] | None]:
    """Make sure ``tool`` is registered with ``gate``; return the name it is called by and its JSON schema."""
    registered = gate.tools()
    if isinstance(tool, str):
        if tool not in registered:
            raise UsageError(f"tool {tool!r} is not registered with this gate; pass the function or LangChain tool")
        if registered[tool].is_async:
            raise UsageError(f"{tool} is an async tool; GatedToolNode runs synchronous tools")
        return tool, None
    if isinstance(tool, BaseTool):
        entry = registered.get(tool.name)
        if entry is None or getattr(entry.fn, _LANGCHAIN_TOOL, None) is not tool:
            _register_newest(gate, tool.name, _adapter(tool))
        return tool.name, _schema_of(tool)
    if callable(tool):
        for name, entry in registered.items():  # a @gate.tool function (or its undecorated original)
            if entry.fn is tool or getattr(tool, "__wrapped__", None) is entry.fn:
                if entry.is_async:
                    raise UsageError(f"{name} is an async tool; GatedToolNode runs synchronous tools")
                return name, None
        name = getattr(tool, "__name__", "")
        if not name or name == "<lambda>":
            raise UsageError("pass named functions (or LangChain tools) to GatedToolNode, not lambdas")
        if inspect.iscoroutinefunction(tool):
            raise UsageError(f"{name} is an async function; GatedToolNode runs synchronous tools")
        _register_newest(gate, name, tool)
        return name, None
    raise UsageError(f"GatedToolNode takes LangChain tools, functions or registered tool names, got {tool!r}")


_REGISTERED_HERE: weakref.WeakKeyDictionary[Gate, set[str]] = weakref.WeakKeyDictionary()


def _register_newest(gate: Gate, name: str, fn: Callable[..., Any]) -> None:
    """Register ``fn`` as ``name``. A tool an earlier node registered under that name is replaced — a graph built
    per request makes new closures each time, and the newest must run — but a tool the application registered
    itself (``@gate.tool``) is never silently replaced."""
    ours = _REGISTERED_HERE.setdefault(gate, set())
    if name in gate.tools() and name not in ours:
        raise UsageError(f"another tool named {name!r} is already registered with this gate (with @gate.tool)")
    gate._tools.pop(name, None)
    gate.tool(fn, name=name)
    ours.add(name)


def _adapter(tool: BaseTool) -> Callable[..., Any]:
    """A function the gate can register for a LangChain tool: its signature comes from the tool's schema, so the
    gate checks the model's (and a reviewer's) arguments before anything is recorded or run."""
    schema = _schema_of(tool)
    required = set(schema.get("required", ()))
    parameters = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if name in required else None,
        )
        for name in schema.get("properties", {})
    ]

    def run(**kwargs: Any) -> Any:
        return tool.invoke(kwargs)

    run.__name__ = tool.name
    run.__doc__ = tool.description
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    setattr(run, _LANGCHAIN_TOOL, tool)
    return run


def _schema_of(tool: BaseTool) -> dict[str, Any]:
    """The JSON schema of the arguments the model supplies (injected ones left out), as LangChain sends it."""
    parameters: dict[str, Any] = convert_to_openai_tool(tool)["function"].get("parameters", {})
    return parameters


__all__ = ["DECISIONS", "DEFAULT_REVIEWER", "GatedToolNode", "ToolLike"]

"""LangGraph: gate the tools a graph calls, and pause the graph while a human decides.

``GatedToolNode`` is LangGraph's ``ToolNode`` with every call going through a Tether ``Gate``: it is a ``ToolNode``
(so ``create_react_agent(model, GatedToolNode(...))`` and hand-built graphs take it), and LangGraph still runs the
tools — injected arguments, ``ToolRuntime``, ``Command`` results, artifacts, ``handle_tool_errors``, parallel
calls. Before any call of the AI message runs, the calls the policy holds pause the graph with ``interrupt()`` and
a payload in the shape of LangChain's ``HumanInTheLoopMiddleware``::

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

Then every call runs as the policy and the decisions say. LangGraph re-runs an interrupted node from its start;
the node finds its earlier actions again because each call's ``call_id`` is derived from the thread id and the
tool call id, and submitting the same call again returns the same action: a tool that already ran is never run
again, and an approved one runs exactly once, whichever process resumes the thread.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from tether.integrations import require

require("langgraph.types", "langgraph")

from langchain_core.messages import AIMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langchain_core.tools import BaseTool, StructuredTool  # noqa: E402
from langchain_core.utils.function_calling import convert_to_openai_tool  # noqa: E402
from langgraph.prebuilt import ToolNode  # noqa: E402
from langgraph.prebuilt.tool_node import _default_handle_tool_errors  # noqa: E402

from tether.agent._gate import Gate  # noqa: E402
from tether.errors import UsageError  # noqa: E402
from tether.integrations._gating import Gating, last_ai  # noqa: E402
from tether.integrations._hitl import DECISIONS, DEFAULT_REVIEWER, Confidence, Held, Review, thread_id  # noqa: E402

_LANGCHAIN_TOOL = "_tether_langchain_tool"

ToolLike = BaseTool | Callable[..., Any] | str
"""What ``GatedToolNode`` accepts as a tool: a LangChain tool, a plain function, a ``@gate.tool`` function, or the
name of a tool registered with the gate."""


class GatedToolNode(ToolNode):
    """LangGraph's ``ToolNode``, with every tool call of the last AI message gated by Tether.

    ``agent`` is who the calls are recorded as (one lane per agent and tool). ``confidence`` reads the agent's
    self-reported confidence for a call (the call and the AI message) so the policy's thresholds apply. The graph
    must be compiled with a checkpointer and invoked with a ``thread_id``: both are what let a held call pause the
    graph and a later resume, from any process, find the same Tether action. The tools are also registered with
    the gate, so ``gate.start_worker()`` can run the deferred ones (override tools without a compensator).
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
        handle_tool_errors: Any = _default_handle_tool_errors,
        name: str = "tools",
    ) -> None:
        converted = [_langchain_tool(gate, tool) for tool in tools]
        if not converted:
            raise UsageError("GatedToolNode needs at least one tool")
        schemas = {tool.name: _schema_of(tool) for tool in converted}
        review = Review(gate, reviewer=reviewer, description_prefix=description_prefix, schemas=schemas)
        gating = Gating(gate, agent=agent, review=review, who="GatedToolNode", key="langgraph", confidence=confidence)
        super().__init__(
            converted,
            name=name,
            handle_tool_errors=handle_tool_errors,
            messages_key=messages_key,
            wrap_tool_call=gating.wrap_tool_call,
            awrap_tool_call=gating.awrap_tool_call,
        )
        self.gate = gate
        self.agent = agent
        self.reviewer = reviewer
        self.gating = gating

    @property
    def tool_names(self) -> list[str]:
        return list(self.tools_by_name)

    def __repr__(self) -> str:
        return f"GatedToolNode(agent={self.agent!r}, tools={self.tool_names!r})"

    def __call__(self, state: Any, config: RunnableConfig) -> Any:
        """Run as a function inside another node: ``return node(state, config)``."""
        thread_id(config, "GatedToolNode")  # before LangGraph's own complaint about a missing runtime
        return self.invoke(state, config)

    def _func(self, input: Any, config: RunnableConfig, runtime: Any) -> Any:
        held = self._admit_held(input, config)
        if held:
            auto = self._others(input, held)
            if auto:  # the calls nobody needs to wait for run at once; a re-run after the pause finds them done
                super()._func(auto, config, runtime)
            self.gating.settle(held)
        return super()._func(input, config, runtime)

    async def _afunc(self, input: Any, config: RunnableConfig, runtime: Any) -> Any:
        held = self._admit_held(input, config)
        if held:
            auto = self._others(input, held)
            if auto:
                await super()._afunc(auto, config, runtime)
            self.gating.settle(held)  # the interrupt must be raised here, in the node's own context
        return await super()._afunc(input, config, runtime)

    def _admit_held(self, input: Any, config: RunnableConfig) -> list[Held]:
        calls, kind = self._parse_input(input)
        ai = last_ai(input if not isinstance(input, list) else {"messages": input}) if kind != "tool_calls" else None
        known = [call for call in calls if call.get("name") in self.tools_by_name]  # others: ToolNode's error
        return self.gating.admit_held(ai or AIMessage(content="", tool_calls=known), config, only=known)

    def _others(self, input: Any, held: list[Held]) -> list[Any]:
        """The calls of the input that are not held, as ToolNode's list-of-tool-calls input."""
        ids = {slot.tool_call_id for slot in held}
        calls, _ = self._parse_input(input)
        return [{**call, "type": "tool_call"} for call in calls if str(call.get("id")) not in ids]


# -- tools -------------------------------------------------------------------------------------------------------


def _langchain_tool(gate: Gate, tool: ToolLike) -> BaseTool:
    """The LangChain tool the node runs, registered with the gate too (for its background worker)."""
    registered = gate.tools()
    if isinstance(tool, BaseTool):
        entry = registered.get(tool.name)
        if entry is None or getattr(entry.fn, _LANGCHAIN_TOOL, None) is not tool:
            _register_newest(gate, tool.name, _adapter(tool))
        return tool
    if isinstance(tool, str):
        if tool not in registered:
            raise UsageError(f"tool {tool!r} is not registered with this gate; pass the function or LangChain tool")
        return _from_function(registered[tool].fn, tool)
    if callable(tool):
        for name, entry in registered.items():  # a @gate.tool function (or its undecorated original)
            if entry.fn is tool or getattr(tool, "__wrapped__", None) is entry.fn:
                return _from_function(entry.fn, name)
        name = getattr(tool, "__name__", "")
        if not name or name == "<lambda>":
            raise UsageError("pass named functions (or LangChain tools) to GatedToolNode, not lambdas")
        _register_newest(gate, name, tool)
        return _from_function(tool, name)
    raise UsageError(f"GatedToolNode takes LangChain tools, functions or registered tool names, got {tool!r}")


def _from_function(fn: Callable[..., Any], name: str) -> BaseTool:
    if inspect.iscoroutinefunction(fn):
        return StructuredTool.from_function(coroutine=fn, name=name, description=fn.__doc__ or name)
    return StructuredTool.from_function(fn, name=name, description=fn.__doc__ or name)


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

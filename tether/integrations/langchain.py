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

from collections.abc import Awaitable, Callable
from typing import Any

from tether.integrations import require

require("langchain.agents.middleware", "langchain")

from langchain.agents.middleware import AgentMiddleware  # noqa: E402
from langchain_core.messages import ToolMessage  # noqa: E402
from langgraph.config import get_config  # noqa: E402
from langgraph.prebuilt.tool_node import ToolCallRequest  # noqa: E402
from langgraph.types import Command  # noqa: E402

from tether.agent._gate import Gate  # noqa: E402
from tether.integrations._gating import Gating, last_ai  # noqa: E402
from tether.integrations._hitl import DEFAULT_REVIEWER, EDIT_NOTICE, Confidence, Review  # noqa: E402


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
        self._tool_names: set[str] | None = None  # the agent's tools, once a model call has shown them
        review = Review(gate, reviewer=reviewer, description_prefix=description_prefix, schemas={})
        self.gating = Gating(
            gate,
            agent=agent,
            review=review,
            who="TetherMiddleware",
            key="langchain",
            confidence=confidence,
            edit_notice=edit_notice,
        )

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        self._saw_tools(request)
        return handler(request)

    async def awrap_model_call(self, request: Any, handler: Callable[[Any], Awaitable[Any]]) -> Any:
        self._saw_tools(request)
        return await handler(request)

    def _saw_tools(self, request: Any) -> None:
        """Note the tools the model was offered: a call to any other is LangChain's to refuse, not one to hold."""
        names = {getattr(t, "name", None) or (t.get("name") if isinstance(t, dict) else None) for t in request.tools}
        self._tool_names = {name for name in names if name}

    def after_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        """Pause for the calls the policy holds; the ones decided against are answered here, so they never run."""
        ai = last_ai(state)
        only = None
        if ai is not None and self._tool_names is not None:
            only = [call for call in ai.tool_calls if call.get("name") in self._tool_names]
        answers = self.gating.hold(ai, get_config(), only=only)
        return {"messages": answers} if answers else None

    async def aafter_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self.after_model(state, runtime)

    def wrap_tool_call(
        self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], ToolMessage | Command[Any]]
    ) -> ToolMessage | Command[Any]:
        return self.gating.wrap_tool_call(request, handler)

    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]],
    ) -> ToolMessage | Command[Any]:
        return await self.gating.awrap_tool_call(request, handler)


__all__ = ["EDIT_NOTICE", "TetherMiddleware"]

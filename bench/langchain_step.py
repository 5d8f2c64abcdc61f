"""What Tether adds to a LangGraph tool step and to a LangChain ``create_agent`` turn, for a call that runs at once.

Anchors: LangGraph's plain ``ToolNode`` (a one-node graph answering one tool call), and ``create_agent`` with
LangChain's own ``HumanInTheLoopMiddleware`` (its ``interrupt_on`` naming another tool, so the call runs).
Against them: ``GatedToolNode`` and ``TetherMiddleware`` over the memory store and over SQLite with
``synchronous=FULL`` (two fsynced commits per call: the claim, then the result). Every invocation uses a new tool
call id, so each is a new Tether action that really runs. Each subject is timed alternately with its anchor
(medians of single invocations after a warm-up), so the ratio compares like with like on a machine whose speed
drifts.
"""

from __future__ import annotations

import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from tether import Gate, Policy
from tether.integrations.langchain import TetherMiddleware
from tether.integrations.langgraph import GatedToolNode

POLICY = {"tools": {"lookup": {"risk": "low", "reversible": "yes"}, "refund": {"risk": "critical", "reversible": "no"}}}
RUNS, WARMUP = 300, 30


@tool
def lookup(order: str) -> str:
    """Look an order up."""
    return f"order {order}: paid"


class _Model(GenericFakeChatModel):
    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self


def _graph(node: Any) -> Any:
    builder = StateGraph(MessagesState)
    builder.add_node("tools", node)
    builder.add_edge(START, "tools")
    return builder.compile()


def _step(graph: Any) -> Callable[[], object]:
    ids = itertools.count()

    def once() -> object:
        call = {"name": "lookup", "args": {"order": "A-1"}, "id": f"c{next(ids)}"}
        state = {"messages": [AIMessage(content="", tool_calls=[call])]}
        return graph.invoke(state, {"configurable": {"thread_id": "bench"}})

    return once


def _agent(middleware: Any) -> Callable[[], object]:
    ids = itertools.count()

    def turns() -> Any:
        while True:
            call = {"name": "lookup", "args": {"order": "A-1"}, "id": f"c{next(ids)}"}
            yield AIMessage(content="", tool_calls=[call])
            yield AIMessage(content="done")

    agent = create_agent(_Model(messages=turns()), [lookup], middleware=[middleware])

    def once() -> object:
        return agent.invoke({"messages": [HumanMessage("look A-1 up")]}, {"configurable": {"thread_id": "bench"}})

    return once


def interleaved(anchor: Callable[[], object], subject: Callable[[], object]) -> tuple[float, float]:
    """Median ns of ``anchor`` and of ``subject``, timed alternately, so that a machine that slows down or speeds
    up during the run (a shared two-core box does) moves both figures alike and the ratio stays honest."""
    for _ in range(WARMUP):
        anchor()
        subject()
    times: tuple[list[int], list[int]] = ([], [])
    for _ in range(RUNS):
        for fn, samples in ((anchor, times[0]), (subject, times[1])):
            start = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def run() -> list[tuple[str, float, float]]:
    """(what, its median ns, its anchor's median ns in the same interleaved run) rows."""
    tool_node = _step(_graph(ToolNode([lookup])))
    hitl = _agent(HumanInTheLoopMiddleware(interrupt_on={"refund": True}))
    rows: list[tuple[str, float, float]] = []
    memory = Gate(Policy.from_dict(POLICY), "memory://")
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        sqlite = Gate(Policy.from_dict(POLICY), f"sqlite:///{tmp}/langchain.db")
        for store, gate in (("memory store", memory), ("SQLite synchronous=FULL", sqlite)):
            anchor, ns = interleaved(tool_node, _step(_graph(GatedToolNode(gate, [lookup], agent="bot"))))
            rows.append((f"GatedToolNode step, {store} (vs ToolNode)", ns, anchor))
            anchor, ns = interleaved(hitl, _agent(TetherMiddleware(gate, agent="bot")))
            rows.append((f"create_agent turn + TetherMiddleware, {store} (vs HumanInTheLoopMiddleware)", ns, anchor))
        sqlite.close()
    memory.close()
    return rows


def table(rows: list[tuple[str, float, float]]) -> str:
    lines = ["\n| LangGraph / LangChain, one auto call | median | its anchor | ratio |", "|---|---:|---:|---:|"]
    for name, ns, anchor in rows:
        lines.append(f"| {name} | {ns / 1000:.0f} µs | {anchor / 1000:.0f} µs | {ns / anchor:.2f}× |")
    return "\n".join(lines)

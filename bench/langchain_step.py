"""What Tether adds to a LangGraph tool step and to a LangChain ``create_agent`` turn, for a call that runs at once.

Anchors measured in the same run: LangGraph's plain ``ToolNode`` (a one-node graph answering one tool call), and
``create_agent`` with LangChain's own ``HumanInTheLoopMiddleware`` (its ``interrupt_on`` naming another tool, so the
call runs). Against them: ``GatedToolNode`` and ``TetherMiddleware`` over the memory store and over SQLite with
``synchronous=FULL`` (two fsynced commits per call: the claim, then the result). Every invocation uses a new tool
call id, so each is a new Tether action that really runs. Medians of single invocations after a warm-up.
"""

from __future__ import annotations

import itertools
import tempfile
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


def run(median_ns: Callable[..., float]) -> list[tuple[str, float]]:
    """(what, median ns) rows: the anchors first."""
    rows = [
        (
            "ToolNode step (LangGraph, the anchor)",
            median_ns(_step(_graph(ToolNode([lookup]))), runs=RUNS, warmup=WARMUP),
        )
    ]
    memory = Gate(Policy.from_dict(POLICY), "memory://")
    rows.append(
        (
            "GatedToolNode step, memory store",
            median_ns(_step(_graph(GatedToolNode(memory, [lookup], agent="bot"))), runs=RUNS, warmup=WARMUP),
        )
    )
    hitl = HumanInTheLoopMiddleware(interrupt_on={"refund": True})
    rows.append(
        ("create_agent turn + HumanInTheLoopMiddleware (the anchor)", median_ns(_agent(hitl), runs=RUNS, warmup=WARMUP))
    )
    rows.append(
        (
            "create_agent turn + TetherMiddleware, memory store",
            median_ns(_agent(TetherMiddleware(memory, agent="bot")), runs=RUNS, warmup=WARMUP),
        )
    )
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        sqlite = Gate(Policy.from_dict(POLICY), f"sqlite:///{tmp}/langchain.db")
        rows.append(
            (
                "GatedToolNode step, SQLite synchronous=FULL",
                median_ns(_step(_graph(GatedToolNode(sqlite, [lookup], agent="bot"))), runs=RUNS, warmup=WARMUP),
            )
        )
        rows.append(
            (
                "create_agent turn + TetherMiddleware, SQLite synchronous=FULL",
                median_ns(_agent(TetherMiddleware(sqlite, agent="bot")), runs=RUNS, warmup=WARMUP),
            )
        )
        sqlite.close()
    memory.close()
    return rows


def table(rows: list[tuple[str, float]]) -> str:
    tool_node = rows[0][1]
    hitl = next(ns for name, ns in rows if "HumanInTheLoop" in name)
    lines = ["\n| LangGraph / LangChain, one auto call | median | vs its anchor |", "|---|---:|---:|"]
    for name, ns in rows:
        anchor = hitl if "create_agent" in name else tool_node
        lines.append(f"| {name} | {ns / 1000:.0f} µs | {ns / anchor:.2f}× |")
    return "\n".join(lines)

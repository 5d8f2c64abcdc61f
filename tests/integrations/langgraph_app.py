"""A small LangGraph agent for the LangGraph integration tests, and a script that resumes it in a new process.

The model is scripted (no LLM): the user's message is a JSON list of tool calls; the model asks for exactly those,
then answers with the tool results. The tools write every effect to an fsynced ledger file, so a test can count
effects across processes.

    python langgraph_app.py DIR THREAD RESUME_JSON [--crash-after-tools]

rebuilds the graph from DIR's checkpoint database and Tether database and resumes THREAD with
``Command(resume=RESUME_JSON)`` (``null``: re-invoke the thread with ``None``), then prints the final messages as
JSON. With ``--crash-after-tools`` the process dies (``os._exit``) right after the tool node has run but before
LangGraph has checkpointed its result, as if it had been killed there.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import tools_condition
from langgraph.types import Command

from tether import Gate, Policy
from tether.integrations.langgraph import GatedToolNode

AGENT = "support-bot"
POLICY = {
    "tools": {
        "lookup_order": {"risk": "low", "reversible": "yes"},  # auto
        "refund": {"risk": "critical", "reversible": "no"},  # approve
        "transfer": {"risk": "critical", "reversible": "no", "quorum": 2},  # approve, two reviewers
    }
}


def effect(ledger: Path, line: str) -> None:
    with ledger.open("a") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


def effects(ledger: Path) -> list[str]:
    return ledger.read_text().splitlines() if ledger.exists() else []


def scripted_model(state: MessagesState) -> dict[str, list[AnyMessage]]:
    """A stand-in for an LLM: asks for the tool calls the user's message lists, then reports what they returned."""
    last = state["messages"][-1]
    if isinstance(last, HumanMessage):
        calls = json.loads(str(last.content))
        return {"messages": [AIMessage(content="Working on it.", tool_calls=calls)]}
    results = [m.content for m in state["messages"] if isinstance(m, ToolMessage)]
    return {"messages": [AIMessage(content="final: " + " | ".join(str(r) for r in results))]}


@dataclass
class App:
    gate: Gate
    graph: CompiledStateGraph[Any, Any, Any, Any]
    conn: sqlite3.Connection
    ledger: Path
    tool_runs: list[int] = field(default_factory=list)  # one entry per run of the tool node (re-runs included)

    def close(self) -> None:
        self.gate.close()
        self.conn.close()


def build(directory: Path, *, after_tools: Callable[[], None] | None = None) -> App:
    """The gate (a Tether SQLite store), the tools and the graph (LangGraph's SQLite checkpointer) in DIR."""
    ledger = directory / "ledger.txt"
    gate = Gate(Policy.from_dict(POLICY), f"sqlite:///{directory / 'tether.db'}")

    def lookup_order(order: str) -> str:  # a plain function: GatedToolNode registers it
        """Look an order up."""
        effect(ledger, f"lookup {order}")
        return f"order {order}: paid 50"

    @tool
    def refund(order: str, amount: float) -> str:  # a LangChain tool
        """Refund an order."""
        effect(ledger, f"refund {order} {amount}")
        return f"refunded {amount} on {order}"

    @gate.tool(risk="critical", reversible="no")  # registered with the gate by the app itself
    def transfer(account: str, amount: float) -> str:
        effect(ledger, f"transfer {account} {amount}")
        return f"sent {amount} to {account}"

    node = GatedToolNode(gate, [lookup_order, refund, transfer], agent=AGENT)
    conn = sqlite3.connect(str(directory / "checkpoints.db"), check_same_thread=False)
    app_runs: list[int] = []

    def tools(state: MessagesState, config: RunnableConfig) -> Any:
        app_runs.append(1)
        update = node(state, config)
        if after_tools is not None:
            after_tools()
        return update

    builder = StateGraph(MessagesState)
    builder.add_node("model", scripted_model)
    builder.add_node("tools", tools)
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition, {"tools": "tools", END: END})
    builder.add_edge("tools", "model")
    graph = builder.compile(checkpointer=SqliteSaver(conn))
    return App(gate=gate, graph=graph, conn=conn, ledger=ledger, tool_runs=app_runs)


def config(thread: str) -> RunnableConfig:
    return {"configurable": {"thread_id": thread}}


def ask(calls: list[dict[str, Any]]) -> dict[str, list[AnyMessage]]:
    """The user's message: the tool calls the scripted model will make."""
    return {"messages": [HumanMessage(content=json.dumps(calls))]}


def main(argv: list[str]) -> None:
    directory, thread, resume = Path(argv[0]), argv[1], json.loads(argv[2])
    crash = "--crash-after-tools" in argv[3:]

    def die() -> None:
        sys.stdout.flush()
        os._exit(17)

    app = build(directory, after_tools=die if crash else None)
    command: Command[Any] | None = None if resume is None else Command(resume=resume)
    result = app.graph.invoke(command, config(thread))
    out = {
        "messages": [m.content for m in result["messages"]],
        "interrupted": bool(result.get("__interrupt__")),
        "tool_runs": len(app.tool_runs),
    }
    print(json.dumps(out))
    app.close()


if __name__ == "__main__":
    main(sys.argv[1:])

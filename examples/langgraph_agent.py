"""A LangGraph agent whose tools go through Tether: `python examples/langgraph_agent.py` in an empty directory.

Needs `pip install "tether[langgraph]" langgraph-checkpoint-sqlite`. No LLM and no API key: the model node is
SCRIPTED (see `scripted_model`); swap in a real chat model with `.bind_tools(TOOLS)` and nothing else changes.

1. The agent looks an order up (low risk: runs at once) and refunds it (critical: held for a human). The graph
   pauses with a HumanInTheLoopMiddleware-shaped interrupt; we resume it with `Command(resume=...)`.
2. A second refund is decided in Tether instead (as the dashboard or `tether respond ID ...` would); re-invoking
   the thread picks the decision up. Either way a held tool runs at most once, in whichever process resumes.
"""

import sqlite3
import uuid

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import tools_condition
from langgraph.types import Command

from tether import Gate, Policy, Respond
from tether.integrations.langgraph import GatedToolNode

# The policy: usually a tether.toml (`tether init`); inline here to keep the example in one file.
policy = Policy.from_dict(
    {
        "tools": {
            "lookup_order": {"risk": "low", "reversible": "yes"},  # → auto
            "refund": {"risk": "critical", "reversible": "no"},  # → approve: a human decides
        }
    }
)
gate = Gate(policy, "sqlite:///tether.db")


@tool
def lookup_order(order: str) -> str:
    """Look up an order."""
    return f"order {order}: paid 25.0 on 2026-11-02"


@tool
def refund(order: str, amount: float) -> str:
    """Refund an order."""
    return f"refunded {amount} on order {order}"


TOOLS = [lookup_order, refund]


def scripted_model(state: MessagesState) -> dict[str, list[AIMessage]]:
    """SCRIPTED stand-in for a chat model: it reads the order from the user's message, calls both tools, then
    reports what came back. With a real model: `return {"messages": [llm.bind_tools(TOOLS).invoke(messages)]}`."""
    messages = state["messages"]
    last = messages[-1]
    if isinstance(last, HumanMessage):
        order = str(last.content).split()[-1]
        calls = [
            {"name": "lookup_order", "args": {"order": order}, "id": f"call_lookup_{order}"},
            {"name": "refund", "args": {"order": order, "amount": 25.0}, "id": f"call_refund_{order}"},
        ]
        return {"messages": [AIMessage(content=f"The customer wants a refund for {order}.", tool_calls=calls)]}
    results = [str(m.content) for m in messages if isinstance(m, ToolMessage)]
    return {"messages": [AIMessage(content="Done. " + " / ".join(results[-2:]))]}


builder = StateGraph(MessagesState)
builder.add_node("model", scripted_model)
builder.add_node("tools", GatedToolNode(gate, TOOLS, agent="support-bot"))  # instead of ToolNode(TOOLS)
builder.add_edge(START, "model")
builder.add_conditional_edges("model", tools_condition)
builder.add_edge("tools", "model")
# A durable checkpointer: the paused thread survives this process, so any process can resume it.
graph = builder.compile(checkpointer=SqliteSaver(sqlite3.connect("checkpoints.db", check_same_thread=False)))

# 1. Pause, then resume with the reviewer's decision.
config: RunnableConfig = {"configurable": {"thread_id": f"refund-{uuid.uuid4().hex[:8]}"}}
result = graph.invoke({"messages": [HumanMessage("Please refund order A-1")]}, config)
request = result["__interrupt__"][0].value  # {"action_requests": [...], "review_configs": [...]}
action, review = request["action_requests"][0], request["review_configs"][0]
print(f"paused: {action['name']} needs a human ({', '.join(review['allowed_decisions'])})")
print(f"  args {action['args']}, Tether action {action['action_id']}")
result = graph.invoke(Command(resume={"decisions": [{"type": "approve"}], "by": "alice"}), config)
print(result["messages"][-1].content)

# 2. Pause, decide in Tether (the dashboard, or `tether respond ID --by bob -m ...`), then re-invoke the thread.
config = {"configurable": {"thread_id": f"refund-{uuid.uuid4().hex[:8]}"}}
result = graph.invoke({"messages": [HumanMessage("Please refund order B-7")]}, config)
held = result["__interrupt__"][0].value["action_requests"][0]["action_id"]
gate.decide(held, Respond(by="bob", message="B-7 was refunded by bank transfer already; tell the customer."))
result = graph.invoke(None, config)  # or Command(resume=...) with anything: the decision recorded in Tether wins
print(result["messages"][-1].content)

print(gate.plane.verify())

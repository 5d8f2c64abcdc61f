"""``TetherMiddleware`` in a real LangChain v1 ``create_agent`` agent, with a scripted chat model (no LLM).

The cases mirror LangChain's own ``HumanInTheLoopMiddleware`` ones — the pause's payload, approve, edit, reject,
respond, mixed decisions in one batch, a decision type the tool does not allow — and add what Tether promises:
each call runs at most once whatever is replayed, decisions made in Tether count, and LangChain's own tool
execution (injected tool call ids, ``ToolRuntime``) is kept.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from databases import sqlite_url
from langchain.agents import create_agent
from langchain.tools import ToolRuntime
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import InjectedToolCallId, tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from serving import LiveServer

import tether
from tether import Approve, Gate, Policy, Status
from tether.integrations.langchain import TetherMiddleware
from tether.model import Role
from tether.plane import ControlPlane
from tether.store import ActionFilter, open_store

POLICY = {
    "defaults": {"escalate_below": 0.8},
    "tools": {
        "search": {"risk": "low", "reversible": "yes"},  # auto
        "refund": {"risk": "critical", "reversible": "no"},  # held
        "wire": {"risk": "critical", "reversible": "no", "decisions": ["approve", "reject"]},  # held, two kinds
        "note_ticket": {"risk": "critical", "reversible": "no"},  # held; takes the tool call id
        "whoami": {"risk": "low", "reversible": "yes"},  # auto; takes the ToolRuntime
    },
}

RAN: list[tuple[str, Any]] = []


@tool
def search(query: str) -> str:
    """Search the knowledge base."""
    RAN.append(("search", query))
    return f"results for {query}"


@tool
def refund(order: str, amount: float) -> str:
    """Refund an order."""
    RAN.append(("refund", (order, amount)))
    return f"refunded {amount} on {order}"


@tool
def wire(account: str) -> str:
    """Wire money."""
    RAN.append(("wire", account))
    return f"wired to {account}"


@tool
def note_ticket(text: str, tool_call_id: Annotated[str, InjectedToolCallId]) -> str:
    """Add a note to the ticket."""
    RAN.append(("note_ticket", tool_call_id))
    return f"noted {text!r} as {tool_call_id}"


@tool
def whoami(runtime: ToolRuntime) -> str:
    """Say which thread this is."""
    thread = runtime.config["configurable"]["thread_id"]
    RAN.append(("whoami", thread))
    return f"thread {thread}"


TOOLS = [search, refund, wire, note_ticket, whoami]


class ScriptedModel(GenericFakeChatModel):
    """A chat model that answers from a script; ``bind_tools`` keeps the script (the tools are the agent's)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self


def calls(*items: tuple[str, dict[str, Any]]) -> AIMessage:
    return AIMessage(
        content="working on it",
        tool_calls=[{"name": name, "args": args, "id": f"call_{i}_{name}"} for i, (name, args) in enumerate(items)],
    )


@pytest.fixture
def gate() -> Iterator[Gate]:
    RAN.clear()
    local = Gate(Policy.from_dict(POLICY))
    yield local
    local.close()


def agent(gate: Gate, *turns: AIMessage, **options: Any) -> Any:
    model = ScriptedModel(messages=itertools.chain(turns, itertools.repeat(AIMessage(content="done"))))
    middleware = TetherMiddleware(gate, agent="support-bot", **options)
    return create_agent(model, TOOLS, middleware=[middleware], checkpointer=InMemorySaver())


def config(thread: str = "t-1") -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def paused(result: dict[str, Any]) -> dict[str, Any]:
    (pause,) = result["__interrupt__"]
    value: dict[str, Any] = pause.value
    return value


def tool_messages(result: dict[str, Any]) -> dict[str, ToolMessage]:
    return {m.tool_call_id: m for m in result["messages"] if isinstance(m, ToolMessage)}


def test_auto_calls_run_and_held_ones_pause_with_the_hitl_payload_then_run_once(gate: Gate) -> None:
    app = agent(gate, calls(("search", {"query": "refund policy"}), ("refund", {"order": "A-1", "amount": 20})))
    first = app.invoke({"messages": [HumanMessage("refund A-1")]}, config())
    value = paused(first)
    assert set(value) == {"action_requests", "review_configs"}
    (request,) = value["action_requests"]
    assert (request["name"], request["args"]) == ("refund", {"order": "A-1", "amount": 20})
    assert gate.get(request["action_id"]).status is Status.PENDING  # in Tether's inbox while the agent waits
    assert value["review_configs"] == [
        {"action_name": "refund", "allowed_decisions": ["approve", "edit", "reject", "respond"]}
    ]
    assert RAN == []  # as with HITL, nothing of this turn runs before the decision

    done = app.invoke(Command(resume={"decisions": [{"type": "approve"}]}), config())
    assert sorted(RAN) == [("refund", ("A-1", 20.0)), ("search", "refund policy")]
    answers = tool_messages(done)
    assert answers["call_1_refund"].content == "refunded 20.0 on A-1"
    assert answers["call_0_search"].content == "results for refund policy"
    assert done["messages"][-1].content == "done"
    assert gate.get(request["action_id"]).status is Status.EXECUTED

    # Resume again from the checkpoint where the agent paused: LangGraph re-runs the nodes; nothing runs twice.
    before_resume = next(s for s in app.get_state_history(config()) if s.interrupts)
    replayed = app.invoke(Command(resume={"decisions": [{"type": "approve"}]}), before_resume.config)
    assert sorted(RAN) == [("refund", ("A-1", 20.0)), ("search", "refund policy")]
    assert tool_messages(replayed)["call_1_refund"].content == "refunded 20.0 on A-1"  # told from the record


def test_respond_answers_for_the_tool_without_running_it(gate: Gate) -> None:
    app = agent(gate, calls(("refund", {"order": "A-2", "amount": 5})))
    app.invoke({"messages": [HumanMessage("refund A-2")]}, config())
    done = app.invoke(
        Command(resume={"decisions": [{"type": "respond", "message": "Refunds over the phone only."}]}), config()
    )
    answer = tool_messages(done)["call_0_refund"]
    assert (answer.content, answer.status) == ("Refunds over the phone only.", "success")
    assert RAN == []


def test_mixed_decisions_in_one_batch_each_reach_their_call(gate: Gate) -> None:
    app = agent(
        gate,
        calls(
            ("refund", {"order": "A-1", "amount": 1}),
            ("refund", {"order": "B-2", "amount": 2}),
            ("refund", {"order": "C-3", "amount": 3}),
            ("refund", {"order": "D-4", "amount": 4}),
        ),
    )
    value = paused(app.invoke({"messages": [HumanMessage("refund all")]}, config()))
    assert [r["args"]["order"] for r in value["action_requests"]] == ["A-1", "B-2", "C-3", "D-4"]
    decisions = [
        {"type": "approve"},
        {"type": "reject", "message": "B-2 was refunded already"},
        {"type": "respond", "message": "C-3 needs a manager"},
        {"type": "edit", "edited_action": {"name": "refund", "args": {"order": "D-4", "amount": 0.5}}},
    ]
    done = app.invoke(Command(resume={"decisions": decisions}), config())
    answers = tool_messages(done)
    assert sorted(RAN) == [("refund", ("A-1", 1.0)), ("refund", ("D-4", 0.5))]
    assert answers["call_0_refund"].content == "refunded 1.0 on A-1"
    assert answers["call_1_refund"].status == "error"
    assert "B-2 was refunded already" in str(answers["call_1_refund"].content)
    assert (answers["call_2_refund"].content, answers["call_2_refund"].status) == ("C-3 needs a manager", "success")
    edited = str(answers["call_3_refund"].content)
    assert edited.startswith("Note: a human reviewer (langgraph-resume) replaced this tool call before it ran.")
    assert 'Executed instead: refund with arguments {"amount": 0.5, "order": "D-4"}.' in edited
    assert edited.endswith("refunded 0.5 on D-4")


def test_a_decision_type_the_tool_does_not_allow_is_explained_and_nothing_runs(gate: Gate) -> None:
    app = agent(gate, calls(("wire", {"account": "ACC-9"})))
    value = paused(app.invoke({"messages": [HumanMessage("wire it")]}, config()))
    assert value["review_configs"][0]["allowed_decisions"] == ["approve", "reject"]
    edit = {"type": "edit", "edited_action": {"name": "wire", "args": {"account": "ACC-1"}}}
    again = paused(app.invoke(Command(resume={"decisions": [edit]}), config()))
    assert "decision type 'edit' is not allowed for tool 'wire'" in again["action_requests"][0]["description"]
    assert RAN == []
    app.invoke(Command(resume={"decisions": [{"type": "approve"}]}), config())
    assert RAN == [("wire", "ACC-9")]


def test_injected_tool_call_ids_and_the_tool_runtime_still_reach_the_tools(gate: Gate) -> None:
    app = agent(gate, calls(("note_ticket", {"text": "called back"}), ("whoami", {})))
    paused(app.invoke({"messages": [HumanMessage("note it")]}, config("t-runtime")))
    done = app.invoke(Command(resume={"decisions": [{"type": "approve"}]}), config("t-runtime"))
    answers = tool_messages(done)
    assert answers["call_0_note_ticket"].content == "noted 'called back' as call_0_note_ticket"
    assert answers["call_1_whoami"].content == "thread t-runtime"


def test_a_decision_made_in_tether_resumes_the_agent(gate: Gate) -> None:
    app = agent(gate, calls(("refund", {"order": "A-5", "amount": 7})))
    action_id = paused(app.invoke({"messages": [HumanMessage("refund")]}, config()))["action_requests"][0]["action_id"]
    gate.decide(action_id, Approve(by="alice", note="checked"))  # as the dashboard or the CLI would
    app.invoke(Command(resume="decided in Tether"), config())
    assert RAN == [("refund", ("A-5", 7.0))]
    assert gate.get(action_id).decision == Approve(by="alice", note="checked")


def test_the_approval_gate_shape_resumes_a_single_held_call(gate: Gate) -> None:
    app = agent(gate, calls(("refund", {"order": "A-6", "amount": 3})))
    action_id = paused(app.invoke({"messages": [HumanMessage("refund")]}, config()))["action_requests"][0]["action_id"]
    app.invoke(Command(resume={"approved": True, "note": "Looks good"}), config())
    assert RAN == [("refund", ("A-6", 3.0))]
    assert gate.get(action_id).decision == Approve(by="langgraph-resume", note="Looks good")


def test_the_approval_gate_shape_never_approves_a_batch(gate: Gate) -> None:
    app = agent(gate, calls(("refund", {"order": "A-7", "amount": 1}), ("refund", {"order": "A-8", "amount": 1})))
    paused(app.invoke({"messages": [HumanMessage("refund both")]}, config()))
    again = paused(app.invoke(Command(resume={"approved": True, "note": "ok"}), config()))
    assert "answers a single held call; 2 are waiting" in again["action_requests"][0]["description"]
    assert RAN == []


def test_self_reported_confidence_reaches_the_policy(gate: Gate) -> None:
    def confidence(call: Any, message: AIMessage) -> float | None:
        return float(message.response_metadata.get("confidence", 1.0))

    unsure = calls(("search", {"query": "maybe"}))
    unsure.response_metadata = {"confidence": 0.3}
    app = agent(gate, unsure, confidence=confidence)
    value = paused(app.invoke({"messages": [HumanMessage("search")]}, config()))
    action = gate.get(value["action_requests"][0]["action_id"])
    assert action.call.confidence == 0.3
    assert any("confidence 0.3" in reason for reason in action.verdict.explain())
    assert RAN == []


def test_the_async_agent_gates_the_same_way(gate: Gate) -> None:
    app = agent(gate, calls(("search", {"query": "async"}), ("refund", {"order": "A-9", "amount": 2})))

    async def run() -> dict[str, Any]:
        paused(await app.ainvoke({"messages": [HumanMessage("refund")]}, config("t-async")))
        return dict(await app.ainvoke(Command(resume={"decisions": [{"type": "approve"}]}), config("t-async")))

    done = asyncio.run(run())
    assert sorted(RAN) == [("refund", ("A-9", 2.0)), ("search", "async")]
    assert tool_messages(done)["call_1_refund"].content == "refunded 2.0 on A-9"


def test_a_remote_agent_pauses_and_its_reviewer_decides_in_tether(tmp_path: Any) -> None:
    """Over tether.connect the agent's token may not approve its own calls: the decision is made in Tether."""
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "remote.db")))
    server = LiveServer(plane, sweep_interval=0)
    remote = tether.connect(server.url, server.token("support-bot", Role.AGENT))
    RAN.clear()
    try:
        app = agent(remote, calls(("search", {"query": "q"}), ("refund", {"order": "R-1", "amount": 4})))
        value = paused(app.invoke({"messages": [HumanMessage("refund R-1")]}, config("t-remote")))
        action_id = value["action_requests"][0]["action_id"]
        again = paused(app.invoke(Command(resume={"decisions": [{"type": "approve"}]}), config("t-remote")))
        assert "decide in Tether's dashboard or CLI instead" in again["action_requests"][0]["description"]
        assert RAN == []
        plane.decide(action_id, Approve(by="alice"))  # the reviewer, in Tether
        done = app.invoke(Command(resume="approved in Tether"), config("t-remote"))
        assert sorted(RAN) == [("refund", ("R-1", 4.0)), ("search", "q")]
        assert tool_messages(done)["call_1_refund"].content == "refunded 4.0 on R-1"
    finally:
        remote.close()
        server.stop()
        plane.store.close()


def test_without_langchain_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """As installed without the extra: every ``langchain`` import fails as if the package were absent."""
    for name in list(sys.modules):
        if name == "langchain" or name.startswith("langchain.") or name == "tether.integrations.langchain":
            monkeypatch.delitem(sys.modules, name)

    class NoLangchain:
        @staticmethod
        def find_spec(name: str, *args: Any) -> None:
            if name == "langchain" or name.startswith("langchain."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(sys, "meta_path", [NoLangchain(), *sys.meta_path])
    with pytest.raises(ImportError, match=r"^this integration needs langchain: pip install 'tether\[langchain\]'"):
        importlib.import_module("tether.integrations.langchain")


def test_a_call_to_a_tool_the_agent_does_not_have_is_refused_by_langchain_not_held(gate: Gate) -> None:
    app = agent(gate, calls(("launch_rockets", {"count": 3}), ("search", {"query": "q"})))
    done = app.invoke({"messages": [HumanMessage("go")]}, config("t-unknown"))
    assert "__interrupt__" not in done
    answers = tool_messages(done)
    assert "launch_rockets is not a valid tool" in str(answers["call_0_launch_rockets"].content)
    assert answers["call_1_search"].content == "results for q"
    assert [a.call.tool for a in gate.plane.actions(ActionFilter())] == ["search"]

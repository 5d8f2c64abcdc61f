"""The LangGraph integration with a real compiled graph and LangGraph's SQLite checkpointer.

A held tool call pauses the graph with a HumanInTheLoopMiddleware-shaped interrupt; however the graph is resumed
(``Command(resume=...)``, a decision made in Tether first, another process, a process that dies mid-resume), the
tool runs exactly once even though LangGraph re-runs the interrupted node. The tools append to a ledger file, so
the tests count real effects.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import pytest
from cli_runner import tether
from langchain.tools import ToolRuntime
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import InjectedToolCallId, tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import Command

from tether import Approve, Gate, Policy, Reject, Status
from tether.errors import UsageError
from tether.integrations.langgraph import DECISIONS, GatedToolNode
from tether.plane import ControlPlane
from tether.store import ActionFilter, open_store

HERE = Path(__file__).parent
SCRIPT = HERE / "langgraph_app.py"
EXAMPLE = HERE.parent.parent / "examples" / "langgraph_agent.py"
DOCS = HERE.parent.parent / "docs" / "integrations" / "langgraph.md"


def _load_app() -> ModuleType:
    """The graph under test, loaded by path: the same file the subprocess tests run as a script."""
    spec = importlib.util.spec_from_file_location("tether_tests_langgraph_app", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


la = _load_app()

REFUND = {"name": "refund", "args": {"order": "A-1", "amount": 50}, "id": "call_refund"}
LOOKUP = {"name": "lookup_order", "args": {"order": "A-1"}, "id": "call_lookup"}
TRANSFER = {"name": "transfer", "args": {"account": "ACC-9", "amount": 500}, "id": "call_transfer"}
APPROVE = {"decisions": [{"type": "approve"}]}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    built = la.build(tmp_path)
    yield built
    built.close()


def tool_messages(result: dict[str, Any]) -> list[ToolMessage]:
    return [m for m in result["messages"] if isinstance(m, ToolMessage)]


def interrupt_value(result: dict[str, Any]) -> dict[str, Any]:
    interrupts = result.get("__interrupt__")
    assert interrupts, f"the graph did not pause: {result['messages'][-1].content!r}"
    assert len(interrupts) == 1
    value: dict[str, Any] = interrupts[0].value
    return value


def dashboard(tmp_path: Path) -> ControlPlane:
    """A reviewer's view of the same Tether database, as the dashboard or the CLI has it."""
    return ControlPlane(Policy.from_dict(la.POLICY), open_store(f"sqlite:///{tmp_path / 'tether.db'}"))


def resume_in_new_process(tmp_path: Path, thread: str, resume: Any, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), thread, json.dumps(resume), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- pausing ---------------------------------------------------------------------------------------------------


def test_auto_tools_pass_straight_through(app: Any) -> None:
    result = app.graph.invoke(la.ask([LOOKUP]), la.config("t-auto"))
    assert "__interrupt__" not in result
    (message,) = tool_messages(result)
    assert message.content == "order A-1: paid 50"
    assert message.status == "success"
    assert message.tool_call_id == "call_lookup"
    assert result["messages"][-1].content == "final: order A-1: paid 50"
    assert la.effects(app.ledger) == ["lookup A-1"]
    action = app.gate.get(message.artifact["tether_action_id"])
    assert action.status is Status.EXECUTED
    assert action.call.call_id == "langgraph:t-auto:call_lookup"
    assert action.call.thread == "t-auto"
    assert action.call.agent == la.AGENT
    assert action.call.reasoning == "Working on it."


def test_a_held_call_pauses_the_graph_with_a_human_in_the_loop_request(app: Any) -> None:
    result = app.graph.invoke(la.ask([REFUND]), la.config("t-pause"))
    value = interrupt_value(result)
    assert set(value) == {"action_requests", "review_configs"}
    (request,) = value["action_requests"]
    (review,) = value["review_configs"]
    assert request["name"] == "refund"
    assert request["args"] == {"order": "A-1", "amount": 50}
    assert isinstance(request["description"], str)
    assert "Tool: refund" in request["description"]
    assert review["action_name"] == "refund"
    assert review["allowed_decisions"] == ["approve", "edit", "reject", "respond"] == list(DECISIONS)
    assert review["args_schema"]["required"] == ["order", "amount"]  # a LangChain tool's schema, for an edit form
    action = app.gate.get(request["action_id"])
    assert action.status is Status.PENDING
    assert action.call.call_id == "langgraph:t-pause:call_refund"
    assert request["action_id"] in request["description"]
    assert app.graph.get_state(la.config("t-pause")).next == ("tools",)
    assert la.effects(app.ledger) == []
    assert [a.id for a in app.gate.pending()] == [action.id]


# -- resuming with Command(resume=...) -----------------------------------------------------------------------------


def test_resume_with_approve_runs_the_tool_exactly_once(app: Any) -> None:
    cfg = la.config("t-approve")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    result = app.graph.invoke(Command(resume=APPROVE), cfg)
    assert "__interrupt__" not in result
    assert len(app.tool_runs) == 2  # LangGraph re-ran the interrupted node...
    assert la.effects(app.ledger) == ["refund A-1 50.0"]  # ...and the tool ran once
    (message,) = tool_messages(result)
    assert message.content == "refunded 50.0 on A-1"
    assert message.status == "success"
    action = app.gate.get(action_id)
    assert action.status is Status.EXECUTED
    assert isinstance(action.decision, Approve)
    assert action.decision.by == "langgraph-resume"

    again = app.graph.invoke(Command(resume=APPROVE), cfg)  # the thread is done: nothing runs again
    assert "__interrupt__" not in again
    assert la.effects(app.ledger) == ["refund A-1 50.0"]


def test_edit_changes_the_arguments_that_run(app: Any) -> None:
    cfg = la.config("t-edit")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    edit = {"type": "edit", "edited_action": {"name": "refund", "args": {"order": "A-1", "amount": 20}}}
    result = app.graph.invoke(Command(resume={"decisions": [edit], "by": "carol"}), cfg)
    assert la.effects(app.ledger) == ["refund A-1 20.0"]
    told = str(tool_messages(result)[0].content)  # the model learns that a human changed its call, and how
    assert told.startswith("Note: a human reviewer (carol) replaced this tool call before it ran.")
    assert 'Executed instead: refund with arguments {"amount": 20, "order": "A-1"}.' in told
    assert told.endswith("Tool response:\nrefunded 20.0 on A-1")
    action = app.gate.get(action_id)
    assert action.run_args == {"order": "A-1", "amount": 20}
    assert action.call.args == {"order": "A-1", "amount": 50}  # what the model proposed stays on the record
    assert action.decision is not None
    assert action.decision.by == "carol"


@pytest.mark.parametrize(
    ("decision", "status", "kind", "text"),
    [
        ({"type": "reject", "message": "not without a receipt"}, "error", Status.REJECTED, "not without a receipt"),
        ({"type": "respond", "message": "offer store credit instead"}, "success", Status.RESPONDED, "store credit"),
    ],
)
def test_reject_and_respond_return_the_message_without_running(
    app: Any, decision: dict[str, Any], status: str, kind: Status, text: str
) -> None:
    cfg = la.config(f"t-{decision['type']}")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    result = app.graph.invoke(Command(resume={"decisions": [{**decision, "by": "dave"}]}), cfg)
    assert "__interrupt__" not in result
    assert la.effects(app.ledger) == []
    (message,) = tool_messages(result)
    assert text in str(message.content)
    assert message.status == status
    assert text in result["messages"][-1].content  # the model got the reviewer's words
    action = app.gate.get(action_id)
    assert action.status is kind
    assert action.decision is not None
    assert action.decision.by == "dave"


def test_several_held_calls_are_one_request_and_decided_in_order(app: Any) -> None:
    second = {"name": "refund", "args": {"order": "B-2", "amount": 5}, "id": "call_refund_2"}
    cfg = la.config("t-many")
    value = interrupt_value(app.graph.invoke(la.ask([LOOKUP, REFUND, second]), cfg))
    assert [r["args"]["order"] for r in value["action_requests"]] == ["A-1", "B-2"]
    assert la.effects(app.ledger) == ["lookup A-1"]  # the auto call ran at once
    decisions = [{"type": "reject", "message": "no"}, {"type": "approve"}]
    result = app.graph.invoke(Command(resume={"decisions": decisions}), cfg)
    assert la.effects(app.ledger) == ["lookup A-1", "refund B-2 5.0"]  # the auto call did not run again
    assert [m.tool_call_id for m in tool_messages(result)] == ["call_lookup", "call_refund", "call_refund_2"]
    assert [m.status for m in tool_messages(result)] == ["success", "error", "success"]


def test_a_bad_answer_asks_again_instead_of_failing_the_thread(app: Any) -> None:
    # LangGraph keeps a resume value even if the node then fails, and replays it on every later resume: a bad
    # answer must not raise, or the thread could never be resumed again.
    cfg = la.config("t-bad")
    app.graph.invoke(la.ask([REFUND]), cfg)
    for bad, says in [
        ({"decisions": []}, "0 decisions for 1"),
        ("yes please", "expected {"),
        ({"decisions": [{"type": "maybe"}]}, "unknown decision type 'maybe'"),
        ({"decisions": [{"type": "edit", "edited_action": {"name": "transfer", "args": {}}}]}, "not which tool"),
        ({"decisions": [{"type": "edit", "edited_action": {"name": "refund", "args": {"x": 1}}}]}, "do not fit"),
        ({"decisions": [{"type": "respond"}]}, 'needs a "message"'),
        ({"decisions": [{"type": "approve", "by": la.AGENT}]}, "may not decide it"),
    ]:
        value = interrupt_value(app.graph.invoke(Command(resume=bad), cfg))
        description = value["action_requests"][0]["description"]
        assert "The previous answer could not be applied" in description
        assert says in description
    assert app.gate.pending()  # still held
    result = app.graph.invoke(Command(resume=APPROVE), cfg)
    assert "__interrupt__" not in result
    assert la.effects(app.ledger) == ["refund A-1 50.0"]


def test_a_quorum_needs_distinct_reviewers_across_resumes(app: Any) -> None:
    cfg = la.config("t-quorum")
    value = interrupt_value(app.graph.invoke(la.ask([TRANSFER]), cfg))
    action_id = value["action_requests"][0]["action_id"]
    assert "Approvals: 0 of 2" in value["action_requests"][0]["description"]
    value = interrupt_value(app.graph.invoke(Command(resume={"decisions": [{"type": "approve", "by": "alice"}]}), cfg))
    assert "Approvals: 1 of 2" in value["action_requests"][0]["description"]
    value = interrupt_value(app.graph.invoke(Command(resume={"decisions": [{"type": "approve", "by": "alice"}]}), cfg))
    assert "alice has already approved" in value["action_requests"][0]["description"]
    assert la.effects(app.ledger) == []
    result = app.graph.invoke(Command(resume={"decisions": [{"type": "approve", "by": "bob"}]}), cfg)
    assert "__interrupt__" not in result
    assert la.effects(app.ledger) == ["transfer ACC-9 500.0"]  # LangChain validates the arguments, as in ToolNode
    assert [a.by for a in app.gate.get(action_id).approvals] == ["alice", "bob"]


# -- deciding in Tether (the dashboard, the CLI) --------------------------------------------------------------------


@pytest.mark.parametrize("resume", [Command(resume={"decisions": [{"type": "reject"}]}), Command(resume="ok"), None])
def test_a_decision_made_in_tether_wins_and_runs_once(app: Any, tmp_path: Path, resume: Command[Any] | None) -> None:
    cfg = la.config("t-dashboard")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    reviewer = dashboard(tmp_path)
    reviewer.decide(action_id, Approve(by="alice", note="receipt checked"))
    reviewer.close()
    result = app.graph.invoke(resume, cfg)  # whatever the resume says (or a plain re-invoke): alice decided
    assert "__interrupt__" not in result
    assert la.effects(app.ledger) == ["refund A-1 50.0"]
    action = app.gate.get(action_id)
    assert action.status is Status.EXECUTED
    assert action.decision is not None
    assert action.decision.by == "alice"
    app.graph.invoke(Command(resume=APPROVE), cfg)
    assert la.effects(app.ledger) == ["refund A-1 50.0"]


def test_a_rejection_in_tether_reaches_the_model(app: Any, tmp_path: Path) -> None:
    cfg = la.config("t-dashboard-reject")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    app.gate.decide(action_id, Reject(by="erin", note="duplicate request"))
    result = app.graph.invoke(Command(resume=APPROVE), cfg)
    assert la.effects(app.ledger) == []
    (message,) = tool_messages(result)
    assert "duplicate request" in str(message.content)
    assert message.status == "error"


# -- other processes ---------------------------------------------------------------------------------------------


def test_resume_in_a_new_process_runs_once(app: Any, tmp_path: Path) -> None:
    cfg = la.config("t-process")
    interrupt_value(app.graph.invoke(la.ask([LOOKUP, REFUND]), cfg))
    app.close()  # the agent process that paused the graph is gone

    done = resume_in_new_process(tmp_path, "t-process", APPROVE)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["interrupted"] is False
    assert out["messages"][-1] == "final: order A-1: paid 50 | refunded 50.0 on A-1"
    assert la.effects(app.ledger) == ["lookup A-1", "refund A-1 50.0"]

    again = resume_in_new_process(tmp_path, "t-process", APPROVE)  # and once more, from yet another process
    assert again.returncode == 0, again.stderr
    assert la.effects(app.ledger) == ["lookup A-1", "refund A-1 50.0"]


def test_a_process_that_dies_after_the_tool_ran_is_resumed_without_a_second_effect(app: Any, tmp_path: Path) -> None:
    cfg = la.config("t-crash")
    interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))
    app.close()

    crashed = resume_in_new_process(tmp_path, "t-crash", APPROVE, "--crash-after-tools")
    assert crashed.returncode == 17, crashed.stderr
    assert la.effects(app.ledger) == ["refund A-1 50.0"]  # the tool ran; LangGraph never checkpointed that

    done = resume_in_new_process(tmp_path, "t-crash", APPROVE)  # LangGraph re-runs the node from its start
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["messages"][-1] == "final: refunded 50.0 on A-1"
    assert la.effects(app.ledger) == ["refund A-1 50.0"]


def test_decided_in_the_cli_then_reinvoked_in_a_new_process(app: Any, tmp_path: Path) -> None:
    cfg = la.config("t-cli")
    action_id = interrupt_value(app.graph.invoke(la.ask([REFUND]), cfg))["action_requests"][0]["action_id"]
    app.close()
    db = f"sqlite:///{tmp_path / 'tether.db'}"
    cli = tether(tmp_path, "--db", db, "approve", action_id, "--by", "alice")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    done = resume_in_new_process(tmp_path, "t-cli", None)  # graph.invoke(None, config): no resume value at all
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["interrupted"] is False
    assert la.effects(app.ledger) == ["refund A-1 50.0"]


# -- the node's edges --------------------------------------------------------------------------------------------


def test_unknown_tools_and_bad_arguments_are_told_to_the_model(app: Any) -> None:
    calls = [
        {"name": "launch_rockets", "args": {}, "id": "call_1"},
        {"name": "lookup_order", "args": {"order_id": "A-1"}, "id": "call_2"},
    ]
    result = app.graph.invoke(la.ask(calls), la.config("t-errors"))
    assert "__interrupt__" not in result
    first, second = tool_messages(result)
    assert "launch_rockets is not a valid tool" in str(first.content)
    assert "do not fit lookup_order" in str(second.content)
    assert first.status == second.status == "error"
    assert la.effects(app.ledger) == []


def test_a_reused_tool_call_id_with_other_arguments_is_refused(app: Any) -> None:
    cfg = la.config("t-reuse")
    app.graph.invoke(la.ask([LOOKUP]), cfg)
    reused = {**LOOKUP, "args": {"order": "Z-9"}}
    result = app.graph.invoke(la.ask([reused]), cfg)
    assert "was already used in this thread" in str(tool_messages(result)[-1].content)
    assert la.effects(app.ledger) == ["lookup A-1"]


def test_the_node_needs_a_thread_and_known_tools(app: Any) -> None:
    with pytest.raises(UsageError, match="not registered"):
        GatedToolNode(app.gate, ["nope"], agent="a")
    with pytest.raises(UsageError, match="at least one tool"):
        GatedToolNode(app.gate, [], agent="a")
    node = GatedToolNode(app.gate, ["transfer"], agent="a")
    assert node.tool_names == ["transfer"]
    with pytest.raises(UsageError, match="needs a thread"):
        node({"messages": [AIMessage(content="", tool_calls=[TRANSFER])]}, {"configurable": {}})


def test_an_async_graph_runs_the_node_too() -> None:
    """``ainvoke`` runs the (synchronous) node in LangGraph's executor; pausing and resuming work the same."""
    gate = Gate(Policy.from_dict(la.POLICY))
    ran: list[str] = []

    def refund(order: str, amount: float) -> str:
        ran.append(order)
        return f"refunded {amount}"

    def model(state: MessagesState) -> dict[str, list[AIMessage]]:
        if isinstance(state["messages"][-1], ToolMessage):
            return {"messages": [AIMessage(content="done")]}
        return {"messages": [AIMessage(content="", tool_calls=[REFUND])]}

    builder = StateGraph(MessagesState)
    builder.add_node("model", model)
    builder.add_node("tools", GatedToolNode(gate, [refund], agent=la.AGENT))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition)
    builder.add_edge("tools", "model")
    graph = builder.compile(checkpointer=InMemorySaver())
    cfg = la.config("t-async")

    async def run() -> tuple[dict[str, Any], dict[str, Any]]:
        paused = await graph.ainvoke({"messages": [HumanMessage(content="refund A-1")]}, cfg)
        done = await graph.ainvoke(Command(resume=APPROVE), cfg)
        return paused, done

    paused, done = asyncio.run(run())
    gate.close()
    assert interrupt_value(paused)["action_requests"][0]["name"] == "refund"
    assert done["messages"][-1].content == "done"
    assert ran == ["A-1"]


# -- the extra -----------------------------------------------------------------------------------------------------


def test_without_langgraph_the_import_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate an install without the extra: every ``langgraph`` import fails as if the package were absent."""
    for name in list(sys.modules):
        if name == "langgraph" or name.startswith("langgraph.") or name == "tether.integrations.langgraph":
            monkeypatch.delitem(sys.modules, name)

    class NoLanggraph:
        @staticmethod
        def find_spec(name: str, *args: Any) -> None:
            if name == "langgraph" or name.startswith("langgraph."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(sys, "meta_path", [NoLanggraph(), *sys.meta_path])
    hint = r"^this integration needs langgraph: pip install 'tether\[langgraph\]'"
    with pytest.raises(ImportError, match=hint) as exc:
        importlib.import_module("tether.integrations.langgraph")
    assert isinstance(exc.value.__cause__, ModuleNotFoundError)


# -- the example ---------------------------------------------------------------------------------------------------


def test_the_example_runs_in_an_empty_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "paused: refund needs a human (approve, edit, reject, respond)"
    assert "refunded 25.0 on order A-1" in result.stdout
    assert lines[-1].startswith("audit log intact")


def test_the_docs_example_runs_as_written(tmp_path: Path) -> None:
    text = DOCS.read_text()
    code = text.split("```python\n", 1)[1].split("\n```", 1)[0]  # the page's first, complete example
    (tmp_path / "agent.py").write_text(code)
    result = subprocess.run(
        [sys.executable, "agent.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Tool: refund" in result.stdout
    assert result.stdout.splitlines()[-1] == "Done: order A-1: paid 25.0 / refunded 25.0 on order A-1"


def test_confidence_read_from_the_model_message_reaches_the_policy() -> None:
    gate = Gate(Policy.from_dict({"defaults": {"escalate_below": 0.8}, **la.POLICY}))
    try:

        def lookup_order(order: str) -> str:
            return f"order {order}"

        node = GatedToolNode(gate, [lookup_order], agent=la.AGENT, confidence=lambda call, message: 0.4)
        builder = StateGraph(MessagesState)
        builder.add_node("tools", node)
        builder.add_edge(START, "tools")
        graph = builder.compile(checkpointer=InMemorySaver())
        message = AIMessage(content="", tool_calls=[{"name": "lookup_order", "args": {"order": "A-1"}, "id": "c1"}])
        assert "__interrupt__" in graph.invoke({"messages": [message]}, la.config("t-confidence"))
        (held,) = gate.pending()
        assert held.call.confidence == 0.4
        assert any("confidence 0.4" in reason for reason in held.verdict.explain())
    finally:
        gate.close()


def test_a_graph_built_per_request_runs_its_newest_tools() -> None:
    """A factory that builds the node (and its tool closures) per request: the newest closure runs, never an older."""
    gate = Gate(Policy.from_dict(la.POLICY))
    try:
        for request in ("first", "second"):

            def lookup_order(order: str, _request: str = request) -> str:
                return f"{_request}: order {order}"

            node = GatedToolNode(gate, [lookup_order], agent=la.AGENT)
            builder = StateGraph(MessagesState)
            builder.add_node("tools", node)
            builder.add_edge(START, "tools")
            graph = builder.compile(checkpointer=InMemorySaver())
            call = {"name": "lookup_order", "args": {"order": "A-1"}, "id": f"c-{request}"}
            result = graph.invoke({"messages": [AIMessage(content="", tool_calls=[call])]}, la.config(request))
            assert tool_messages(result)[0].content == f"{request}: order A-1"

        @gate.tool
        def refund(order: str, amount: float) -> str:
            return "the application's own"

        def other_refund(order: str, amount: float) -> str:
            return "another"

        other_refund.__name__ = "refund"
        with pytest.raises(UsageError, match="already registered with this gate"):
            GatedToolNode(gate, [other_refund], agent=la.AGENT)  # never silently replaces the application's tool
    finally:
        gate.close()


# -- a ToolNode drop-in ---------------------------------------------------------------------------------------------

DROP_IN_POLICY = {
    "tools": {
        name: {"risk": "low", "reversible": "yes"}
        for name in ("note_ticket", "whoami", "hand_off", "chart", "slow_lookup")
    }
    | {"approve_it": {"risk": "critical", "reversible": "no"}}
}


def node_graph(node: GatedToolNode) -> Any:
    builder = StateGraph(MessagesState)
    builder.add_node("tools", node)
    builder.add_edge(START, "tools")
    return builder.compile(checkpointer=InMemorySaver())


def asking(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    tool_calls = [{"name": name, "args": args, "id": f"c{i}"} for i, (name, args) in enumerate(calls)]
    return {"messages": [AIMessage(content="on it", tool_calls=tool_calls)]}


def test_gated_tool_node_is_a_tool_node_that_keeps_langchains_tool_features() -> None:
    @tool
    def note_ticket(text: str, tool_call_id: Annotated[str, InjectedToolCallId]) -> str:
        """Note it."""
        return f"noted {text} as {tool_call_id}"

    @tool
    def whoami(runtime: ToolRuntime) -> str:
        """Which thread."""
        return f"thread {runtime.config['configurable']['thread_id']}"

    @tool
    def hand_off(team: str, tool_call_id: Annotated[str, InjectedToolCallId]) -> Command[Any]:
        """Hand the conversation off."""
        return Command(update={"messages": [ToolMessage(f"handed to {team}", tool_call_id=tool_call_id)]})

    @tool(response_format="content_and_artifact")
    def chart(series: str) -> tuple[str, dict[str, Any]]:
        """Draw a chart."""
        return f"chart of {series}", {"points": [1, 2, 3]}

    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        node = GatedToolNode(gate, [note_ticket, whoami, hand_off, chart], agent=la.AGENT)
        assert isinstance(node, ToolNode)
        result = node_graph(node).invoke(
            asking(
                ("note_ticket", {"text": "hi"}),
                ("whoami", {}),
                ("hand_off", {"team": "billing"}),
                ("chart", {"series": "refunds"}),
            ),
            la.config("t-drop-in"),
        )
        answers = {m.tool_call_id: m for m in tool_messages(result)}
        assert answers["c0"].content == "noted hi as c0"
        assert answers["c1"].content == "thread t-drop-in"
        assert answers["c2"].content == "handed to billing"  # the tool's Command update, applied by LangGraph
        assert (answers["c3"].content, answers["c3"].artifact) == ("chart of refunds", {"points": [1, 2, 3]})
        assert {a.call.tool: a.status for a in gate.plane.actions(ActionFilter())} == {
            "note_ticket": Status.EXECUTED,
            "whoami": Status.EXECUTED,
            "hand_off": Status.EXECUTED,
            "chart": Status.EXECUTED,
        }
    finally:
        gate.close()


def test_the_auto_calls_of_one_message_run_in_parallel() -> None:
    """Four calls that each wait for the other three: they finish only if they run at the same time."""
    together = threading.Barrier(4, timeout=10)

    def slow_lookup(order: str) -> str:
        """Look up slowly."""
        together.wait()
        return f"order {order}"

    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        node = GatedToolNode(gate, [slow_lookup], agent=la.AGENT)
        calls = [("slow_lookup", {"order": f"A-{i}"}) for i in range(4)]
        result = node_graph(node).invoke(asking(*calls), la.config("t-parallel"))
        assert sorted(m.content for m in tool_messages(result)) == [f"order A-{i}" for i in range(4)]
    finally:
        gate.close()


def needs_a_human(ran: list[str]) -> Callable[[str], str]:
    """A critical tool (by DROP_IN_POLICY) that records each run in ``ran``."""

    def approve_it(item: str) -> str:
        """Needs a human."""
        ran.append(item)
        return f"done {item}"

    return approve_it


def test_the_approval_gate_shape_resumes_a_single_held_call() -> None:
    ran: list[str] = []
    approve_it = needs_a_human(ran)
    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        graph = node_graph(GatedToolNode(gate, [approve_it], agent=la.AGENT))
        cfg = la.config("t-gate-shape")
        assert "__interrupt__" in graph.invoke(asking(("approve_it", {"item": "x"})), cfg)
        result = graph.invoke(Command(resume={"approved": True, "note": "Looks good"}), cfg)
        assert ran == ["x"]
        assert tool_messages(result)[0].content == "done x"
        (action,) = gate.plane.actions(ActionFilter())
        assert action.decision == Approve(by="langgraph-resume", note="Looks good")
    finally:
        gate.close()


@pytest.mark.filterwarnings("ignore:create_react_agent has been moved")  # its users are who this test is for
def test_create_react_agent_takes_the_node_as_its_tools() -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langgraph.prebuilt import create_react_agent

    class ScriptedModel(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

    ran: list[str] = []
    approve_it = needs_a_human(ran)
    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        turn = AIMessage(content="", tool_calls=[{"name": "approve_it", "args": {"item": "y"}, "id": "c1"}])
        model = ScriptedModel(messages=iter([turn, AIMessage(content="all done")]))
        agent = create_react_agent(
            model, GatedToolNode(gate, [approve_it], agent=la.AGENT), checkpointer=InMemorySaver()
        )
        cfg = la.config("t-react")
        paused = agent.invoke({"messages": [HumanMessage("do y")]}, cfg)
        assert paused["__interrupt__"][0].value["action_requests"][0]["name"] == "approve_it"
        done = agent.invoke(Command(resume={"decisions": [{"type": "approve"}]}), cfg)
        assert ran == ["y"]
        assert done["messages"][-1].content == "all done"
    finally:
        gate.close()


def test_two_agents_may_have_different_tools_of_one_name_on_one_gate() -> None:
    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        graphs = {}
        for agent in ("billing-bot", "shipping-bot"):

            def slow_lookup(order: str, _agent: str = agent) -> str:
                """Each agent's own lookup."""
                return f"{_agent} looked up {order}"

            graphs[agent] = node_graph(GatedToolNode(gate, [slow_lookup], agent=agent))
        for agent, graph in graphs.items():
            result = graph.invoke(asking(("slow_lookup", {"order": "A-1"})), la.config(f"t-{agent}"))
            assert tool_messages(result)[0].content == f"{agent} looked up A-1"
    finally:
        gate.close()


def test_a_failing_tool_is_handled_as_tool_node_would_and_recorded_as_failed() -> None:
    def slow_lookup(order: str) -> str:
        """Fails."""
        raise ValueError(f"no order {order}")

    gate = Gate(Policy.from_dict(DROP_IN_POLICY))
    try:
        graph = node_graph(GatedToolNode(gate, [slow_lookup], agent=la.AGENT, handle_tool_errors=True))
        result = graph.invoke(asking(("slow_lookup", {"order": "Z-1"})), la.config("t-fails"))
        (answer,) = tool_messages(result)
        assert answer.status == "error"
        assert "no order Z-1" in str(answer.content)
        (action,) = gate.plane.actions(ActionFilter())
        assert action.status is Status.FAILED
        assert "no order Z-1" in str(action.error)
    finally:
        gate.close()

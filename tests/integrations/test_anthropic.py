"""Claude's tool use through the gate, with the real anthropic SDK talking HTTP to a stand-in Messages API on
127.0.0.1: what the SDK sends back after each tool call is asserted from the wire."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest
from fake_llm_server import fake_llm, message, tool_use
from gates import RecordingGate

from tether import Action, Approve, Decision, Gate, Policy, Reject
from tether.integrations.anthropic import arun_loop, run_loop, tool_results
from tether.store import ActionFilter

EXAMPLES = Path(__file__).parents[2] / "examples"
DOCS = Path(__file__).parents[2] / "docs" / "integrations"
POLICY = EXAMPLES / "anthropic_policy.toml"  # the seed article's SAFE_TOOLS / APPROVAL_REQUIRED split

TOOLS: list[anthropic.types.ToolParam] = [
    {"name": name, "description": name, "input_schema": {"type": "object"}}
    for name in ("search_web", "send_email", "create_payment", "delete_record")
]
ASK = [{"role": "user", "content": "Customer C-7 was charged twice. Sort it out."}]


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[RecordingGate]:
    g = RecordingGate(Policy.from_file(POLICY), f"sqlite:///{tmp_path / 'tether.db'}", poll_interval=0.01)

    @g.tool
    def search_web(query: str) -> str:
        g.ran.append(("search_web", query))
        return f"results for {query}"

    @g.tool
    def send_email(to: str, subject: str) -> str:
        g.ran.append(("send_email", to))
        return f"emailed {to}"

    @g.tool
    def create_payment(account: str, amount: float) -> str:
        g.ran.append(("create_payment", account, amount))
        return f"paid {amount} to {account}"

    @g.tool
    def delete_record(table: str, id: str) -> str:
        g.ran.append(("delete_record", table, id))
        return f"deleted {table}/{id}"

    yield g
    g.close()


def ran(gate: RecordingGate) -> list[tuple[Any, ...]]:
    return gate.ran


def client(url: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=url, api_key="test-key", max_retries=0)


def reviewer(
    gate: Gate, decide: Callable[[Action], Decision], count: int = 1, patience: float = 10
) -> threading.Thread:
    """Someone at the dashboard: decides each held action once ``count`` of them are waiting, from another thread."""

    def review() -> None:
        deadline = time.monotonic() + patience
        while len(gate.pending()) < count and time.monotonic() < deadline:
            time.sleep(0.005)
        for action in gate.pending():
            gate.decide(action.id, decide(action))

    thread = threading.Thread(target=review, daemon=True)
    thread.start()
    return thread


def sent_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool_result blocks of the last message the SDK sent."""
    last = body["messages"][-1]
    assert last["role"] == "user"
    return list(last["content"])


def test_a_safe_call_runs_at_once_and_its_result_goes_back_to_the_model(gate: Gate) -> None:
    first = message("Let me search.", tool_use("toolu_1", "search_web", {"query": "refunds"}))
    with fake_llm(first, message("Refunds are allowed.")) as fake:
        result = run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot")
        bodies = fake.bodies()
    assert ran(gate) == [("search_web", "refunds")]
    assert sent_results(bodies[1]) == [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "results for refunds", "is_error": False}
    ]
    assert bodies[1]["messages"][1]["content"][1] == {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "search_web",
        "input": {"query": "refunds"},
    }
    assert result.finished
    assert result.turns == 2
    assert result.text == "Refunds are allowed."
    action = gate.get(result.outcomes["toolu_1"].action_id)
    assert (action.call.agent, action.call.call_id, action.call.reasoning) == (
        "support-bot",
        "toolu_1",
        "Let me search.",
    )


def test_a_held_call_runs_once_when_a_reviewer_approves_it_during_the_wait(gate: Gate) -> None:
    first = message(tool_use("toolu_2", "send_email", {"to": "c7@example.com", "subject": "Sorry"}))
    with fake_llm(first, message("Emailed.")) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice", note="fine"))
        result = run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=10)
        review.join()
        bodies = fake.bodies()
    assert ran(gate) == [("send_email", "c7@example.com")]
    assert sent_results(bodies[1]) == [
        {"type": "tool_result", "tool_use_id": "toolu_2", "content": "emailed c7@example.com", "is_error": False}
    ]
    assert result.outcomes["toolu_2"].kind == "executed"
    assert result.pending == []


def test_answering_the_same_message_again_never_runs_a_tool_twice(gate: Gate) -> None:
    turn = anthropic.types.Message.model_validate(message(tool_use("toolu_3", "search_web", {"query": "q"})))
    first = tool_results(gate, turn, agent="support-bot")
    again = tool_results(gate, turn, agent="support-bot")
    assert first == again
    assert ran(gate) == [("search_web", "q")]


def test_a_rejected_call_comes_back_as_an_error_with_the_reviewers_note(gate: Gate) -> None:
    first = message(tool_use("toolu_4", "create_payment", {"account": "C-7", "amount": 42.0}))
    with fake_llm(first, message("The payment was refused.")) as fake:
        review = reviewer(gate, lambda _: Reject(by="alice", note="refunds go through the billing desk"))
        run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=10)
        review.join()
        bodies = fake.bodies()
    assert ran(gate) == []
    assert sent_results(bodies[1]) == [
        {
            "type": "tool_result",
            "tool_use_id": "toolu_4",
            "content": "Action rejected: refunds go through the billing desk",
            "is_error": True,
        }
    ]


def test_a_denied_call_comes_back_as_an_error_with_the_policys_reason(gate: Gate) -> None:
    first = message(tool_use("toolu_5", "delete_record", {"table": "audit_log", "id": "7"}))
    with fake_llm(first, message("I may not do that.")) as fake:
        run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=10)
        bodies = fake.bodies()
    (block,) = sent_results(bodies[1])
    assert block["is_error"] is True
    assert block["content"].startswith("Action denied by policy:")
    assert "records in the audit log are never deleted" in block["content"]
    assert ran(gate) == []
    assert gate.pending() == []


def test_a_call_still_held_when_the_wait_ends_is_reported_as_awaiting_approval(gate: Gate) -> None:
    first = message(tool_use("toolu_6", "send_email", {"to": "c7@example.com", "subject": "Hi"}))
    with fake_llm(first, message("It is waiting for approval.")) as fake:
        result = run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=0.1)
        bodies = fake.bodies()
    (held,) = result.pending
    (block,) = sent_results(bodies[1])
    assert block["is_error"] is False
    assert block["content"].startswith(f"Action {held.action_id} is awaiting human approval; it has not run.")
    assert ran(gate) == []
    assert result.finished
    gate.decide(held.action_id, Approve(by="alice"))
    assert gate.resume(held.action_id).kind == "executed"
    assert gate.resume(held.action_id).kind == "executed"
    assert ran(gate) == [("send_email", "c7@example.com")]


def test_held_return_hands_control_back_and_a_later_loop_answers_the_call(gate: Gate) -> None:
    first = message(
        tool_use("toolu_7", "search_web", {"query": "policy"}),
        tool_use("toolu_8", "send_email", {"to": "c7@example.com", "subject": "Hi"}),
    )
    with fake_llm(first, message("All done.")) as fake:
        paused = run_loop(
            client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", held="return"
        )
        assert len(fake.bodies()) == 1
        assert not paused.finished
        assert paused.messages[-1]["role"] == "assistant"  # the conversation ends on the unanswered calls
        assert [p.action_id for p in paused.pending] == [gate.pending()[0].id]
        gate.decide(gate.pending()[0].id, Approve(by="alice"))
        done = run_loop(client(fake.url), gate, model="m", messages=paused.messages, tools=TOOLS, agent="support-bot")
        bodies = fake.bodies()
    assert done.finished
    assert done.text == "All done."
    assert [b["content"] for b in sent_results(bodies[1])] == ["results for policy", "emailed c7@example.com"]
    assert ran(gate) == [("search_web", "policy"), ("send_email", "c7@example.com")]  # the search ran once


def test_every_call_of_a_message_is_submitted_before_the_wait_starts(gate: Gate) -> None:
    first = message(
        tool_use("toolu_9", "send_email", {"to": "a@example.com", "subject": "1"}),
        tool_use("toolu_10", "send_email", {"to": "b@example.com", "subject": "2"}),
    )
    with fake_llm(first, message("Both sent.")) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"), count=2)  # decides only once it sees both
        result = run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=10)
        review.join()
        bodies = fake.bodies()
    assert [b["content"] for b in sent_results(bodies[1])] == ["emailed a@example.com", "emailed b@example.com"]
    assert result.pending == []


def test_unknown_tools_and_arguments_that_do_not_fit_are_errors_that_never_reach_tether(gate: Gate) -> None:
    first = message(
        tool_use("toolu_11", "launch_rockets", {}),
        tool_use("toolu_12", "send_email", {"to": "c7@example.com"}),
    )
    with fake_llm(first, message("Sorry.")) as fake:
        run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot")
        bodies = fake.bodies()
    unknown, misfit = sent_results(bodies[1])
    assert unknown["is_error"]
    assert unknown["content"] == "Not run: there is no tool named 'launch_rockets'."
    assert misfit["is_error"]
    assert "missing a required argument: 'subject'" in misfit["content"]
    assert gate.plane.actions(ActionFilter()) == []


def test_the_loop_stops_after_max_turns_with_the_last_calls_unanswered(gate: Gate) -> None:
    asks = message(tool_use("toolu_13", "search_web", {"query": "again"}))
    with fake_llm(asks) as fake:
        result = run_loop(
            client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", max_turns=1
        )
    assert not result.finished
    assert result.turns == 1
    assert result.messages[-1]["role"] == "assistant"
    assert ran(gate) == []


def test_the_async_loop_answers_like_the_sync_one(gate: Gate) -> None:
    first = message(
        tool_use("toolu_14", "search_web", {"query": "refunds"}),
        tool_use("toolu_15", "create_payment", {"account": "C-7", "amount": 42.0}),
    )

    async def main(url: str) -> None:
        async with anthropic.AsyncAnthropic(base_url=url, api_key="test-key", max_retries=0) as async_client:
            await arun_loop(async_client, gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", wait=10)

    with fake_llm(first, message("Done.")) as fake:
        review = reviewer(gate, lambda _: Reject(by="alice", note="not today"))
        asyncio.run(main(fake.url))
        review.join()
        bodies = fake.bodies()
    assert [(b["content"], b["is_error"]) for b in sent_results(bodies[1])] == [
        ("results for refunds", False),
        ("Action rejected: not today", True),
    ]
    assert ran(gate) == [("search_web", "refunds")]


def test_without_the_extra_the_import_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # what `import anthropic` sees when it is not installed
    monkeypatch.delitem(sys.modules, "tether.integrations.anthropic")
    with pytest.raises(ImportError, match=r"pip install 'tether\[anthropic\]'"):
        importlib.import_module("tether.integrations.anthropic")


def test_the_example_runs_offline_against_its_stand_in_model(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "anthropic_agent.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("offline: a stand-in for Claude on http://127.0.0.1:")
    assert lines[1:4] == ["search_web: executed", "send_email: executed", "create_payment: rejected"]
    assert "Action rejected: refunds go through the billing desk" in lines[4]
    assert lines[5].startswith("audit log intact")


def saved_files(doc: Path) -> dict[str, str]:
    """The files a docs page tells the reader to save: the fenced block after each "Save as `NAME`"."""
    return dict(re.findall(r"Save as `([^`]+)`.*?```\w*\n(.*?)```", doc.read_text(), re.S))


def test_the_docs_example_runs_as_written(tmp_path: Path) -> None:
    files = saved_files(DOCS / "anthropic.md")
    assert sorted(files) == ["agent.py", "policy.toml"]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    desk = Gate(Policy.from_file(tmp_path / "policy.toml"), f"sqlite:///{tmp_path / 'tether.db'}")  # alice's side
    first = message(
        tool_use("toolu_20", "search_web", {"query": "refund policy"}),
        tool_use("toolu_21", "send_email", {"to": "c7@example.com", "subject": "Refunds", "body": "Always."}),
    )
    env = {**os.environ, "ANTHROPIC_BASE_URL": "", "ANTHROPIC_API_KEY": "test-key"}
    with fake_llm(first, message("Emailed the policy.")) as fake:
        env["ANTHROPIC_BASE_URL"] = fake.url
        agent = subprocess.Popen(
            [sys.executable, "agent.py"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        review = reviewer(desk, lambda _: Approve(by="alice"), patience=60)  # from this process, as the CLI would
        out, err = agent.communicate(timeout=90)
        review.join()
        bodies = fake.bodies()
    desk.close()
    assert agent.returncode == 0, err
    assert out.splitlines() == ["search_web executed", "send_email executed", "Emailed the policy."]
    assert [b["content"] for b in sent_results(bodies[1])] == [
        "Top result for 'refund policy': double charges are always refunded in full.",
        "email 'Refunds' sent to c7@example.com",
    ]


def allow_low_risk(gate: Gate, *tools: str) -> None:
    """The example policy, plus ``tools`` as low-risk, reversible tools (they run at once)."""
    extra = "".join(f'\n[tools.{tool}]\nrisk = "low"\nreversible = "yes"\n' for tool in tools)
    gate.plane.policy = Policy.from_toml(POLICY.read_text() + extra)


def test_the_conversation_is_plain_json_and_resuming_from_it_reruns_nothing(gate: RecordingGate) -> None:
    first = message(
        "Searching, and emailing the customer.",
        tool_use("toolu_30", "search_web", {"query": "policy"}),
        tool_use("toolu_31", "send_email", {"to": "c7@example.com", "subject": "Hi"}),
    )
    with fake_llm(first, message("All done."), message("Nothing more to do.")) as fake:
        paused = run_loop(
            client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot", held="return"
        )
        saved = json.dumps(paused.messages)  # to a file, a database, a queue: the model's blocks are plain params
        gate.decide(gate.pending()[0].id, Approve(by="alice"))
        for _ in range(2):  # resumed, then resumed again from the same saved JSON
            resumed = run_loop(
                client(fake.url), gate, model="m", messages=json.loads(saved), tools=TOOLS, agent="support-bot"
            )
            assert resumed.finished
        json.dumps(resumed.messages)
    assert ran(gate) == [("search_web", "policy"), ("send_email", "c7@example.com")]  # once each, twice resumed


def test_a_tool_that_returns_content_blocks_answers_with_blocks(gate: RecordingGate) -> None:
    chart = [
        {"type": "text", "text": "Refunds per day:"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
    ]

    @gate.tool(name="draw_chart")
    def draw_chart(series: str) -> list[dict[str, Any]]:
        return chart

    gate.plane.policy = Policy.from_toml(
        POLICY.read_text() + '\n[tools.draw_chart]\nrisk = "low"\nreversible = "yes"\n'
    )
    tools = [*TOOLS, {"name": "draw_chart", "description": "chart", "input_schema": {"type": "object"}}]
    with fake_llm(message(tool_use("toolu_40", "draw_chart", {"series": "refunds"})), message("Here.")) as fake:
        run_loop(client(fake.url), gate, model="m", messages=ASK, tools=tools, agent="support-bot")
        bodies = fake.bodies()
    (result,) = sent_results(bodies[1])
    assert result["content"] == chart  # blocks, not a JSON string of them: the model sees the image
    assert result["is_error"] is False


def test_the_calls_of_one_turn_run_at_the_same_time(gate: RecordingGate) -> None:
    together = threading.Barrier(2, timeout=10)  # each call finishes only if the other runs at the same time

    @gate.tool(name="lookup_a")
    def lookup_a(order: str) -> str:
        together.wait()
        return f"a {order}"

    @gate.tool(name="lookup_b")
    def lookup_b(order: str) -> str:
        together.wait()
        return f"b {order}"

    allow_low_risk(gate, "lookup_a", "lookup_b")
    first = message(tool_use("toolu_50", "lookup_a", {"order": "1"}), tool_use("toolu_51", "lookup_b", {"order": "2"}))
    with fake_llm(first, message("Both.")) as fake:
        run_loop(client(fake.url), gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot")
        bodies = fake.bodies()
    assert [b["content"] for b in sent_results(bodies[1])] == ["a 1", "b 2"]  # in the model's order


def test_the_async_calls_of_one_turn_are_awaited_together(gate: RecordingGate) -> None:
    async def scenario() -> list[str]:
        together = asyncio.Barrier(2)

        @gate.tool(name="lookup_a")
        async def lookup_a(order: str) -> str:
            await asyncio.wait_for(together.wait(), timeout=10)
            return f"a {order}"

        @gate.tool(name="lookup_b")
        async def lookup_b(order: str) -> str:
            await asyncio.wait_for(together.wait(), timeout=10)
            return f"b {order}"

        extra = (
            '\n[tools.lookup_a]\nrisk = "low"\nreversible = "yes"\n[tools.lookup_b]\nrisk = "low"\nreversible = "yes"\n'
        )
        gate.plane.policy = Policy.from_toml(POLICY.read_text() + extra)
        first = message(
            tool_use("toolu_60", "lookup_a", {"order": "1"}), tool_use("toolu_61", "lookup_b", {"order": "2"})
        )
        with fake_llm(first, message("Both.")) as fake:
            async_client = anthropic.AsyncAnthropic(base_url=fake.url, api_key="test-key", max_retries=0)
            await arun_loop(async_client, gate, model="m", messages=ASK, tools=TOOLS, agent="support-bot")
            bodies = fake.bodies()
        return [b["content"] for b in sent_results(bodies[1])]

    assert asyncio.run(scenario()) == ["a 1", "b 2"]

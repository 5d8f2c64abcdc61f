"""OpenAI tool calls through the gate — Chat Completions, the Responses API and the Agents SDK's needs_approval —
with the real openai and openai-agents packages talking HTTP to a stand-in API on 127.0.0.1; what they send back
after each call is asserted from the wire."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import agents
import openai
import pytest
from agents import Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, RunContextWrapper, Runner, RunState
from fake_llm_server import completion, fake_llm, function_call, output_message, response, tool_call
from gates import RecordingGate

from tether import Action, Approve, Decision, Gate, Policy, Reject, Status, UsageError
from tether.errors import DecisionError
from tether.integrations.openai import (
    AgentsBridge,
    arun_chat_loop,
    arun_responses_loop,
    function_call_outputs,
    run_chat_loop,
    run_responses_loop,
)
from tether.store import ActionFilter

agents.set_tracing_disabled(True)

EXAMPLES = Path(__file__).parents[2] / "examples"
DOCS = Path(__file__).parents[2] / "docs" / "integrations"
POLICY = EXAMPLES / "openai_policy.toml"
ASK = "Customer C-7 was charged twice. Sort it out."
CHAT_TOOLS: list[Any] = [
    {"type": "function", "function": {"name": n, "parameters": {"type": "object"}}}
    for n in ("search_web", "send_email", "create_payment", "delete_record")
]
RESPONSES_TOOLS: list[Any] = [
    {"type": "function", "name": n, "parameters": {"type": "object"}, "strict": False}
    for n in ("search_web", "send_email", "create_payment", "delete_record")
]


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[RecordingGate]:
    g = RecordingGate(Policy.from_file(POLICY), f"sqlite:///{tmp_path / 'tether.db'}", poll_interval=0.01)

    @g.tool
    def search_web(query: str) -> str:
        """Search the web.

        Args:
            query: What to look for.
        """
        g.ran.append(("search_web", query))
        return f"results for {query}"

    @g.tool
    def send_email(to: str, subject: str) -> str:
        g.ran.append(("send_email", to))
        return f"emailed {to}"

    @g.tool
    def create_payment(account: str, amount: float, idempotency_key: str) -> str:
        g.ran.append(("create_payment", account, amount, idempotency_key))
        return f"paid {amount} to {account}"

    @g.tool
    def delete_record(table: str, id: str) -> str:
        g.ran.append(("delete_record", table, id))
        return f"deleted {table}/{id}"

    yield g
    g.close()


def ran(gate: RecordingGate) -> list[tuple[Any, ...]]:
    return gate.ran


def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0)


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


def tool_replies(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``role: "tool"`` messages at the end of a chat request."""
    replies = []
    for msg in reversed(body["messages"]):
        if msg["role"] != "tool":
            break
        replies.insert(0, msg)
    return replies


def outputs(body: dict[str, Any]) -> dict[str, str]:
    """The function_call_output items of a Responses request, by call id."""
    return {item["call_id"]: item["output"] for item in body["input"] if item.get("type") == "function_call_output"}


# -- Chat Completions ------------------------------------------------------------------------------------------------


def test_chat_a_safe_call_runs_at_once_and_its_result_goes_back_to_the_model(gate: Gate) -> None:
    first = completion("Searching.", tool_call("call_1", "search_web", {"query": "refunds"}))
    with fake_llm(first, completion("Refunds are allowed.")) as fake:
        result = run_chat_loop(
            client(fake.url), gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
            agent="support-bot",
        )  # fmt: skip
        bodies = fake.bodies()
    assert fake.paths() == ["/v1/chat/completions", "/v1/chat/completions"]
    assert bodies[1]["messages"][1] == {
        "role": "assistant",
        "content": "Searching.",
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "search_web", "arguments": '{"query": "refunds"}'},
            }
        ],
    }
    assert tool_replies(bodies[1]) == [{"role": "tool", "tool_call_id": "call_1", "content": "results for refunds"}]
    assert ran(gate) == [("search_web", "refunds")]
    assert result.finished
    assert result.text == "Refunds are allowed."
    assert gate.get(result.outcomes["call_1"].action_id).call.reasoning == "Searching."


def test_chat_a_held_call_runs_once_when_a_reviewer_approves_it_during_the_wait(gate: Gate) -> None:
    first = completion(None, tool_call("call_2", "send_email", {"to": "c7@example.com", "subject": "Sorry"}))
    with fake_llm(first, completion("Emailed.")) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"))
        run_chat_loop(
            client(fake.url), gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
            agent="support-bot", wait=10,
        )  # fmt: skip
        review.join()
        bodies = fake.bodies()
    assert tool_replies(bodies[1]) == [{"role": "tool", "tool_call_id": "call_2", "content": "emailed c7@example.com"}]
    assert ran(gate) == [("send_email", "c7@example.com")]


def test_chat_rejected_and_denied_calls_say_so_with_the_note_and_the_reason(gate: Gate) -> None:
    first = completion(
        None,
        tool_call("call_3", "create_payment", {"account": "C-7", "amount": 42.0}),
        tool_call("call_4", "delete_record", {"table": "audit_log", "id": "7"}),
    )
    with fake_llm(first, completion("Neither happened.")) as fake:
        review = reviewer(gate, lambda _: Reject(by="alice", note="refunds go through the billing desk"))
        run_chat_loop(
            client(fake.url), gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
            agent="support-bot", wait=10,
        )  # fmt: skip
        review.join()
        bodies = fake.bodies()
    rejected, denied = tool_replies(bodies[1])
    assert rejected == {
        "role": "tool",
        "tool_call_id": "call_3",
        "content": "Action rejected: refunds go through the billing desk",
    }
    assert denied["tool_call_id"] == "call_4"
    assert denied["content"].startswith("Action denied by policy:")
    assert "records in the audit log are never deleted" in denied["content"]
    assert ran(gate) == []


def test_chat_a_call_still_held_when_the_wait_ends_is_reported_as_awaiting_approval(gate: Gate) -> None:
    first = completion(None, tool_call("call_5", "send_email", {"to": "c7@example.com", "subject": "Hi"}))
    with fake_llm(first, completion("Waiting for a human.")) as fake:
        result = run_chat_loop(
            client(fake.url), gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
            agent="support-bot", wait=0.1,
        )  # fmt: skip
        bodies = fake.bodies()
    (held,) = result.pending
    (reply,) = tool_replies(bodies[1])
    assert reply["content"].startswith(f"Action {held.action_id} is awaiting human approval; it has not run.")
    assert ran(gate) == []


def test_chat_arguments_that_are_not_a_json_object_are_refused_without_reaching_tether(gate: Gate) -> None:
    first = completion(None, tool_call("call_6", "search_web", "{not json"))
    with fake_llm(first, completion("Oops.")) as fake:
        run_chat_loop(
            client(fake.url), gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
            agent="support-bot",
        )  # fmt: skip
        bodies = fake.bodies()
    (reply,) = tool_replies(bodies[1])
    assert reply["content"] == "Not run: the arguments for search_web must be a JSON object."
    assert gate.plane.actions(ActionFilter()) == []


def test_chat_the_async_loop_answers_like_the_sync_one(gate: Gate) -> None:
    first = completion(None, tool_call("call_7", "search_web", {"query": "refunds"}))

    async def main(url: str) -> None:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            result = await arun_chat_loop(
                async_client, gate, model="m", messages=[{"role": "user", "content": ASK}], tools=CHAT_TOOLS,
                agent="support-bot",
            )  # fmt: skip
            assert result.text == "Found it."

    with fake_llm(first, completion("Found it.")) as fake:
        asyncio.run(main(fake.url))
        bodies = fake.bodies()
    assert tool_replies(bodies[1]) == [{"role": "tool", "tool_call_id": "call_7", "content": "results for refunds"}]


# -- the Responses API -----------------------------------------------------------------------------------------------


def test_responses_calls_are_answered_with_function_call_outputs(gate: Gate) -> None:
    first = response(
        output_message("Let me check, then email."),
        function_call("call_8", "search_web", {"query": "refunds"}),
        function_call("call_9", "send_email", {"to": "c7@example.com", "subject": "Sorry"}),
    )
    with fake_llm(first, response(output_message("Done."))) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"))
        result = run_responses_loop(
            client(fake.url), gate, model="m", input=ASK, tools=RESPONSES_TOOLS, agent="support-bot", wait=10,
            instructions="Be brief.",
        )  # fmt: skip
        review.join()
        bodies = fake.bodies()
    assert fake.paths() == ["/v1/responses", "/v1/responses"]
    assert bodies[1]["instructions"] == "Be brief."
    assert [item.get("type") for item in bodies[1]["input"]] == [
        None,  # the user's message
        "message",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
    ]
    assert outputs(bodies[1]) == {"call_8": "results for refunds", "call_9": "emailed c7@example.com"}
    assert ran(gate) == [("search_web", "refunds"), ("send_email", "c7@example.com")]
    assert result.text == "Done."
    assert gate.get(result.outcomes["call_8"].action_id).call.reasoning == "Let me check, then email."


def test_responses_rejected_and_denied_calls_say_so_with_the_note_and_the_reason(gate: Gate) -> None:
    first = response(
        function_call("call_10", "create_payment", {"account": "C-7", "amount": 42.0}),
        function_call("call_11", "delete_record", {"table": "audit_log", "id": "7"}),
    )
    with fake_llm(first, response(output_message("Neither happened."))) as fake:
        review = reviewer(gate, lambda _: Reject(by="alice", note="refunds go through the billing desk"))
        run_responses_loop(
            client(fake.url), gate, model="m", input=ASK, tools=RESPONSES_TOOLS, agent="support-bot", wait=10
        )
        review.join()
        bodies = fake.bodies()
    sent = outputs(bodies[1])
    assert sent["call_10"] == "Action rejected: refunds go through the billing desk"
    assert sent["call_11"].startswith("Action denied by policy:")
    assert ran(gate) == []


def test_responses_held_return_hands_control_back_and_a_later_loop_answers_the_call(gate: Gate) -> None:
    first = response(function_call("call_12", "create_payment", {"account": "C-7", "amount": 42.0}))
    with fake_llm(first, response(output_message("Paid."))) as fake:
        paused = run_responses_loop(
            client(fake.url), gate, model="m", input=ASK, tools=RESPONSES_TOOLS, agent="support-bot", held="return"
        )
        assert not paused.finished
        assert paused.messages[-1]["type"] == "function_call"  # type: ignore[typeddict-item]
        (held,) = paused.pending
        gate.decide(held.action_id, Approve(by="alice"))
        done = run_responses_loop(
            client(fake.url), gate, model="m", input=paused.messages, tools=RESPONSES_TOOLS, agent="support-bot"
        )
        bodies = fake.bodies()
    assert len(bodies) == 2
    assert outputs(bodies[1]) == {"call_12": "paid 42.0 to C-7"}
    assert ran(gate) == [("create_payment", "C-7", 42.0, "call_12")]  # the call id is the idempotency key
    assert done.finished


def test_responses_answering_the_same_response_again_never_runs_a_tool_twice(gate: Gate) -> None:
    turn = openai.types.responses.Response.construct(**response(function_call("call_13", "search_web", {"query": "q"})))
    assert function_call_outputs(gate, turn, agent="support-bot") == function_call_outputs(
        gate, turn, agent="support-bot"
    )
    assert ran(gate) == [("search_web", "q")]


def test_responses_the_async_loop_answers_like_the_sync_one(gate: Gate) -> None:
    first = response(function_call("call_14", "search_web", {"query": "refunds"}))

    async def main(url: str) -> None:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            await arun_responses_loop(
                async_client, gate, model="m", input=ASK, tools=RESPONSES_TOOLS, agent="support-bot"
            )

    with fake_llm(first, response(output_message("Found it."))) as fake:
        asyncio.run(main(fake.url))
        bodies = fake.bodies()
    assert outputs(bodies[1]) == {"call_14": "results for refunds"}


# -- the Agents SDK ---------------------------------------------------------------------------------------------------


def run_agent(
    bridge: AgentsBridge, url: str, given: str | RunState[Any, Any], *, wait: float | None, api: str = "responses"
) -> Any:
    """Run an Agents SDK agent with the bridge's tools against the stand-in, through ``bridge.run``; ``given`` is the
    task, or a run state saved with ``to_string()``."""

    async def main() -> Any:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            if api == "chat":
                model: Any = OpenAIChatCompletionsModel("gpt-fake", async_client)
            else:
                model = OpenAIResponsesModel("gpt-fake", async_client)
            agent = Agent(name="support", instructions="Help.", tools=bridge.function_tools(), model=model)
            start = (
                await RunState.from_string(agent, given) if isinstance(given, str) and given.startswith("{") else given
            )
            return await bridge.run(agent, start, wait=wait)

    return asyncio.run(main())


def test_agents_the_tools_schemas_come_from_their_signatures_without_the_idempotency_key(gate: Gate) -> None:
    tools = {t.name: t for t in AgentsBridge(gate, agent="support-bot").function_tools()}
    assert tools["search_web"].description == "Search the web."
    assert tools["search_web"].params_json_schema["properties"]["query"]["description"] == "What to look for."
    assert sorted(tools["create_payment"].params_json_schema["properties"]) == ["account", "amount"]


def test_agents_a_held_call_interrupts_the_run_and_runs_once_when_a_reviewer_approves(gate: Gate) -> None:
    first = response(
        function_call("call_20", "search_web", {"query": "refunds"}),
        function_call("call_21", "create_payment", {"account": "C-7", "amount": 42.0}),
    )
    bridge = AgentsBridge(gate, agent="support-bot")
    with fake_llm(first, response(output_message("Refunded."))) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"))
        result = run_agent(bridge, fake.url, ASK, wait=10)
        review.join()
        bodies = fake.bodies()
    assert result.final_output == "Refunded."
    assert not result.interruptions
    assert outputs(bodies[1]) == {"call_20": "results for refunds", "call_21": "paid 42.0 to C-7"}
    assert ran(gate) == [("search_web", "refunds"), ("create_payment", "C-7", 42.0, "call_21")]
    assert gate.get(gate.plane.actions(ActionFilter(tool="create_payment"))[0].id).status == "executed"


def test_agents_a_rejected_call_goes_back_as_the_sdks_rejection_with_the_reviewers_note(gate: Gate) -> None:
    first = response(function_call("call_22", "create_payment", {"account": "C-7", "amount": 42.0}))
    bridge = AgentsBridge(gate, agent="support-bot")
    with fake_llm(first, response(output_message("Not refunded."))) as fake:
        review = reviewer(gate, lambda _: Reject(by="alice", note="refunds go through the billing desk"))
        result = run_agent(bridge, fake.url, ASK, wait=10)
        review.join()
        bodies = fake.bodies()
    assert outputs(bodies[1]) == {"call_22": "Action rejected: refunds go through the billing desk"}
    assert result.final_output == "Not refunded."
    assert ran(gate) == []


def test_agents_a_denied_call_is_answered_at_once_without_an_interruption(gate: Gate) -> None:
    first = response(function_call("call_23", "delete_record", {"table": "audit_log", "id": "7"}))
    bridge = AgentsBridge(gate, agent="support-bot")
    with fake_llm(first, response(output_message("I may not."))) as fake:
        result = run_agent(bridge, fake.url, ASK, wait=None)
        bodies = fake.bodies()
    assert outputs(bodies[1])["call_23"].startswith("Action denied by policy:")
    assert result.final_output == "I may not."
    assert ran(gate) == []


def test_agents_a_run_still_held_after_the_wait_resumes_later_from_its_saved_state(gate: Gate) -> None:
    first = response(function_call("call_24", "send_email", {"to": "c7@example.com", "subject": "Sorry"}))
    bridge = AgentsBridge(gate, agent="support-bot")
    with fake_llm(first, response(output_message("Emailed."))) as fake:
        paused = run_agent(bridge, fake.url, ASK, wait=0.1)
        assert [item.call_id for item in paused.interruptions] == ["call_24"]
        saved = paused.to_state().to_string()  # what an app keeps while a human decides
        assert len(fake.bodies()) == 1
        assert ran(gate) == []
        gate.decide(gate.pending()[0].id, Approve(by="alice"))
        done = run_agent(bridge, fake.url, saved, wait=0)
        bodies = fake.bodies()
    assert done.final_output == "Emailed."
    assert outputs(bodies[1]) == {"call_24": "emailed c7@example.com"}
    assert ran(gate) == [("send_email", "c7@example.com")]


def test_agents_approving_in_the_sdk_without_tethers_approval_runs_nothing(gate: Gate) -> None:
    first = response(function_call("call_25", "create_payment", {"account": "C-7", "amount": 42.0}))
    bridge = AgentsBridge(gate, agent="support-bot")

    async def main(url: str) -> Any:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            model = OpenAIResponsesModel("gpt-fake", async_client)
            agent = Agent(name="support", tools=bridge.function_tools(), model=model)
            result = await Runner.run(agent, ASK)
            state = result.to_state()
            state.approve(state.get_interruptions()[0])  # the app says yes; Tether has not
            return await Runner.run(agent, state)

    with fake_llm(first, response(output_message("Still waiting."))) as fake:
        asyncio.run(main(fake.url))
        bodies = fake.bodies()
    assert "is awaiting human approval; it has not run" in outputs(bodies[1])["call_25"]
    assert ran(gate) == []


def test_agents_the_bridge_works_with_the_chat_completions_model_too(gate: Gate) -> None:
    first = completion(None, tool_call("call_26", "send_email", {"to": "c7@example.com", "subject": "Sorry"}))
    bridge = AgentsBridge(gate, agent="support-bot")
    with fake_llm(first, completion("Emailed.")) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"))
        result = run_agent(bridge, fake.url, ASK, wait=10, api="chat")
        review.join()
        bodies = fake.bodies()
    assert fake.paths() == ["/v1/chat/completions", "/v1/chat/completions"]
    assert tool_replies(bodies[1]) == [{"role": "tool", "tool_call_id": "call_26", "content": "emailed c7@example.com"}]
    assert result.final_output == "Emailed."


# -- packaging and the example ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["openai", "agents"])
def test_without_the_extra_the_import_names_it(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # what importing it sees when it is not installed
    monkeypatch.delitem(sys.modules, "tether.integrations.openai")
    monkeypatch.delitem(sys.modules, "tether.integrations.openai_agents", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'tether\[openai\]'"):
        importlib.import_module("tether.integrations.openai")


@pytest.mark.parametrize("api", ["agents", "chat", "responses"])
def test_the_example_runs_offline_against_its_stand_in_model(tmp_path: Path, api: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "openai_agent.py"), api],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("offline: a stand-in for OpenAI on http://127.0.0.1:")
    assert lines[1:4] == ["search_web: executed", "send_email: executed", "create_payment: rejected"]
    assert "Action rejected: refunds go through the billing desk" in lines[4]
    assert lines[5].startswith("audit log intact")


def saved_files(doc: Path) -> dict[str, str]:
    """The files a docs page tells the reader to save: the fenced block after each "Save as `NAME`"."""
    return dict(re.findall(r"Save as `([^`]+)`.*?```\w*\n(.*?)```", doc.read_text(), re.S))


DOC_SCRIPTS = {  # each script of the docs page, with what the stand-in answers and what the script should print
    "sdk_agent.py": (
        response(
            function_call("call_30", "search_web", {"query": "refund policy"}),
            function_call("call_31", "send_email", {"to": "c7@example.com", "subject": "Refunds", "body": "Always."}),
        ),
        response(output_message("Emailed the policy.")),
        ["Emailed the policy."],
    ),
    "chat_agent.py": (
        completion(
            None,
            tool_call("call_30", "search_web", {"query": "refund policy"}),
            tool_call("call_31", "send_email", {"to": "c7@example.com", "subject": "Refunds", "body": "Always."}),
        ),
        completion("Emailed the policy."),
        ["search_web executed", "send_email executed", "Emailed the policy."],
    ),
    "responses_agent.py": (
        response(
            function_call("call_30", "search_web", {"query": "refund policy"}),
            function_call("call_31", "send_email", {"to": "c7@example.com", "subject": "Refunds", "body": "Always."}),
        ),
        response(output_message("Emailed the policy.")),
        ["search_web executed", "send_email executed", "Emailed the policy."],
    ),
}


@pytest.mark.parametrize("script", sorted(DOC_SCRIPTS))
def test_the_docs_examples_run_as_written(tmp_path: Path, script: str) -> None:
    files = saved_files(DOCS / "openai.md")
    assert sorted(files) == ["chat_agent.py", "policy.toml", "responses_agent.py", "sdk_agent.py", "tools.py"]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    desk = Gate(Policy.from_file(tmp_path / "policy.toml"), f"sqlite:///{tmp_path / 'tether.db'}")  # alice's side
    first, last, printed = DOC_SCRIPTS[script]
    env = {**os.environ, "OPENAI_API_KEY": "test-key", "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    with fake_llm(first, last) as fake:
        env["OPENAI_BASE_URL"] = f"{fake.url}/v1"
        agent = subprocess.Popen(
            [sys.executable, script], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        review = reviewer(desk, lambda _: Approve(by="alice"), patience=60)  # from this process, as the CLI would
        out, err = agent.communicate(timeout=90)
        review.join()
        bodies = fake.bodies()
    desk.close()
    assert agent.returncode == 0, err
    assert out.splitlines() == printed
    sent = (
        outputs(bodies[1])
        if "input" in bodies[1]
        else {m["tool_call_id"]: m["content"] for m in tool_replies(bodies[1])}
    )
    assert sent == {
        "call_30": "Top result for 'refund policy': double charges are always refunded in full.",
        "call_31": "email 'Refunds' sent to c7@example.com",
    }


@dataclasses.dataclass
class Desk:
    """The application's own run context (``Runner.run(..., context=...)``)."""

    operator: str


def test_agents_a_tool_that_takes_the_run_context_gets_it_auto_or_approved(gate: RecordingGate) -> None:
    @gate.tool(name="note_for_desk")
    def note_for_desk(ctx: RunContextWrapper[Desk], text: str) -> str:
        gate.ran.append(("note_for_desk", ctx.context.operator, text))
        return f"{ctx.context.operator} noted {text}"

    @gate.tool(name="pay_from_desk")
    def pay_from_desk(ctx: RunContextWrapper[Desk], account: str) -> str:
        gate.ran.append(("pay_from_desk", ctx.context.operator, account))
        return f"{ctx.context.operator} paid {account}"

    extra = (
        '\n[tools.note_for_desk]\nrisk = "low"\nreversible = "yes"\n'
        '[tools.pay_from_desk]\nrisk = "critical"\nreversible = "no"\n'
    )
    gate.plane.policy = Policy.from_toml(POLICY.read_text() + extra)
    bridge = AgentsBridge(gate, agent="support-bot")
    tools = bridge.function_tools("note_for_desk", "pay_from_desk")
    assert sorted(tools[0].params_json_schema["properties"]) == ["text"]  # the context is not the model's to give
    first = response(
        function_call("call_40", "note_for_desk", {"text": "called back"}),
        function_call("call_41", "pay_from_desk", {"account": "C-7"}),
    )

    async def main(url: str) -> Any:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            agent = Agent(
                name="desk", instructions="Help.", tools=tools, model=OpenAIResponsesModel("gpt-fake", async_client)
            )
            return await bridge.run(agent, ASK, wait=10, context=Desk(operator="ana"))

    with fake_llm(first, response(output_message("Done."))) as fake:
        review = reviewer(gate, lambda _: Approve(by="alice"))
        result = asyncio.run(main(fake.url))
        review.join()
        bodies = fake.bodies()
    assert result.final_output == "Done."
    assert outputs(bodies[1]) == {"call_40": "ana noted called back", "call_41": "ana paid C-7"}
    assert sorted(gate.ran) == [("note_for_desk", "ana", "called back"), ("pay_from_desk", "ana", "C-7")]
    recorded = gate.plane.actions(ActionFilter(tool="pay_from_desk"))[0]
    assert recorded.call.args == {"account": "C-7"}  # the context is never recorded


def test_agents_an_sdk_approval_counts_where_the_process_names_its_reviewer(gate: Gate) -> None:
    """An application whose user reviews their own agent's calls in-process: state.approve is that person's Tether
    approval, recorded under their name, and the call runs once."""
    first = response(function_call("call_45", "create_payment", {"account": "C-9", "amount": 9.0}))
    bridge = AgentsBridge(gate, agent="support-bot", reviewer="ana")

    async def main(url: str) -> Any:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            model = OpenAIResponsesModel("gpt-fake", async_client)
            agent = Agent(name="support", tools=bridge.function_tools(), model=model)
            result = await Runner.run(agent, ASK)
            state = result.to_state()
            state.approve(state.get_interruptions()[0])
            return await Runner.run(agent, state)

    with fake_llm(first, response(output_message("Handled."))) as fake:
        asyncio.run(main(fake.url))
    (action,) = gate.plane.actions(ActionFilter(tool="create_payment"))
    assert action.decision == Approve(by="ana", note="approved in the Agents SDK")
    assert ran(gate) == [("create_payment", "C-9", 9.0, "call_45")]
    with pytest.raises(UsageError, match="names the person deciding"):
        AgentsBridge(gate, agent="support-bot", reviewer="support-bot")


def test_agents_a_rejection_in_the_sdk_rejects_the_tether_action_so_nothing_is_left_pending(gate: Gate) -> None:
    """state.reject(item) is the application saying no: the Tether action is rejected too, so a reviewer can no
    longer approve a call the run will never make. With Runner.run and the bridge's run_config, and with
    bridge.run (which also keeps the application's message as the note)."""
    first = response(function_call("call_51", "create_payment", {"account": "C-1", "amount": 5.0}))
    second = response(function_call("call_52", "create_payment", {"account": "C-2", "amount": 6.0}))
    bridge = AgentsBridge(gate, agent="support-bot")

    async def main(url: str) -> None:
        async with openai.AsyncOpenAI(base_url=f"{url}/v1", api_key="test-key", max_retries=0) as async_client:
            model = OpenAIResponsesModel("gpt-fake", async_client)
            agent = Agent(name="support", tools=bridge.function_tools(), model=model)
            result = await Runner.run(agent, ASK)
            state = result.to_state()
            state.reject(state.get_interruptions()[0])
            await Runner.run(agent, state, run_config=bridge.run_config())
            result = await Runner.run(agent, ASK)
            state = result.to_state()
            state.reject(state.get_interruptions()[0], rejection_message="Not this account.")
            await bridge.run(agent, state)

    with fake_llm(
        first,
        response(output_message("Not done.")),
        second,
        response(output_message("No.")),
    ) as fake:
        asyncio.run(main(fake.url))
    actions = {a.call.call_id: a for a in gate.plane.actions(ActionFilter(tool="create_payment"))}
    assert actions["call_51"].status is Status.REJECTED
    assert actions["call_51"].decision == Reject(
        by="support-bot", note="rejected by the application in the Agents SDK (state.reject)"
    )
    assert actions["call_52"].decision == Reject(by="support-bot", note="Not this account.")
    with pytest.raises(DecisionError):
        gate.decide(actions["call_51"].id, Approve(by="alice"))  # too late: the run has moved on
    assert ran(gate) == []

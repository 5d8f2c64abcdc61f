"""OpenAI with every tool call through Tether: `python examples/openai_agent.py [agents|chat|responses]`.

- agents (the default): the OpenAI Agents SDK, whose needs_approval Tether decides (AgentsBridge);
- chat: Chat Completions tool_calls (run_chat_loop);
- responses: Responses API function calls (run_responses_loop).

The tools are split the way the seed article splits them (SAFE_TOOLS run, APPROVAL_REQUIRED wait for a human) in a
policy file, examples/openai_policy.toml. With OPENAI_API_KEY set, it talks to OpenAI ($OPENAI_MODEL, default
gpt-4.1) and waits up to five minutes for you to decide each held call from another terminal, in the same directory:

    tether --config examples/openai_policy.toml pending
    tether --config examples/openai_policy.toml approve ID --by you      (or: reject ID --by you --note "...")

Without a key it runs offline: a STAND-IN for OpenAI on 127.0.0.1 (examples/openai_stand_in.py) plays the model
from a script, and a scripted reviewer, alice, approves the email and rejects the payment.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

import agents
import openai

from tether import Approve, Gate, Reject
from tether.integrations.openai import AgentsBridge, chat_tools, responses_tools, run_chat_loop, run_responses_loop
from tether.store import ActionFilter

HERE = Path(__file__).parent
TASK = "Customer C-7 (c7@example.com) was charged twice for 42.00. Sort it out, then say what happened to each call."
gate = Gate.from_config(HERE / "openai_policy.toml", db="sqlite:///tether.db")


@gate.tool
def search_web(query: str) -> str:  # SAFE_TOOLS → auto
    """Search the web."""
    return f"Top result for {query!r}: double charges are always refunded in full."


@gate.tool
def send_email(to: str, subject: str, body: str) -> str:  # APPROVAL_REQUIRED → approve
    """Send an email to a customer."""
    return f"email {subject!r} sent to {to}"


@gate.tool
def create_payment(account: str, amount: float, idempotency_key: str) -> str:  # APPROVAL_REQUIRED → approve
    """Pay money to a customer account."""  # idempotency_key: the model's call id, supplied by the gate
    return f"paid {amount:.2f} to {account}"


def scripted_reviewer(stop: threading.Event) -> None:
    """Offline only: alice decides whatever is held, the way she would from the dashboard."""
    while not stop.is_set():
        for action in gate.pending():
            if action.call.tool == "send_email":
                gate.decide(action.id, Approve(by="alice", note="wording is fine"))
            else:
                gate.decide(action.id, Reject(by="alice", note="refunds go through the billing desk, not payments"))
        time.sleep(0.05)


api = sys.argv[1] if len(sys.argv) > 1 else "agents"
stop = threading.Event()
if os.environ.get("OPENAI_API_KEY"):
    client, async_client = openai.OpenAI(), openai.AsyncOpenAI()
    model = os.environ.get("OPENAI_MODEL", "gpt-4.1")
    wait = 300.0
    print("held calls wait up to 5 minutes: decide them with `tether --config examples/openai_policy.toml pending`")
else:
    from openai_stand_in import start

    url = start()
    client = openai.OpenAI(base_url=url, api_key="offline")
    async_client = openai.AsyncOpenAI(base_url=url, api_key="offline")
    model = "gpt-stand-in"
    wait = 10.0
    print(f"offline: a stand-in for OpenAI on {url} plays the model (set OPENAI_API_KEY to use OpenAI)")
    threading.Thread(target=scripted_reviewer, args=(stop,), daemon=True).start()

started = gate.plane.clock.now()
if api == "agents":
    agents.set_tracing_disabled(True)  # keep the example's traffic on this machine
    bridge = AgentsBridge(gate, agent="support-bot")
    agent = agents.Agent(
        name="support",
        instructions="You are a support agent. Use the tools.",
        tools=bridge.function_tools(),
        model=agents.OpenAIResponsesModel(model, async_client),
    )
    run = asyncio.run(bridge.run(agent, TASK, wait=wait))
    text = str(run.final_output)
elif api == "chat":
    chat = run_chat_loop(
        client,
        gate,
        model=model,
        messages=[{"role": "system", "content": "You are a support agent."}, {"role": "user", "content": TASK}],
        tools=chat_tools(gate),
        agent="support-bot",
        wait=wait,
    )
    text = chat.text
else:
    responses = run_responses_loop(
        client,
        gate,
        model=model,
        instructions="You are a support agent.",
        input=TASK,
        tools=responses_tools(gate),
        agent="support-bot",
        wait=wait,
    )
    text = responses.text
stop.set()

for action in gate.plane.actions(ActionFilter(agent="support-bot", since=started, oldest_first=True)):
    print(f"{action.call.tool}: {gate.plane.outcome(action).kind}")
print(f"Model: {text}")
print(gate.plane.verify())

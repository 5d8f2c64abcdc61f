"""Claude with every tool call through Tether: `python examples/anthropic_agent.py`.

The tools are split the way the seed article splits them (SAFE_TOOLS run, APPROVAL_REQUIRED wait for a human), but
the split lives in a policy file, examples/anthropic_policy.toml, not in the agent's code.

With ANTHROPIC_API_KEY set, it talks to Claude ($ANTHROPIC_MODEL, default claude-sonnet-4-5) and waits up to five
minutes for you to decide each held call from another terminal, in the same directory:

    tether --config examples/anthropic_policy.toml pending
    tether --config examples/anthropic_policy.toml approve ID --by you      (or: reject ID --by you --note "...")

Without a key it runs offline: a STAND-IN for Claude on 127.0.0.1 (examples/anthropic_stand_in.py) plays the
model from a script, and a scripted reviewer, alice, approves the email and rejects the payment.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import anthropic

from tether import Approve, Gate, Reject
from tether.integrations.anthropic import run_loop

HERE = Path(__file__).parent
gate = Gate.from_config(HERE / "anthropic_policy.toml", db="sqlite:///tether.db")


@gate.tool
def search_web(query: str) -> str:  # SAFE_TOOLS → auto
    return f"Top result for {query!r}: double charges are always refunded in full."


@gate.tool
def send_email(to: str, subject: str, body: str) -> str:  # APPROVAL_REQUIRED → approve
    return f"email {subject!r} sent to {to}"


@gate.tool
def create_payment(account: str, amount: float) -> str:  # APPROVAL_REQUIRED → approve (locked)
    return f"paid {amount:.2f} to {account}"


TOOLS: list[anthropic.types.ToolParam] = [
    {
        "name": "search_web",
        "description": "Search the web.",
        "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
    },
    {
        "name": "send_email",
        "description": "Send an email to a customer.",
        "input_schema": {
            "type": "object",
            "properties": {"to": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}},
            "required": ["to", "subject", "body"],
        },
    },
    {
        "name": "create_payment",
        "description": "Pay money to a customer account.",
        "input_schema": {
            "type": "object",
            "properties": {"account": {"type": "string"}, "amount": {"type": "number"}},
            "required": ["account", "amount"],
        },
    },
]


def scripted_reviewer(stop: threading.Event) -> None:
    """Offline only: alice decides whatever is held, the way she would from the dashboard."""
    while not stop.is_set():
        for action in gate.pending():
            if action.call.tool == "send_email":
                gate.decide(action.id, Approve(by="alice", note="wording is fine"))
            else:
                gate.decide(action.id, Reject(by="alice", note="refunds go through the billing desk, not payments"))
        time.sleep(0.05)


if os.environ.get("ANTHROPIC_API_KEY"):
    client = anthropic.Anthropic()
    model = os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-5")
    wait = 300.0
    print("held calls wait up to 5 minutes: decide them with `tether --config examples/anthropic_policy.toml pending`")
    stop = None
else:
    from anthropic_stand_in import start

    url = start()
    client = anthropic.Anthropic(base_url=url, api_key="offline")
    model = "claude-stand-in"
    wait = 10.0
    print(f"offline: a stand-in for Claude on {url} plays the model (set ANTHROPIC_API_KEY to use Claude)")
    stop = threading.Event()
    threading.Thread(target=scripted_reviewer, args=(stop,), daemon=True).start()

result = run_loop(
    client,
    gate,
    model=model,
    system="You are a support agent. Use the tools; say what happened to each call.",
    messages=[{"role": "user", "content": "Customer C-7 (c7@example.com) was charged twice for 42.00. Sort it out."}],
    tools=TOOLS,
    agent="support-bot",
    wait=wait,
)
if stop is not None:
    stop.set()

for outcome in result.outcomes.values():
    print(f"{gate.get(outcome.action_id).call.tool}: {outcome.kind}")
print(f"Claude: {result.text}")
print(gate.plane.verify())

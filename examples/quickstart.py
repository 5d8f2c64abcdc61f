"""The README's quickstart, runnable: `python examples/quickstart.py` in an empty directory."""

from pathlib import Path

from tether import Approve, Gate, ToolCall
from tether.policy import template_text

if not Path("tether.toml").exists():
    Path("tether.toml").write_text(template_text())  # what `tether init` writes

gate = Gate.from_config("tether.toml", db="sqlite:///tether.db")


@gate.tool
def classify_ticket(ticket: str, category: str) -> str:  # low risk, reversible → auto
    return f"{ticket} filed under {category}"


@gate.tool(risk="critical", reversible="no")  # code can only tighten the policy
def transfer_funds(account: str, amount: float) -> str:
    return f"sent {amount} to {account}"


out = gate.call(
    ToolCall(
        tool="transfer_funds",
        args={"account": "A-1", "amount": 50},
        agent="support-bot",
        reasoning="refund a double charge",
        confidence=0.9,
    )
)
print(out.kind)  # "pending": critical and irreversible, a human must approve
print(out.to_tool_result())  # the text to hand back to the LLM

gate.decide(out.action_id, Approve(by="alice", note="ok"))  # or `tether approve ID --by alice`
gate.decide(out.action_id, Approve(by="bob"))  # the policy asks two reviewers for transfers (quorum = 2)
print(gate.resume(out.action_id).to_tool_result())  # runs it exactly once
print(gate.resume(out.action_id).to_tool_result())  # the recorded outcome; nothing runs again

with gate.context(agent="support-bot", confidence=0.97):
    print(classify_ticket("T-42", "billing"))  # gated tools also work as plain function calls

print(gate.plane.verify())

"""A support agent works through the seed article's six tasks, plus one call it is unsure of.

Each call goes through a real Gate on the SQLite store; the demo prints the verdict and its reasons, runs what
the policy lets run, and leaves the held calls for a human: ``tether pending`` / ``tether approve``.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from tether.agent._gate import Gate
from tether.model import Action, Outcome, ToolCall
from tether.notify import Notifier
from tether.plane import ControlPlane
from tether.policy import Policy

AGENT = "support-bot"

STYLE = {
    "executed": "green",
    "pending": "yellow",
    "shadowed": "cyan",
    "denied": "red",
    "rejected": "red",
    "failed": "red",
    "responded": "cyan",
}


class ConsoleNotifier:
    """Shows the alerts humans would get, inline with the demo's output."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def notify(self, kind: str, action: Action) -> None:
        self.sent.append(kind.replace("_", " "))


def build_gate(policy: Policy, db: str, notifier: Notifier | None = None) -> Gate:
    """The agent's tools. They only return text; a real agent's would send, cancel and pay."""
    gate = Gate(policy, db, notifier=notifier)

    @gate.tool
    def classify_ticket(ticket: str, category: str) -> str:
        return f"ticket {ticket} filed under {category}"

    def delete_draft(segment: str, result: str) -> str:
        return f"deleted the draft ({result})"

    @gate.tool(undo=delete_draft)  # a compensator: the override window can undo it
    def draft_marketing_email(segment: str, subject: str) -> str:
        return f"draft '{subject}' saved for {segment}"

    @gate.tool
    def send_user_notification(user_ids: list[str], message: str) -> str:
        return f"notified {len(user_ids)} users"

    @gate.tool
    def cancel_order(order: str, reason: str) -> str:
        return f"order {order} cancelled"

    @gate.tool(risk="critical", reversible="no")
    def delete_user_data(user: str) -> str:
        return f"data of {user} deleted"

    @gate.tool(risk="critical", reversible="no")
    def transfer_funds(account: str, amount: float) -> str:
        return f"{amount:.2f} sent to {account}"

    return gate


TASKS: list[tuple[str, dict[str, object], str, float]] = [
    (
        "classify_ticket",
        {"ticket": "T-1042", "category": "billing"},
        "The customer mentions an invoice.",
        0.97,
    ),
    (
        "draft_marketing_email",
        {"segment": "trial-users", "subject": "Your trial ends soon"},
        "Trial ends in 3 days.",
        0.91,
    ),
    (
        "send_user_notification",
        {"user_ids": ["u-17", "u-18"], "message": "Scheduled maintenance tonight"},
        "Maintenance window announced by ops.",
        0.93,
    ),
    (
        "cancel_order",
        {"order": "O-5531", "reason": "customer request"},
        "Customer asked in ticket T-1040.",
        0.95,
    ),
    ("delete_user_data", {"user": "u-17"}, "GDPR erasure request received.", 0.96),
    ("transfer_funds", {"account": "ACME-REFUNDS", "amount": 249.0}, "Refund for a double charge.", 0.92),
    # The agent is unsure: a low-risk tool, but confidence 0.55 holds it, urgently.
    ("classify_ticket", {"ticket": "T-1043", "category": "legal"}, "Might be a legal threat? Unclear.", 0.55),
]


def run(*, config: Path, db: str, console: Console | None = None) -> list[Outcome]:
    console = console or Console(highlight=False)
    if not config.exists():
        from tether.policy import template_text

        config.write_text(template_text(), encoding="utf-8")
        console.print(Text(f"wrote the example policy to {config}"))
    policy = Policy.from_file(config)
    notifier = ConsoleNotifier()
    gate = build_gate(policy, db, notifier)
    outcomes: list[Outcome] = []
    try:
        console.print(
            Text(
                f"support-bot works through the six example tasks and one call it is unsure of; policy {config}, "
                f"store {db}\n"
            )
        )
        for tool, args, reasoning, confidence in TASKS:
            call = ToolCall(tool=tool, args=args, agent=AGENT, reasoning=reasoning, confidence=confidence)
            outcome = gate.call(call)
            outcomes.append(outcome)
            action = gate.get(outcome.action_id)
            line = Text(f"{tool:<24}", style="bold")
            line.append(f"{action.verdict.mode.value:<9}", style=STYLE.get(outcome.kind, ""))
            line.append(f" {outcome.kind:<9} confidence {confidence:.2f}")
            console.print(line)
            for reason in action.verdict.reasons:
                console.print(Text(f"    · {reason.text}", style="dim"))
            for kind in notifier.sent:
                console.print(Text(f"    ✉ humans notified: {kind}", style="magenta"))
            notifier.sent.clear()
            console.print(Text("    → " + outcome.to_tool_result().replace("\n", "\n      ")))
        draft = outcomes[1]
        console.print(Text("\nalice reads the draft notice and undoes it inside its window:", style="bold"))
        undone = gate.undo(draft.action_id, by="alice")
        result = undone.undo.result if undone.undo else None
        console.print(Text(f"    ↩ {undone.call.tool}: {undone.status.value} — {result}"))
        console.print(Text("\nthe autonomy ladder, lane by lane (tether lanes):", style="bold"))
        plane = gate.plane
        assert isinstance(plane, ControlPlane)  # the demo runs on a local store
        for report in plane.lanes():
            step = report.step
            nxt = (
                f"next {step.target.value}, waits for {step.waiting_for[0]}"
                if step.target and step.waiting_for
                else (step.waiting_for[0] if step.waiting_for else "ready")
            )
            console.print(
                Text(f"    {report.lane:<36} {report.level.value:<8} ceiling {report.ceiling.value:<8} {nxt}")
            )
        held = [o for o in outcomes if o.kind == "pending"]
        verdict = gate.plane.verify()
        console.print()
        console.print(Text(f"{len(held)} calls are held for a human; {verdict}"))
        cli = f".venv/bin/tether --db {db} --config {config}"  # the demo's own store and policy
        console.print(Text(f"Next:  {cli} pending"))
        if held:
            console.print(Text(f"       {cli} approve {held[0].action_id} --by alice --note 'ok'"))
            console.print(Text(f"       {cli} show {held[0].action_id}"))
        console.print(Text("       .venv/bin/tether audit verify"))
        console.print(Text("       .venv/bin/tether lanes"))
    finally:
        gate.close()
    return outcomes

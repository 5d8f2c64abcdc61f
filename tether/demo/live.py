"""``tether demo``: the server with its dashboard, and a scripted support-operations agent that keeps it busy.

The agent is a script, not a model: it replays realistic support work through a real Gate on the embedded SQLite
store, so that within a minute a newcomer sees every pattern — auto runs, notify alerts, an override window with
an undo button, calls held for approval (one needing two approvers), a low-confidence escalation, a shadow-mode
lane compared with what the human desk did, and a runaway burst of refund emails that trips a blast-radius breaker.
Approvals made in the dashboard are picked up by the agent, which then runs the tool exactly once.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from tether.agent._gate import Gate
from tether.demo.scenario import TASKS, build_gate
from tether.errors import AccessError
from tether.model import Reject, Status, ToolCall
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.policy import Policy
from tether.store import ActionFilter

AGENT = "scripted-support-bot"
# The inbox stays readable however long the demo runs: past this many of the agent's later calls waiting, a
# reviewer the demo names (never the agent itself) turns down the oldest of them. The opening act's calls stay.
INBOX_CAP = 12
DESK = "demo-desk"
HUMAN_DESK = "support-desk"

# What the demo adds to the example policy: a refund email with an undo window and a burst limit, and a credit
# tool the agent only proposes in shadow mode while people keep doing the work.
DEMO_POLICY = """
# -- added by `tether demo` ------------------------------------------------------------------------------------

[tools.send_refund_email]      # → override: sent at once, undoable for 10 minutes
risk = "medium"
reversible = "yes"
window = "10m"
description = "Email a customer about their refund"

[tools.issue_credit]           # → shadow (rule below): proposed and compared, never run
risk = "high"
reversible = "no"
key_fields = ["customer", "amount"]
tolerance = 1.0
description = "Credit a customer's account"

[[rules]]
id = "credits-in-shadow"
tool = "issue_credit"
when = "true"
mode = "shadow"
reason = "issue_credit is in shadow mode: the agent's proposals are compared with what the desk does"

[[limits]]
id = "refund-email-burst"
tool = "send_refund_email"
max = 5
per = "10m"
"""


def demo_policy_text() -> str:
    from tether.policy import template_text

    return template_text() + DEMO_POLICY


@dataclass(frozen=True)
class Login:
    name: str
    role: str
    groups: tuple[str, ...]
    token: str


PEOPLE = [("alice", "reviewer", ("finance",)), ("bob", "reviewer", ("finance",)), ("ada", "admin", ())]


def make_logins(plane: ControlPlane, saved: Path | None = None) -> list[Login]:
    """Tokens for the demo's people: two finance reviewers (a transfer needs two) and an admin. With ``saved``, the
    logins of the last run are used again while the store still accepts them (a browser stays logged in, and the
    store does not fill with tokens of the same names); otherwise new ones are issued and saved there."""
    issuer = Tokens(plane.store, plane.clock)
    if saved is not None and saved.exists():
        try:
            rows = json.loads(saved.read_text(encoding="utf-8"))
            logins = [Login(x["name"], x["role"], tuple(x["groups"]), x["token"]) for x in rows]
            if [(x.name, x.role, x.groups) for x in logins] == PEOPLE and all(
                _accepted(issuer, x.token) for x in logins
            ):
                return logins
        except (ValueError, KeyError, TypeError):
            pass  # an unreadable file: issue new logins
    logins = []
    for name, role, groups in PEOPLE:
        _, secret = issuer.issue(name, role, groups, by="tether-demo")
        logins.append(Login(name, role, groups, secret))
    if saved is not None:
        saved.touch(mode=0o600)  # secrets: readable by their owner only, from the start
        saved.chmod(0o600)
        saved.write_text(json.dumps([asdict(x) for x in logins], indent=2), encoding="utf-8")
    return logins


def _accepted(issuer: Tokens, token: str) -> bool:
    try:
        issuer.authenticate(token)
    except AccessError:
        return False
    return True


class ScriptedAgent:
    """Plays the support agent (and, for the shadow lane, the human desk) until stopped."""

    def __init__(self, gate: Gate, console: Console, *, pace: float = 1.0, seed: int = 7) -> None:
        self.gate = gate
        self.console = console
        self.pace = pace
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="scripted-agent", daemon=True)
        self.calls = 0
        self.opening: set[str] = set()  # this run's opening act, left for the newcomer to decide
        self.in_opening = False

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    # -- the script ---------------------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.in_opening = True
            self._opening()
            self.in_opening = False
            while not self.stopping.is_set():
                self._steady()
        except Exception as exc:  # the demo's agent must not take the server down with it
            self.console.print(Text(f"scripted agent stopped: {exc}", style="red"))

    def _opening(self) -> None:
        """Every pattern once, a second or so apart, so the inbox fills while the newcomer watches."""
        for tool, args, reasoning, confidence in TASKS:
            self._call(tool, args, reasoning, confidence)
        self._call(
            "send_refund_email",
            {"to": "dana@example.com", "order": "O-7781", "body": "Your refund of $42.10 is on its way."},
            "Refund approved by policy for a late delivery.",
            0.94,
        )
        self._call(
            "transfer_funds",
            {"account": "ACME-ESCROW", "amount": 18_500.0},
            "Supplier asked for the escrow release in ticket T-1102.",
            0.9,
        )
        for n in range(3):
            self._shadow_pair(n)
        self._say("a bug makes the agent loop: refund emails in a burst (the limit is 5 per 10 minutes)")
        for n in range(8):
            self._call(
                "send_refund_email",
                {"to": f"customer{n}@example.com", "order": f"O-90{n:02d}", "body": "Your refund is on its way."},
                "Refund queue: processing.",
                0.92,
                pause=0.15,
            )

    def _steady(self) -> None:
        choice = self.random.random()
        n = self.calls
        if choice < 0.35:
            category = self.random.choice(["billing", "shipping", "account", "bug"])
            self._call("classify_ticket", {"ticket": f"T-{2000 + n}", "category": category}, "Routine triage.", 0.96)
        elif choice < 0.5:
            self._call(
                "cancel_order",
                {"order": f"O-{6000 + n}", "reason": "customer request"},
                "The customer asked to cancel.",
                0.93,
            )
        elif choice < 0.62:
            self._call(
                "send_user_notification",
                {"user_ids": [f"u-{n}"], "message": "Your ticket was updated"},
                "Keep the customer informed.",
                0.9,
            )
        elif choice < 0.74:
            self._call(
                "draft_marketing_email",
                {"segment": "churn-risk", "subject": "We miss you"},
                "Weekly win-back draft.",
                0.88,
            )
        elif choice < 0.86:
            self._shadow_pair(n)
        else:
            self._call(
                "classify_ticket",
                {"ticket": f"T-{2000 + n}", "category": "legal"},
                "Mentions a lawyer? Not sure how to file it.",
                round(self.random.uniform(0.45, 0.75), 2),
            )
        self._resume_approved()
        self.tidy_inbox()
        self.gate.work()
        self.stopping.wait(self.random.uniform(2.0, 5.0) * self.pace)

    def tidy_inbox(self) -> None:
        """Past ``INBOX_CAP`` of the agent's later calls held, the demo's desk rejects the oldest, saying why."""
        held = self.gate.plane.actions(ActionFilter(status={Status.PENDING}, agent=AGENT, oldest_first=True))
        later = [a for a in held if a.id not in self.opening]
        for action in later[: max(0, len(later) - INBOX_CAP)]:
            note = "the demo's desk turns down old requests so the inbox stays readable"
            self.gate.decide(action.id, Reject(by=DESK, note=note))
            self._say(f"{action.call.tool:<24} → rejected by {DESK} (an old request)", style="dim")

    def _shadow_pair(self, n: int) -> None:
        """The agent proposes a credit (recorded, not run); the human desk does what it does for that ticket."""
        subject = f"T-{3000 + n}"
        amount = float(self.random.choice([10, 15, 20, 25]))
        self._call("issue_credit", {"customer": f"C-{n % 7}", "amount": amount}, "Goodwill credit.", 0.9, subject)
        human = self.random.random()
        if human < 0.8:  # mostly the desk agrees
            self.gate.record_human(
                subject=subject, tool="issue_credit", args={"customer": f"C-{n % 7}", "amount": amount}
            )
        elif human < 0.9:
            self.gate.record_human(subject=subject, tool=None)
        else:
            self.gate.record_human(
                subject=subject, tool="issue_credit", args={"customer": f"C-{n % 7}", "amount": amount + 30}
            )

    def _call(
        self,
        tool: str,
        args: dict[str, object],
        reasoning: str,
        confidence: float,
        subject: str | None = None,
        pause: float = 0.8,
    ) -> None:
        if self.stopping.is_set():
            return
        call = ToolCall(tool=tool, args=args, agent=AGENT, reasoning=reasoning, confidence=confidence, subject=subject)
        outcome = self.gate.call(call)
        if self.in_opening:  # earlier runs' calls (the store is kept) count as later ones: tidied like the rest
            self.opening.add(outcome.action_id)
        self.calls += 1
        self._say(f"{tool:<24} → {outcome.kind}", style="dim")
        self.stopping.wait(pause * self.pace)

    def _resume_approved(self) -> None:
        """Run what reviewers approved in the dashboard: ``resume`` runs each exactly once."""
        plane = self.gate.plane
        for action in plane.actions(ActionFilter(status={Status.APPROVED}, agent=AGENT, oldest_first=True)):
            outcome = self.gate.resume(action.id)
            self._say(f"{action.call.tool:<24} → {outcome.kind} (approved by a reviewer)", style="green")

    def _say(self, message: str, style: str = "") -> None:
        self.console.print(Text(f"  [agent] {message}", style=style))


def serve_demo(
    *,
    db: str,
    host: str,
    port: int,
    console: Console,
    policy_path: Path,
    write_policy: bool = True,
    run_for: float | None = None,
    pace: float = 1.0,
    on_ready: Callable[[str], None] | None = None,
    logins_file: Path | None = None,
) -> None:
    """Write the demo policy (unless the person gave their own), start the scripted agent and the server, print
    the URL and logins, and serve until Ctrl+C or ``run_for`` seconds."""
    from tether.server import listen

    # First: a taken port is one clear error before any policy, store or login is made.
    sock = listen(host, port, choose="--port (make demo PORT=8701)")
    try:
        _serve_demo(sock, db, console, policy_path, write_policy, run_for, pace, on_ready, logins_file)
    finally:
        sock.close()


def _serve_demo(
    sock: socket.socket,
    db: str,
    console: Console,
    policy_path: Path,
    write_policy: bool,
    run_for: float | None,
    pace: float,
    on_ready: Callable[[str], None] | None,
    logins_file: Path | None,
) -> None:
    import uvicorn

    from tether.server import create_app, url_of

    if write_policy:
        policy_path.parent.mkdir(parents=True, exist_ok=True)
        policy_path.write_text(demo_policy_text(), encoding="utf-8")
    policy = Policy.from_file(policy_path)
    gate = build_gate(policy, db)
    extra_tools(gate)
    plane = gate.plane
    assert isinstance(plane, ControlPlane)  # the demo runs on a local store
    logins = make_logins(plane, logins_file)
    url = f"{url_of(sock)}/"
    server = uvicorn.Server(uvicorn.Config(create_app(plane), log_level="warning"))
    agent = ScriptedAgent(gate, console, pace=pace)

    console.print(Text(f"Tether demo — dashboard at {url}", style="bold"))
    console.print(Text(f"store {db}; policy {policy_path}"))
    for login in logins:
        groups = f", groups {', '.join(login.groups)}" if login.groups else ""
        console.print(Text(f"  log in as {login.name} ({login.role}{groups}): {login.token}"))
    console.print(
        Text(
            f"The agent '{AGENT}' is a SCRIPT replaying realistic support work (no model is called). "
            "Press Ctrl+C to stop.",
            style="yellow",
        )
    )

    def stop_later() -> None:
        while not server.started:
            time.sleep(0.05)
        if on_ready:
            on_ready(url)
        agent.start()
        if run_for is not None:
            time.sleep(run_for)
            server.should_exit = True

    threading.Thread(target=stop_later, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        agent.stop()
        gate.close()


def extra_tools(gate: Gate) -> None:
    """The demo's additions to the six example tools."""

    def recall_email(to: str, order: str, body: str, result: str) -> str:
        return f"recall notice sent to {to}"

    @gate.tool(undo=recall_email)
    def send_refund_email(to: str, order: str, body: str) -> str:
        return f"refund email sent to {to} about {order}"

    @gate.tool
    def issue_credit(customer: str, amount: float) -> str:
        return f"credited {amount:.2f} to {customer}"

"""Screenshots of every dashboard page, for the docs: ``.venv/bin/python tests/browser/screenshots.py``.

Starts a real server on loopback over a temporary SQLite file, seeds it with a day of realistic support-agent
traffic (auto and notify runs, override windows and undos, decisions with review latency, an edit, a held transfer
needing two approvers, a low-confidence refund, a breaker tripped by a burst of emails, an action a crash left
unknown, shadow-mode cases compared with what the desk did) and saves full-page PNGs into docs/screenshots/
(the audit log, the activity list and the phone's inbox are cut at 2600 CSS pixels: the rest is more of the
same).
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/serving.py

from browsing import CHROMIUM  # noqa: E402
from browsing import CHROMIUM_ARGS as BROWSER_ARGS  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from serving import LiveServer  # noqa: E402

from tether import Policy  # noqa: E402
from tether.model import Action, Approve, Edit, Reject, Respond, Role, Status, ToolCall  # noqa: E402
from tether.plane import ControlPlane  # noqa: E402
from tether.store import ActionFilter, open_store  # noqa: E402

OUT = HERE.parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = [*BROWSER_ARGS, "--hide-scrollbars"]
AGENT = "support-bot"

POLICY: dict[str, Any] = {
    "defaults": {"window": "10m", "timeout": "24h"},
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes", "description": "File a ticket under a category"},
        "cancel_order": {"risk": "high", "reversible": "partial", "description": "Cancel a customer's order"},
        "draft_marketing_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "send_refund_email": {"risk": "medium", "reversible": "yes", "window": "15m"},
        "send_user_notification": {"risk": "high", "reversible": "no"},
        "refund": {"risk": "medium", "reversible": "partial", "window": "10m"},
        "transfer_funds": {
            "risk": "critical",
            "reversible": "no",
            "quorum": 2,
            "reviewers": "finance",
            "timeout": "4h",
        },
        "issue_credit": {"risk": "high", "reversible": "no", "key_fields": ["customer", "amount"], "tolerance": 1.0},
    },
    "rules": [
        {
            "id": "credits-in-shadow",
            "tool": "issue_credit",
            "when": "true",
            "mode": "shadow",
            "reason": "issue_credit is in shadow mode: the agent's proposals are compared with what the desk does",
        },
        {"id": "large-refund", "tool": "refund", "when": "args.amount > 500", "mode": "approve"},
    ],
    "limits": [{"id": "refund-email-burst", "tool": "send_refund_email", "max": 5, "per": "10m"}],
}


class DemoClock:
    """Set by hand while the history is written, then the wall clock, so countdowns in the browser agree."""

    def __init__(self, start: datetime) -> None:
        self.at: datetime | None = start

    def now(self) -> datetime:
        return self.at if self.at is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        self.at = moment


class Seeder:
    def __init__(self, plane: ControlPlane, clock: DemoClock, now: datetime) -> None:
        self.plane = plane
        self.clock = clock
        self.now = now
        self.random = random.Random(20260101)

    def at(self, moment: datetime) -> None:
        self.clock.set(moment)

    def call(self, tool: str, args: dict[str, Any], reasoning: str, confidence: float = 0.93, **extra: Any) -> Action:
        call = ToolCall(tool=tool, args=args, agent=AGENT, reasoning=reasoning, confidence=confidence, **extra)
        return self.plane.submit(call, worker="worker-1")

    def ran(self, action: Action, result: str) -> Action:
        if action.status is Status.APPROVED:
            action = self.plane.claim(action, worker="worker-1")
        return self.plane.finish(action, result=result)

    def history(self) -> None:
        """About 22 hours of routine work, a call every 4-14 minutes."""
        moment = self.now - timedelta(hours=22)
        n = 0
        categories = ["billing", "shipping", "account", "bug", "billing", "shipping"]
        while moment < self.now - timedelta(minutes=50):
            n += 1
            self.at(moment)
            pick = self.random.random()
            if pick < 0.35:
                ticket = f"T-{1000 + n}"
                action = self.call(
                    "classify_ticket",
                    {"ticket": ticket, "category": self.random.choice(categories)},
                    f"Ticket {ticket} reads like a routine request.",
                    0.97,
                )
                self.ran(action, "filed")
            elif pick < 0.5:
                action = self.call(
                    "cancel_order",
                    {"order": f"O-{5000 + n}", "reason": "customer request"},
                    "The customer asked to cancel before shipping.",
                )
                self.ran(action, "cancelled")
            elif pick < 0.68:
                action = self.call(
                    "draft_marketing_email",
                    {"segment": self.random.choice(["trial-users", "churn-risk", "new-signups"]), "subject": "Hello"},
                    "Weekly campaign draft.",
                    0.9,
                )
                action = self.ran(action, "draft saved")
                if self.random.random() < 0.25:
                    self.at(moment + timedelta(minutes=self.random.randint(2, 8)))
                    undo = self.plane.request_undo(action.id, by=self.random.choice(["alice", "bob"]))
                    self.plane.finish_undo(self.plane.claim_undo(undo, worker="worker-1"), result="draft deleted")
            elif pick < 0.88:
                users = [f"u-{self.random.randint(10, 99)}" for _ in range(self.random.randint(1, 3))]
                action = self.call(
                    "send_user_notification",
                    {"user_ids": users, "message": "Your ticket was updated"},
                    "Keep the customer informed about their ticket.",
                    0.91,
                )
                self.at(moment + timedelta(minutes=self.random.choice([1, 2, 3, 5, 8, 13, 21])))
                who = self.random.choice(["alice", "bob", "carol"])
                fate = self.random.random()
                if fate < 0.8:
                    self.ran(self.plane.decide(action.id, Approve(by=who)), "notified")
                elif fate < 0.92:
                    self.plane.decide(action.id, Reject(by=who, note="Already answered by phone."))
                else:
                    self.plane.decide(action.id, Respond(by=who, message="Merge this into the earlier notice."))
            else:
                self.shadow_case(n)
            moment += timedelta(minutes=self.random.randint(4, 14))

    def shadow_case(self, n: int) -> None:
        subject = f"T-{3000 + n}"
        customer = f"C-{100 + n % 17}"
        amount = float(self.random.choice([10, 15, 20, 25, 40]))
        confidence = round(self.random.uniform(0.62, 0.97), 2)
        self.call(
            "issue_credit",
            {"customer": customer, "amount": amount},
            "Goodwill credit for the delay.",
            confidence,
            subject=subject,
        )
        fate = self.random.random()
        if fate < 0.78:
            self.plane.record_human(
                subject, tool="issue_credit", args={"customer": customer, "amount": amount}, by="support-desk"
            )
        elif fate < 0.88:
            self.plane.record_human(subject, tool=None, by="support-desk")
        else:
            self.plane.record_human(
                subject, tool="issue_credit", args={"customer": customer, "amount": amount + 35}, by="support-desk"
            )

    def recent(self) -> None:
        """The last hour: what a reviewer finds on opening the dashboard."""
        now = self.now
        # a transfer edited by one finance reviewer and approved by another, then run
        self.at(now - timedelta(minutes=48))
        edited = self.call(
            "transfer_funds",
            {"account": "ACME-REFUNDS", "amount": 2490.0},
            "Refund for a double charge on invoice INV-2291.",
        )
        self.at(now - timedelta(minutes=41))
        self.plane.decide(
            edited.id, Edit(by="alice", args={"account": "ACME-REFUNDS", "amount": 249.0}, note="A typo: 249, not 2490")
        )
        self.at(now - timedelta(minutes=37))
        self.ran(self.plane.decide(edited.id, Approve(by="bob")), "249.00 sent to ACME-REFUNDS")
        # a worker died while cancelling an order: nobody knows whether it took effect
        self.at(now - timedelta(minutes=30))
        self.call("cancel_order", {"order": "O-7702", "reason": "duplicate order"}, "Two identical orders in a minute.")
        self.at(now - timedelta(minutes=29))
        self.plane.sweep()  # its lease ran out: unknown
        # a runaway loop sends refund emails in a burst; the sixth in ten minutes trips the breaker
        for i in range(7):
            self.at(now - timedelta(minutes=9, seconds=-20 * i))
            action = self.call(
                "send_refund_email",
                {"to": f"customer{i + 1}@example.com", "order": f"O-90{i:02d}", "body": "Your refund is on its way."},
                "Refund queue: processing.",
                0.92,
            )
            if action.status is Status.RUNNING:
                self.ran(action, f"email sent to customer{i + 1}@example.com")
        # a marketing draft just ran: its override window is open
        self.at(now - timedelta(minutes=2))
        draft = self.call(
            "draft_marketing_email",
            {"segment": "trial-users", "subject": "Your trial ends in 3 days"},
            "Trial-expiry reminder, as every week.",
            0.9,
        )
        self.ran(draft, "draft saved for trial-users")
        # held for people
        self.at(now - timedelta(minutes=25))
        held = self.call(
            "transfer_funds",
            {"account": "ACME-ESCROW", "amount": 18_500.0, "reference": "T-1102"},
            "The supplier asked for the escrow release in ticket T-1102; the contract allows it after delivery.",
            0.9,
        )
        self.at(now - timedelta(minutes=12))
        self.plane.decide(held.id, Approve(by="bob", note="Delivery confirmed by the warehouse."))
        self.at(now - timedelta(minutes=6))
        self.call(
            "refund",
            {"order": "O-8812", "amount": 79.0, "currency": "EUR"},
            "The customer says the parcel arrived damaged, but no photo is attached. Might be a repeat claim?",
            0.55,
        )
        self.at(now - timedelta(minutes=4))
        self.call(
            "send_user_notification",
            {"user_ids": ["u-17", "u-18", "u-19"], "message": "Scheduled maintenance tonight 22:00-23:00 UTC"},
            "Ops announced a maintenance window.",
            0.93,
        )
        self.at(now - timedelta(minutes=1))
        self.call(
            "refund",
            {"order": "O-8830", "amount": 640.0, "currency": "EUR"},
            "Full refund of a returned espresso machine; the return was scanned at the warehouse.",
            0.88,
        )


def seed(plane: ControlPlane, clock: DemoClock, now: datetime) -> None:
    seeder = Seeder(plane, clock, now)
    seeder.history()
    seeder.recent()
    clock.at = None  # from here on, the wall clock


@contextmanager
def serving(db: Path) -> Iterator[tuple[LiveServer, ControlPlane]]:
    now = datetime.now(UTC).replace(microsecond=0)
    clock = DemoClock(now - timedelta(hours=23))
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(f"sqlite:///{db}"), clock=clock)
    seed(plane, clock, now)
    server = LiveServer(plane, sweep_interval=0)
    try:
        yield server, plane
    finally:
        server.stop()
        plane.store.close()


def login(browser: Browser, server: LiveServer, name: str, role: Role, groups: tuple[str, ...] = (), **kw: Any) -> Page:
    context = browser.new_context(base_url=server.url, **kw)
    page = context.new_page()
    page.goto("/login")
    page.fill("#token", server.token(name, role, groups))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/inbox*")
    return page


MAX_HEIGHT = 2600  # CSS pixels: the audit log and the activity list go on for pages; their top says it all


def shoot(page: Page, path: str, name: str, *, long: bool = False) -> Path:
    """A full-page PNG; ``long`` pages are cut at MAX_HEIGHT."""
    page.goto(path)
    target = OUT / f"{name}.png"
    if long:
        height = page.evaluate("document.documentElement.scrollHeight")
        width = page.viewport_size["width"] if page.viewport_size else 1280
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
        page.screenshot(path=str(target), full_page=True, clip=clip, animations="disabled")  # type: ignore[arg-type]
    else:
        page.screenshot(path=str(target), full_page=True, animations="disabled")
    print(f"  {target.relative_to(HERE.parents[1])}")
    return target


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        serving(Path(tmp) / "demo.db") as (server, plane),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        desktop: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1}
        print(f"screenshots of {server.url} into {OUT}:")

        anonymous = browser.new_context(base_url=server.url, **desktop).new_page()
        shoot(anonymous, "/login", "login")

        alice = login(browser, server, "alice", Role.REVIEWER, ("finance",), **desktop)
        held = plane.actions(ActionFilter(tool="transfer_funds", status={Status.PENDING}))[0]
        edited = plane.actions(ActionFilter(tool="transfer_funds", status={Status.EXECUTED}))[0]
        shoot(alice, "/inbox", "inbox")
        shoot(alice, f"/actions/{held.id}", "action")
        shoot(alice, f"/actions/{edited.id}", "action-edited")
        shoot(alice, "/windows", "windows")
        shoot(alice, "/activity", "activity", long=True)
        shoot(alice, "/audit", "audit", long=True)
        shoot(alice, "/charts", "charts")
        shoot(alice, "/shadow", "shadow")

        ada = login(browser, server, "ada", Role.ADMIN, **desktop)
        shoot(ada, "/alerts", "alerts")
        shoot(ada, "/lanes", "lanes")

        phone = login(
            browser,
            server,
            "bob",
            Role.REVIEWER,
            ("finance",),
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        shoot(phone, "/inbox", "inbox-phone", long=True)
        browser.close()


if __name__ == "__main__":
    main()

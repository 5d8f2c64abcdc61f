"""What the browser tests share: how Chromium is launched, the test policy, and ``Dashboard`` — one test's server,
plane and clock, and the pages of the people logged in to it. (The fixtures are in conftest.py.)"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Error, Page
from serving import LiveServer

from tether import FakeClock
from tether.model import Action, Role, ToolCall
from tether.plane import ControlPlane

CHROMIUM = os.environ.get("TETHER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

POLICY: dict[str, Any] = {
    "tools": {
        # critical and irreversible: held for one approval
        "transfer_funds": {"risk": "critical", "reversible": "no"},
        # held, and needs two different approvers
        "wire_abroad": {"risk": "critical", "reversible": "no", "quorum": 2},
        # held for the finance group only
        "pay_invoice": {"risk": "critical", "reversible": "no", "reviewers": "finance"},
        # runs at once, then sits in a 5 minute override window
        "send_email": {"risk": "medium", "reversible": "yes", "window": "5m"},
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        # runs at once, unless it is the fourth in an hour: that one is held and opens the lane's breaker
        "post_status": {"risk": "high", "reversible": "yes"},
    },
    "limits": [{"id": "status-burst", "tool": "post_status", "max": 3, "per": "1h"}],
}


@dataclass
class Watch:
    """What a page did that it never should: uncaught script errors, CSP violations, dialogs."""

    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@dataclass
class Dashboard:
    """One test's server, plane and clock, and the browser pages of the people logged in to it."""

    browser: Browser
    server: LiveServer
    plane: ControlPlane
    clock: FakeClock
    watch: Watch = field(default_factory=Watch)
    contexts: list[BrowserContext] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def page(self, width: int = 1280, height: int = 900) -> Page:
        """A fresh browser context (no cookies) and a page in it."""
        context = self.browser.new_context(base_url=self.url, viewport={"width": width, "height": height})
        self.contexts.append(context)
        page = context.new_page()
        self.watch.attach(page)
        return page

    def login(
        self,
        name: str = "alice",
        role: Role = Role.REVIEWER,
        groups: tuple[str, ...] = (),
        *,
        to: str = "/inbox",
        width: int = 1280,
    ) -> Page:
        """A page logged in through the login form as ``name``, showing ``to``."""
        page = self.page(width)
        page.goto("/login")
        page.fill("#token", self.server.token(name, role, groups))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/inbox*")
        if to != "/inbox":
            page.goto(to)
        return page

    def submit(
        self, tool: str = "transfer_funds", args: dict[str, Any] | None = None, *, agent: str = "bot", **call: Any
    ) -> Action:
        """An agent's call, a second after the previous one (so the inbox's oldest-first order is the call order)."""
        self.clock.advance(1)
        call.setdefault("reasoning", "the customer asked for it")
        call.setdefault("confidence", 0.9)
        return self.plane.submit(
            ToolCall(tool=tool, args=args or {"account": "ACME-1", "amount": 500}, agent=agent, **call)
        )

    def executed(self, tool: str = "send_email", args: dict[str, Any] | None = None) -> Action:
        """An override-mode call that ran and now sits in its undo window."""
        action = self.submit(tool, args or {"to": "ann@example.com", "body": "Your order shipped"})
        if action.status.value != "running":
            action = self.plane.claim(action, worker="w")
        return self.plane.finish(action, result="sent")

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Error):  # already closed by the test
                context.close()

"""Browser tests of the reviewer dashboard: a real server on loopback, a real SQLite file, Debian's Chromium driven
headless by Playwright's sync API.

One browser for the whole session; one server (and plane) per test; one browser context (its own cookies) per
person logged in. The plane's clock is a FakeClock started at the wall-clock time, so the server's idea of "now"
matches the browser's until a test moves both on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, POLICY, Dashboard
from playwright.sync_api import Browser, expect, sync_playwright
from serving import LiveServer

from tether import FakeClock, Policy
from tether.plane import ControlPlane
from tether.store import open_store

expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium per test module, stopped when it ends: Playwright's sync API keeps an event loop running in
    the main thread while it lives, which would break every asyncio test collected after these. (A "package"
    scope would not do: this directory is no package, so pytest would keep it for the whole session.)"""
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def dash(browser: Browser, tmp_path: Path) -> Iterator[Dashboard]:
    clock = FakeClock(datetime.now(UTC))
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(f"sqlite:///{tmp_path / 'dash.db'}"), clock=clock)
    server = LiveServer(plane, sweep_interval=0)  # no sweeper: timers move only when a test says so
    board = Dashboard(browser, server, plane, clock)
    try:
        yield board
    finally:
        board.close()  # first: open EventSource streams end with their pages, so the server stops at once
        server.stop()
        plane.store.close()
    assert not board.watch.errors, f"script errors on the page: {board.watch.errors}"
    assert not board.watch.csp, f"Content-Security-Policy violations: {board.watch.csp}"

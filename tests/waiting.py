"""Waiting in tests: for a condition, with a deadline, never for a fixed time.

A fixed sleep is either too short on a busy machine (the test fails by luck) or too long on a quiet one (every run
pays for it). ``wait_until`` returns as soon as the condition holds and fails with a message when it never does;
``until`` is the same for a coroutine, without blocking its event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], *, timeout: float = 10, message: str = "the condition never held") -> T:
    """Poll ``condition`` until it returns something truthy, and return that; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout} s)")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


async def until(condition: Callable[[], T], *, timeout: float = 10, message: str = "the condition never held") -> T:
    """``wait_until`` inside an event loop: the loop keeps running between looks."""
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (waited {timeout} s)")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)

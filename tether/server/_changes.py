"""Waking the server's waiting requests (long polls, event streams) when the plane changes.

Changes made through this instance wake them at once; on PostgreSQL so do other instances' changes (LISTEN/NOTIFY).
Every waiter still re-reads the store after ``fallback`` seconds, so a missed wake-up delays and never loses: on
SQLite, where another process writing the file sends no signal, that fallback is short.
"""

from __future__ import annotations

import asyncio
import contextlib

from tether.plane import ControlPlane

SQLITE_FALLBACK = 0.02  # other processes on the same file are seen this late at most
NOTIFIED_FALLBACK = 1.0  # with LISTEN/NOTIFY, polling only covers a lost notification


class ChangeSignal:
    def __init__(self, plane: ControlPlane, loop: asyncio.AbstractEventLoop) -> None:
        self.plane = plane
        self.loop = loop
        self.fallback = NOTIFIED_FALLBACK if plane.store.wakes_across_processes else SQLITE_FALLBACK
        self._event = asyncio.Event()
        plane.on_change(self._from_any_thread)

    def close(self) -> None:
        self.plane.off_change(self._from_any_thread)

    def _from_any_thread(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed at shutdown
            self.loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None = None) -> None:
        """Until something changes, or ``timeout`` (default: the fallback poll interval) passes."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), self.fallback if timeout is None else max(timeout, 0.0))

"""Background threads of a Gate: the lease heartbeat and the worker loop.

The heartbeat renews the leases of the actions this process is running, so a long tool is not mistaken for a
dead one. The worker loop fires due timers, runs deferred actions whose window passed, runs requested undos and
retries what is safe to retry — for the tools registered in this process. Both are daemon threads that stop
with ``Gate.close()``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

log = logging.getLogger("tether.agent._worker")


class Heartbeat:
    """Renews the leases of running actions every third of the lease, from a daemon thread started on demand."""

    def __init__(self, renew: Callable[[list[tuple[str, str]]], object], lease: timedelta) -> None:
        self._renew = renew
        self._interval = max(lease.total_seconds() / 3, 0.05)
        self._running: set[tuple[str, str]] = set()  # (action id, claim token)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, claim: tuple[str, str]) -> None:
        with self._lock:
            self._running.add(claim)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="tether-heartbeat", daemon=True)
                self._thread.start()

    def discard(self, claim: tuple[str, str]) -> None:
        with self._lock:
            self._running.discard(claim)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                running = sorted(self._running)
            if running:
                try:
                    self._renew(running)
                except Exception:  # the store may be briefly unreachable; the next beat tries again
                    log.exception("could not renew leases of %s", running)


class WorkerLoop:
    """Calls ``work`` every ``interval`` seconds until stopped; a failing pass is logged, never fatal."""

    def __init__(self, work: Callable[[], object], interval: float) -> None:
        self._work = work
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tether-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._work()
            except Exception:
                log.exception("worker pass failed; retrying in %.1fs", self._interval)
            self._stop.wait(self._interval)

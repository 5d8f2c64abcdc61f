"""Wake-ups across instances on PostgreSQL: LISTEN/NOTIFY.

Every transaction that appends to the audit log also sends ``NOTIFY tether_changes`` (delivered at commit). One
thread per process listens on its own connection and calls the plane's wake-up, so an agent waiting on instance A
resumes as soon as a reviewer decides on instance B. A notification that is missed (a dropped connection, a
listener restarting) only delays: every waiter still polls, more slowly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("tether.store")
CHANNEL = "tether_changes"


class Listener:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.callbacks: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tether-listen", daemon=True)
        self._thread.start()

    def add(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        delay = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    self._fire()  # we may have missed some while (re)connecting
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self._fire()
            except Exception as exc:  # the database went away: keep trying, waiters poll meanwhile
                log.debug("change listener reconnecting: %s", exc)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def _fire(self) -> None:
        for callback in list(self.callbacks):
            try:
                callback()
            except Exception:
                log.exception("a change callback failed")

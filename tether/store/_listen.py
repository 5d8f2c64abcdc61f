"""Wake-ups across instances on PostgreSQL: LISTEN/NOTIFY.

Every transaction that appends to the audit log also sends ``NOTIFY tether_changes`` (delivered at commit). One
thread per process listens on its own connection and calls the plane's wake-up, so an agent waiting on instance A
resumes as soon as a reviewer decides on instance B. A notification that is missed (a dropped connection, a
listener restarting) only delays: every waiter still polls, more slowly.

The thread sleeps in ``select`` on two sockets: the database connection and a private wake-up pair. ``close()``
writes to the pair, so closing a store returns at once instead of waiting out a polling timeout (a PostgreSQL
plane used to take most of a second to close, which every test and every CLI command paid).
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("tether.store")
CHANNEL = "tether_changes"


class Listener:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.callbacks: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._thread = threading.Thread(target=self._run, name="tether-listen", daemon=True)
        self._thread.start()

    def add(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")
        self._thread.join(timeout=5)
        if not self._thread.is_alive():  # a thread stuck connecting still selects on the pair: leave it open
            self._wake_reader.close()
            self._wake_writer.close()

    def _run(self) -> None:
        import psycopg

        delay = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    self._fire()  # we may have missed some while (re)connecting
                    self._listen(conn)
            except Exception as exc:  # the database went away: keep trying, waiters poll meanwhile
                if self._stop.is_set():
                    return
                log.debug("change listener reconnecting: %s", exc)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def _listen(self, conn: psycopg.Connection[object]) -> None:
        """Wait for notifications or the wake-up, whichever comes first; returns only when closing."""
        pgconn = conn.pgconn
        with selectors.DefaultSelector() as selector:
            selector.register(pgconn.socket, selectors.EVENT_READ, "database")
            selector.register(self._wake_reader, selectors.EVENT_READ, "wake")
            while not self._stop.is_set():
                ready = {key.data for key, _ in selector.select()}
                if "wake" in ready or self._stop.is_set():
                    return
                pgconn.consume_input()  # raises once the server is gone, and the caller reconnects
                notified = False
                while pgconn.notifies() is not None:
                    notified = True
                if notified:
                    self._fire()

    def _fire(self) -> None:
        for callback in list(self.callbacks):
            try:
                callback()
            except Exception:
                log.exception("a change callback failed")

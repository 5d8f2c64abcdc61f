"""A private PostgreSQL server for the tests: Debian's binaries, a throwaway cluster in a temporary directory
(in memory, /dev/shm, where there is one: on this project's virtual disks a database copy took 0.3 s there and
14 ms in memory), listening on 127.0.0.1 only, started once per test session and stopped at its end.

Each test gets a database of its own: ``migrated_database`` copies a template that was migrated once per server
(``CREATE DATABASE ... TEMPLATE`` is a file copy, where running every migration took most of a test's setup);
``fresh_database`` is an empty one, for tests about migrating. A test's databases are dropped when it ends
(``drop_test_databases``), so the session's cluster stays small. Tests that take the server away (the outage tests)
use their own ``PgServer`` so the session's stays up. As root, the server runs as the ``postgres`` system user, since
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: `make test` installs Debian's postgresql package "
            "(apt-get install postgresql)"
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _scratch() -> str | None:
    """Where clusters live: memory if the machine offers it, else the default temporary directory."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PgServer:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tether-pg-", dir=_scratch()))
        self.created: list[str] = []  # databases made since the last drop_created()
        self._connection: psycopg.Connection[Any] | None = None
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._template: str | None = None
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "tether", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n"
                "wal_level = minimal\nmax_wal_senders = 0\n"  # a throwaway cluster: no replication, less WAL
            )
        self.start()

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        if self._connection is not None:
            self._connection.close()
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://tether@127.0.0.1:{self.port}/{database}"

    def fresh_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template``; returns its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        copy = f' TEMPLATE "{template}"' if template else ""
        self._admin().execute(f'CREATE DATABASE "{name}"{copy}')
        self.created.append(name)
        return self.url(name)

    def _admin(self) -> psycopg.Connection[Any]:
        """One connection for creating and dropping databases (a new one for each took longer than the copy)."""
        if self._connection is None or self._connection.closed or self._connection.broken:
            self._connection = psycopg.connect(self.url(), autocommit=True)
        return self._connection

    def drop_created(self) -> None:
        """Drop the databases made since the last call, closing what is still connected to them."""
        while self.created:
            self._admin().execute(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')

    def migrated_database(self) -> str:
        """A new database with Tether's current schema; returns its URL."""
        if self._template is None:
            from tether.store import open_store

            url = self.fresh_database()
            open_store(url).close()  # migrates; closing leaves no session that would block copying it
            self._template = self.created.pop()  # kept for the session
        return self.fresh_database(self._template)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


_SESSION: list[PgServer] = []


def pg_server() -> PgServer:
    """The test session's PostgreSQL server, started on first use (stopped by ``stop_session_server``)."""
    if not _SESSION:
        _SESSION.append(PgServer())
    return _SESSION[0]


def drop_test_databases() -> None:
    """Drop the databases the test that just ended made on the session's server (if it ever started)."""
    for server in _SESSION:
        server.drop_created()


def stop_session_server() -> None:
    while _SESSION:
        _SESSION.pop().destroy()

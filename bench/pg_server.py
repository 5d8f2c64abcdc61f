"""A private PostgreSQL server for the benchmarks, with durable settings.

Adapted from the tests' ``PgServer`` (tests/postgres.py), which turns durability off for speed. Here the cluster
keeps PostgreSQL's defaults — ``fsync=on``, ``synchronous_commit=on``, ``full_page_writes=on`` — written out
explicitly and read back with ``SHOW``, so every commit waits for its WAL flush, as SQLite's ``synchronous=FULL``
waits for its fsync. Debian's binaries, a throwaway cluster in a directory under the working directory (the same
disk as the benchmarks' SQLite files), listening on 127.0.0.1 only. As root the server runs as the ``postgres``
system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
SHOWN = ("server_version", *DURABLE, "wal_sync_method", "shared_buffers", "max_connections")


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: apt-get install postgresql (`make test` does)")
    return found[-1]


def available() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """Started by the constructor; ``destroy()`` stops it and deletes the cluster (also after a failed start)."""

    def __init__(self, parent: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix=".bench-pg-", dir=parent))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.started = False
        try:
            if self.as_root:
                shutil.chown(self.root, "postgres", "postgres")
            self._run(_bin("initdb"), "-D", str(self.data), "-U", "tether", "--auth=trust", "-E", "UTF8")
            settings = "".join(f"{name} = {value}\n" for name, value in DURABLE.items())
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write(
                    f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                    + settings
                )
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start")
            self.started = True
            self.settings = self.show()
            for name, value in DURABLE.items():
                if self.settings[name] != value:
                    raise RuntimeError(f"PostgreSQL runs with {name}={self.settings[name]}, not {value}")
        except BaseException:
            self.destroy()
            raise

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://tether@127.0.0.1:{self.port}/{database}"

    def show(self) -> dict[str, str]:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            return {name: str(conn.execute(f"SHOW {name}").fetchone()[0]) for name in SHOWN}  # type: ignore[index]

    def fresh_database(self, prefix: str = "bench") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pids(self) -> list[int]:
        """The postmaster and its children (backends, WAL writer, checkpointer, …), for CPU accounting."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return []
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == postmaster:
                    children.append(int(stat.split("/")[2]))
        return [postmaster, *children]

    def destroy(self) -> None:
        if self.started:
            with contextlib.suppress(Exception):
                self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

"""SQLite files for tests, with Tether's schema already in place.

Running every migration on a new file (each one committed and synced) was most of the setup of a test over a real
SQLite file. ``sqlite_url`` copies a file that was migrated once per session instead: the same schema, the same
rows, as if the test had opened a new file with ``open_store``. Tests about migrating open their own files.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from pathlib import Path

from postgres import pg_server

from tether.store import MemoryStore, Store, open_store

_TEMPLATE: list[Path] = []
_SCRATCH: list[Path] = []  # directories made outside any test (at import), removed when the session ends


def scratch_dir(prefix: str) -> Path:
    """A temporary directory for what a module must build when it is imported; gone at the end of the session
    (pytest-xdist's workers end without running atexit handlers, so this is the session's job)."""
    made = Path(tempfile.mkdtemp(prefix=prefix))
    _SCRATCH.append(made)
    return made


def sqlite_url(path: Path) -> str:
    """The URL of an SQLite file at ``path``, made with the current schema if there is none yet (an existing one is
    left as it is, as ``open_store`` would: reopening a file is how tests restart a process)."""
    if not path.exists():
        shutil.copy(_template(), path)
    return f"sqlite:///{path}"


def remove_template() -> None:
    """The session's template file and scratch directories."""
    while _TEMPLATE:
        shutil.rmtree(_TEMPLATE.pop().parent, ignore_errors=True)
    while _SCRATCH:
        shutil.rmtree(_SCRATCH.pop(), ignore_errors=True)


def _template() -> Path:
    if not _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="tether-sqlite-")) / "template.db"
        open_store(f"sqlite:///{path}").close()
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file that is copied
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


def make_store(kind: str, tmp_path: Path) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "postgres":
        return open_store(pg_server().migrated_database())
    return open_store(sqlite_url(tmp_path / "tether.db"))

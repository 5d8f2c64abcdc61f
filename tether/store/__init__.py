"""Stores: where actions, lanes and the audit log live. ``open_store(url)`` picks one by URL.

The contract is split by capability (``ActionStore``, ``LaneStore``, ``AuditLog``, ``OutboxStore``, ``TokenStore``,
``ShadowStore``), each proved by its class in ``tether.store.testing``; ``Store`` is all of them.

``memory://`` (tests), ``sqlite:///path.db`` (the embedded default), ``postgresql://...`` (several instances).
"""

from __future__ import annotations

from tether.errors import UsageError
from tether.store._base import (
    UNSET,
    ActionFilter,
    ActionStore,
    Admission,
    AuditLog,
    Breaker,
    Changes,
    Delivery,
    EventDraft,
    LaneStore,
    OutboxStore,
    ShadowFilter,
    ShadowStore,
    Store,
    TokenStore,
    Unset,
)
from tether.store._memory import MemoryStore

DEFAULT_URL = "sqlite:///tether.db"


def open_store(url: str = DEFAULT_URL, *, setup: bool = True, read_only: bool = False) -> Store:
    """The store for a URL, with its schema created or migrated (unless ``setup=False``).

    ``read_only`` (or ``?mode=ro`` in an SQLite URL, or an SQLite file this process may not write) opens it without
    ever writing: the schema must then be current, and any write fails with a StoreError saying it is read-only.
    """
    store: Store
    if url.startswith("memory:"):
        store = MemoryStore()
    elif url.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")):
        from tether.store._sql import SQLStore

        store = SQLStore(url, read_only=read_only)
    else:
        raise UsageError(f"unsupported database URL {url!r}: use sqlite:///path.db, postgresql://... or memory://")
    if setup:
        store.setup()
    return store


__all__ = [
    "DEFAULT_URL",
    "UNSET",
    "ActionFilter",
    "ActionStore",
    "Admission",
    "AuditLog",
    "Breaker",
    "Changes",
    "Delivery",
    "EventDraft",
    "LaneStore",
    "MemoryStore",
    "OutboxStore",
    "ShadowFilter",
    "ShadowStore",
    "Store",
    "TokenStore",
    "Unset",
    "open_store",
]

"""Stores: where actions, lanes and the audit log live. ``open_store(url)`` picks one by URL.

``memory://`` (tests), ``sqlite:///path.db`` (the embedded default), ``postgresql://...`` (several instances).
"""

from __future__ import annotations

from tether.errors import UsageError
from tether.store._base import ActionFilter, Admission, Breaker, Changes, Delivery, EventDraft, ShadowFilter, Store
from tether.store._memory import MemoryStore

DEFAULT_URL = "sqlite:///tether.db"


def open_store(url: str = DEFAULT_URL, *, setup: bool = True) -> Store:
    """The store for a URL, with its schema created or migrated (unless ``setup=False``)."""
    store: Store
    if url.startswith("memory:"):
        store = MemoryStore()
    elif url.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")):
        from tether.store._sql import SQLStore

        store = SQLStore(url)
    else:
        raise UsageError(f"unsupported database URL {url!r}: use sqlite:///path.db, postgresql://... or memory://")
    if setup:
        store.setup()
    return store


__all__ = [
    "DEFAULT_URL",
    "ActionFilter",
    "Admission",
    "Breaker",
    "Changes",
    "Delivery",
    "EventDraft",
    "MemoryStore",
    "ShadowFilter",
    "Store",
    "open_store",
]

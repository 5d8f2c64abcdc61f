"""Every store backend keeps the storage contract: the shared conformance suite, run once per backend.

The ``store`` fixture in tests/conftest.py is parametrised over memory and a real SQLite file, so each test
below runs against both.
"""

from __future__ import annotations

from tether.store.testing import (
    OutboxConformance,
    ShadowConformance,
    StoreConformance,
    SweepConformance,
    TokenConformance,
)


class TestStoreConformance(StoreConformance):
    """The whole suite, inherited unchanged."""


class TestTokenConformance(TokenConformance):
    """API tokens, on every backend."""


class TestShadowConformance(ShadowConformance):
    """Shadow cases, on every backend."""


class TestOutboxConformance(OutboxConformance):
    """The notification outbox, on every backend."""


class TestSweepConformance(SweepConformance):
    """Sweep claims, on every backend."""

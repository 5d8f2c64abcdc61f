"""Every store backend keeps the storage contract: the shared conformance suite, run once per backend.

The ``store`` fixture in tests/conftest.py is parametrised over memory, a real SQLite file and a real PostgreSQL
database, so each test below runs against all three. One class per capability of ``tether.store.Store``.
"""

from __future__ import annotations

from tether.store.testing import (
    ActionConformance,
    AuditLogConformance,
    LaneConformance,
    OutboxConformance,
    PinConformance,
    ShadowConformance,
    TokenConformance,
)


class TestActionConformance(ActionConformance):
    """Actions: admission, transitions, reads and due timers, on every backend."""


class TestLaneConformance(LaneConformance):
    """Lanes and breakers, on every backend."""


class TestAuditLogConformance(AuditLogConformance):
    """The audit log, on every backend."""


class TestTokenConformance(TokenConformance):
    """API tokens, nonces and secrets, on every backend."""


class TestShadowConformance(ShadowConformance):
    """Shadow cases, on every backend."""


class TestOutboxConformance(OutboxConformance):
    """The notification outbox, on every backend."""


class TestPinConformance(PinConformance):
    """Pinned tool definitions, on every backend."""

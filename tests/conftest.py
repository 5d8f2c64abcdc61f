"""Shared fixtures. ``store`` runs a test once per backend: memory, a real SQLite file and a real PostgreSQL
database (a private server started once per session, see tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import pg_server, stop_session_server

from tether import FakeClock, Gate, Policy
from tether.store import MemoryStore, Store, open_store

STORE_KINDS = ["memory", "sqlite", "postgres"]


@pytest.fixture(scope="session", autouse=True)
def _stop_postgres() -> Iterator[None]:
    yield
    stop_session_server()


def make_store(kind: str, tmp_path: Path) -> Store:
    if kind == "memory":
        return MemoryStore()
    if kind == "postgres":
        return open_store(pg_server().migrated_database())
    return open_store(f"sqlite:///{tmp_path / 'tether.db'}")


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = make_store(request.param, tmp_path)
    yield made
    made.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


EXAMPLE_POLICY = {
    "tools": {
        "classify_ticket": {"risk": "low", "reversible": "yes"},
        "draft_marketing_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "send_user_notification": {"risk": "high", "reversible": "no"},
        "cancel_order": {"risk": "high", "reversible": "partial"},
        "delete_user_data": {"risk": "critical", "reversible": "no"},
        "transfer_funds": {"risk": "critical", "reversible": "no", "timeout": "4h"},
        "refund": {"risk": "medium", "reversible": "partial"},
    },
    "rules": [{"id": "large-refund", "tool": "refund", "when": "args.amount > 1000", "mode": "approve"}],
    "limits": [{"id": "refund-rate", "tool": "refund", "max": 3, "per": "1h"}],
}


@pytest.fixture
def policy() -> Policy:
    return Policy.from_dict(EXAMPLE_POLICY)


GATE_KINDS = [*STORE_KINDS, "remote"]


@pytest.fixture(params=GATE_KINDS)
def gate(request: pytest.FixtureRequest, policy: Policy, tmp_path: Path, clock: FakeClock) -> Iterator[Gate]:
    """A gate over every store, and over a real server on loopback (``tether.connect``), with the example tools
    registered as simple recorders: the behaviour tests that use it run against the local and the remote gate."""
    if request.param == "remote":
        from serving import LiveServer, RoutedPlane

        from tether.plane import ControlPlane

        store = make_store("sqlite", tmp_path)
        server = LiveServer(ControlPlane(policy, store, clock=clock), sweep_interval=0)
        g = Gate(plane=RoutedPlane(server, clock=clock))
    else:
        store = make_store(request.param, tmp_path)
        g = Gate(policy, store, clock=clock)
    _register_example_tools(g)
    yield g
    g.close()
    if request.param == "remote":
        server.stop()
        store.close()


def _register_example_tools(g: Gate) -> None:
    g.ran = []  # type: ignore[attr-defined]

    @g.tool
    def classify_ticket(ticket: str) -> str:
        g.ran.append(("classify_ticket", ticket))  # type: ignore[attr-defined]
        return "billing"

    def delete_draft(to: str, result: str) -> str:
        g.ran.append(("delete_draft", to))  # type: ignore[attr-defined]
        return f"deleted {result}"

    def reverse_refund(order: str, amount: float) -> str:
        g.ran.append(("reverse_refund", order, amount))  # type: ignore[attr-defined]
        return f"reversed {amount}"

    @g.tool(undo=delete_draft)
    def draft_marketing_email(to: str, body: str) -> str:
        g.ran.append(("draft_marketing_email", to))  # type: ignore[attr-defined]
        return f"draft for {to}"

    @g.tool
    def transfer_funds(account: str, amount: float) -> str:
        g.ran.append(("transfer_funds", account, amount))  # type: ignore[attr-defined]
        return f"sent {amount} to {account}"

    @g.tool
    def cancel_order(order: str) -> str:
        g.ran.append(("cancel_order", order))  # type: ignore[attr-defined]
        return f"cancelled {order}"

    @g.tool(undo=reverse_refund)
    def refund(order: str, amount: float) -> str:
        g.ran.append(("refund", order, amount))  # type: ignore[attr-defined]
        return f"refunded {amount}"

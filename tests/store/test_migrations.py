"""A database made by an older Tether is upgraded in place, with its actions and audit chain intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tether import Approve, Gate, Policy, Status, ToolCall
from tether.store import open_store
from tether.store._migrations import MIGRATIONS

# The schema migration 1 created before migration 2 existed (Tether 0.1 foundation).
V1_SCHEMA = """
CREATE TABLE tether_schema (version INTEGER PRIMARY KEY, applied_at FLOAT NOT NULL);
CREATE TABLE actions (
    id VARCHAR(64) PRIMARY KEY, created_at FLOAT NOT NULL, updated_at FLOAT NOT NULL, agent VARCHAR(200) NOT NULL,
    tool VARCHAR(200) NOT NULL, thread VARCHAR(200), subject VARCHAR(200), call_id VARCHAR(200) NOT NULL,
    reasoning TEXT, confidence FLOAT, args TEXT NOT NULL, verdict TEXT NOT NULL, mode VARCHAR(16) NOT NULL,
    urgency VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, policy_version VARCHAR(64) NOT NULL,
    decision TEXT, decided_at FLOAT, result TEXT, error TEXT, window_ends_at FLOAT, expires_at FLOAT
);
CREATE INDEX ix_actions_status_created ON actions (status, created_at);
CREATE INDEX ix_actions_lane ON actions (agent, tool, created_at);
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY, at VARCHAR(40) NOT NULL, actor VARCHAR(250) NOT NULL, kind VARCHAR(64) NOT NULL,
    action_id VARCHAR(64), body TEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL
);
CREATE INDEX ix_audit_action ON audit_events (action_id, seq);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash VARCHAR(64) NOT NULL);
CREATE TABLE lanes (agent VARCHAR(200), tool VARCHAR(200), level VARCHAR(16), breaker VARCHAR(200),
    breaker_at FLOAT, PRIMARY KEY (agent, tool));
CREATE TABLE usage (id INTEGER PRIMARY KEY AUTOINCREMENT, limit_id VARCHAR(200) NOT NULL, agent VARCHAR(200) NOT NULL,
    tool VARCHAR(200) NOT NULL, at FLOAT NOT NULL, amount FLOAT NOT NULL);
INSERT INTO tether_schema VALUES (1, 0);
INSERT INTO audit_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
"""
POLICY = {"tools": {"transfer_funds": {"risk": "critical", "reversible": "no"}}}


def test_a_version_1_database_is_upgraded_and_keeps_working(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
    store = open_store(f"sqlite:///{path}")
    gate = Gate(Policy.from_dict(POLICY), store)
    gate.tool(lambda account, amount: "sent", name="transfer_funds")
    held = gate.call(ToolCall(tool="transfer_funds", args={"account": "A", "amount": 1.0}, agent="bot"))
    gate.decide(held.action_id, Approve(by="alice"))
    assert gate.resume(held.action_id).kind == "executed"
    assert gate.get(held.action_id).status is Status.EXECUTED
    assert gate.plane.verify().ok
    with sqlite3.connect(path) as db:
        versions = [row[0] for row in db.execute("SELECT version FROM tether_schema ORDER BY version")]
        columns = {row[1] for row in db.execute("PRAGMA table_info(actions)")}
        indexes = {row[1] for row in db.execute("PRAGMA index_list(actions)")}
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert {"approvals", "lease_until", "claimed_by", "undo", "version", "run_at"} <= columns
    assert {"ix_actions_expiry", "ix_actions_lease"} <= indexes
    gate.close()

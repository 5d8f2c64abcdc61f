"""Schema migrations as an ordered list, applied once each and recorded in ``tether_schema``.

A fresh database gets the current tables from migration 1 (``create_all``); later migrations must therefore be
idempotent — add a column only if ``inspect`` says it is missing — so that they are no-ops on fresh installs and
real upgrades on old ones. Never edit or reorder a released migration; append a new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine, insert, inspect, select, text

from tether.audit import GENESIS
from tether.store import _schema as schema

Migration = Callable[[Connection], None]


def _m001_initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, checkfirst=True)
    if conn.execute(select(schema.audit_head.c.id)).first() is None:
        conn.execute(insert(schema.audit_head).values(id=1, seq=0, hash=GENESIS))


def _m002_durable_actions(conn: Connection) -> None:
    """Columns and indexes for quorum, timers, leases, deferral and undo (no-op on a fresh database)."""
    inspector = inspect(conn)
    present = {column["name"] for column in inspector.get_columns("actions")}
    for name in schema.ACTIONS_V2_COLUMNS:
        if name not in present:
            column = schema.actions.c[name]
            ddl_type = column.type.compile(dialect=conn.dialect)
            default = f" DEFAULT {column.server_default.arg}" if column.server_default is not None else ""  # type: ignore[attr-defined]
            not_null = " NOT NULL" if not column.nullable else ""
            conn.exec_driver_sql(f"ALTER TABLE actions ADD COLUMN {name} {ddl_type}{not_null}{default}")
    indexes = {index["name"] for index in inspector.get_indexes("actions")}
    for index in schema.actions.indexes:
        if index.name in schema.ACTIONS_V2_INDEXES and index.name not in indexes:
            index.create(conn)


def _m003_tokens(conn: Connection) -> None:
    """API tokens for the server (no-op on a fresh database)."""
    schema.tokens.create(conn, checkfirst=True)


def _m004_shadow(conn: Connection) -> None:
    """Shadow cases (no-op on a fresh database)."""
    schema.shadow_cases.create(conn, checkfirst=True)


def _m005_unique_calls(conn: Connection) -> None:
    """One action per (agent, call_id), so a repeated submit is idempotent (no-op on a fresh database)."""
    if "ux_actions_call" not in {index["name"] for index in inspect(conn).get_indexes("actions")}:
        next(i for i in schema.actions.indexes if i.name == "ux_actions_call").create(conn)


def _m006_incidents(conn: Connection) -> None:
    """Critical errors flagged by reviewers (no-op on a fresh database)."""
    schema.incidents.create(conn, checkfirst=True)


def _m007_inbox_index(conn: Connection) -> None:
    """The inbox's order (urgency, then age) read from an index instead of sorting every pending action."""
    _create_indexes(conn, "ix_actions_inbox")


def _create_indexes(conn: Connection, *names: str) -> None:
    present = {i["name"] for i in inspect(conn).get_indexes(schema.actions.name)}
    for index in schema.actions.indexes:
        if index.name in names and index.name not in present:
            index.create(conn)


def _m008_review_findings(conn: Connection) -> None:
    """Sampled reviews share the incidents table: a finding column says critical, bad or ok."""
    if "finding" not in {c["name"] for c in inspect(conn).get_columns(schema.incidents.name)}:
        conn.execute(text("ALTER TABLE incidents ADD COLUMN finding VARCHAR(16) NOT NULL DEFAULT 'critical'"))


def _m009_outbox(conn: Connection) -> None:
    """The notification outbox, its cursor, single-use keys and stored secrets (no-op on a fresh database)."""
    for table in (schema.outbox, schema.outbox_cursor, schema.nonces, schema.secrets):
        table.create(conn, checkfirst=True)
    if conn.execute(select(schema.outbox_cursor.c.id)).first() is None:
        # Notifications start from now: an upgraded database does not page people about last year's events.
        head = conn.execute(select(schema.audit_head.c.seq).where(schema.audit_head.c.id == 1)).scalar() or 0
        conn.execute(insert(schema.outbox_cursor).values(id=1, seq=head))


def _m010_listing_indexes(conn: Connection) -> None:
    """Indexes for listing newest first (the activity page) and a wider inbox index that pages deeply without
    sorting: measured in bench/inbox.py at 350k actions, the activity page went from 1.3 s to 12 ms."""
    present = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes(schema.actions.name)}
    if present.get("ix_actions_inbox") not in (None, ["status", "urgency", "created_at", "id"]):
        conn.execute(text("DROP INDEX ix_actions_inbox"))
    _create_indexes(conn, "ix_actions_inbox", "ix_actions_created", "ix_actions_agent_created")


def _m011_sweep_claims(conn: Connection) -> None:
    """Sweepers claim due timers (several instances split the work; a dead one's claims lapse)."""
    present = {c["name"] for c in inspect(conn).get_columns(schema.actions.name)}
    for name in ("swept_by", "sweep_until"):
        if name not in present:
            ddl_type = schema.actions.c[name].type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE actions ADD COLUMN {name} {ddl_type}")


def _m012_tool_pins(conn: Connection) -> None:
    """Pinned tool definitions of MCP gateways (no-op on a fresh database)."""
    schema.tool_pins.create(conn, checkfirst=True)


MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_durable_actions,
    _m003_tokens,
    _m004_shadow,
    _m005_unique_calls,
    _m006_incidents,
    _m007_inbox_index,
    _m008_review_findings,
    _m009_outbox,
    _m010_listing_indexes,
    _m011_sweep_claims,
    _m012_tool_pins,
]


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table(schema.schema_version.name):
        return 0
    latest = conn.execute(select(schema.schema_version.c.version).order_by(schema.schema_version.c.version.desc()))
    row = latest.first()
    return int(row[0]) if row else 0


def migrate(engine: Engine) -> int:
    """Bring the schema up to date; returns the version reached.

    Each migration runs in its own write transaction that re-reads the version first, so two processes
    starting on one new database apply every migration once.
    """
    while True:
        with engine.begin() as conn:
            version = current_version(conn)
            if version >= len(MIGRATIONS):
                return version
            MIGRATIONS[version](conn)
            schema.schema_version.create(conn, checkfirst=True)
            conn.execute(insert(schema.schema_version).values(version=version + 1, applied_at=time.time()))

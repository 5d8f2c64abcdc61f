"""The SQL tables, written once in SQLAlchemy Core so SQLite and PostgreSQL share them.

Times are stored as UTC epoch seconds (a float) so that windows and orderings are plain numeric comparisons on
every dialect; the audit log keeps its ISO text stamps because they are part of what is hashed.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, Text, text

metadata = MetaData()

schema_version = Table(
    "tether_schema",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Float, nullable=False),
)

actions = Table(
    "actions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("agent", String(200), nullable=False),
    Column("tool", String(200), nullable=False),
    Column("thread", String(200)),
    Column("subject", String(200)),
    Column("call_id", String(200), nullable=False),
    Column("reasoning", Text),
    Column("confidence", Float),
    Column("args", Text, nullable=False),
    Column("verdict", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("policy_version", String(64), nullable=False),
    Column("decision", Text),
    Column("decided_at", Float),
    Column("result", Text),
    Column("error", Text),
    Column("window_ends_at", Float),
    Column("expires_at", Float),
    # added by migration 2 (durable approvals and override windows)
    Column("approvals", Text),
    Column("run_at", Float),
    Column("reviewers", String(200)),
    Column("escalations", Integer, nullable=False, server_default="0"),
    Column("claimed_by", String(64)),
    Column("lease_until", Float),
    Column("undo", Text),
    Column("version", Integer, nullable=False, server_default="0"),
    # migration 11: the sweeper instance that claimed this action's due timer, until when (dead ones lapse)
    Column("swept_by", String(64)),
    Column("sweep_until", Float),
    Index("ix_actions_status_created", "status", "created_at"),
    Index("ix_actions_lane", "agent", "tool", "created_at"),
    # The dashboard's inbox: pending actions, most urgent first, then oldest first (migration 7).
    Index("ix_actions_inbox", "status", "urgency", "created_at", "id"),
    # The activity page: newest first, overall and per agent (migration 10).
    Index("ix_actions_created", "created_at", "id"),
    Index("ix_actions_agent_created", "agent", "created_at", "id"),
    # One action per call: an agent that submits the same call twice (a retry after a timeout) gets the first.
    Index("ux_actions_call", "agent", "call_id", unique=True),
)

# Timer indexes are partial: an action sits in one only while that timer can fire, so the common auto call
# touches just the lease index (once in, once out) and the commit that must be fsynced stays small.
_PENDING = text("status = 'pending'")
_WINDOW_OPEN = text("status = 'executed' AND window_ends_at IS NOT NULL")
_DEFERRED = text("status = 'deferred'")
_LEASED = text("status IN ('running', 'undoing')")
for _name, _column, _where in (
    ("ix_actions_expiry", "expires_at", _PENDING),
    ("ix_actions_window", "window_ends_at", _WINDOW_OPEN),
    ("ix_actions_run", "run_at", _DEFERRED),
    ("ix_actions_lease", "lease_until", _LEASED),
):
    Index(_name, actions.c[_column], sqlite_where=_where, postgresql_where=_where)

# The columns migration 2 adds to databases made by migration 1, with their DDL types.
ACTIONS_V2_COLUMNS = ("approvals", "run_at", "reviewers", "escalations", "claimed_by", "lease_until", "undo", "version")
ACTIONS_V2_INDEXES = ("ix_actions_expiry", "ix_actions_window", "ix_actions_run", "ix_actions_lease")

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(250), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("action_id", String(64)),
    Column("body", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_action", "action_id", "seq"),
)

# One row (id = 1): the chain's head, locked by every writer so sequence numbers never collide.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# API tokens (migration 3). Only a SHA-256 digest of each secret is kept; the secret is shown once, at creation.
tokens = Table(
    "tokens",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("groups", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

# Shadow mode (migration 4): one row per subject seen by the agent, the human, or both.
shadow_cases = Table(
    "shadow_cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("agent", String(200)),
    Column("has_agent", Integer, nullable=False),
    Column("agent_tool", String(200)),
    Column("agent_args", Text, nullable=False),
    Column("agent_action_id", String(64)),
    Column("agent_confidence", Float),
    Column("agent_error", Text),
    Column("has_human", Integer, nullable=False),
    Column("human_tool", String(200)),
    Column("human_args", Text, nullable=False),
    Column("human_by", String(200)),
    Column("result", String(32)),
    Column("detail", Text),
    Column("compared_at", Float),
    Index("ix_shadow_subject", "subject", "created_at"),
)

# Critical errors flagged by reviewers (migration 6): the ladder's strongest evidence.
incidents = Table(
    "incidents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("action_id", String(64), nullable=False),
    Column("agent", String(200), nullable=False),
    Column("tool", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("by", String(200), nullable=False),
    Column("at", Float, nullable=False),
    # migration 8: critical (an incident report), or a sampled review's verdict, bad or ok
    Column("finding", String(16), nullable=False, server_default="critical"),
    Index("ix_incidents_lane", "agent", "tool", "at"),
)

lanes = Table(
    "lanes",
    metadata,
    Column("agent", String(200), primary_key=True),
    Column("tool", String(200), primary_key=True),
    Column("level", String(16)),
    Column("breaker", String(200)),
    Column("breaker_at", Float),
)

usage = Table(
    "usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("limit_id", String(200), nullable=False),
    Column("agent", String(200), nullable=False),
    Column("tool", String(200), nullable=False),
    Column("at", Float, nullable=False),
    Column("amount", Float, nullable=False),
    Index("ix_usage_window", "limit_id", "agent", "tool", "at"),
)

# The notification outbox (migration 9): filled from the audit log, which is written in the same transaction as
# every state change, so a notification is never lost between a commit and a send.
outbox = Table(
    "outbox",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("action_id", String(64)),
    Column("kind", String(32), nullable=False),
    Column("channel", String(100), nullable=False),
    Column("recipient", String(200)),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Column("next_at", Float, nullable=False),
    Column("only_if_pending", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("sent_at", Float),
    Column("claimed_by", String(64)),
    Column("lease_until", Float),
    Index("ix_outbox_due", "status", "next_at"),
)

# One row (id = 1): the last audit sequence number turned into deliveries.
outbox_cursor = Table(
    "outbox_cursor",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
)

# Single-use keys: email links followed, Slack deliveries seen.
nonces = Table(
    "nonces",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("at", Float, nullable=False),
)

# Tool definitions a gateway pinned (first seen, or a reviewed change), per agent.
tool_pins = Table(
    "tool_pins",
    metadata,
    Column("agent", String(200), primary_key=True),
    Column("tool", String(200), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("definition", Text, nullable=False),
    Column("pinned_at", Float, nullable=False),
    Column("pinned_by", String(200), nullable=False),
)

# Random secrets made on first use (link signing), shared by every instance on the store.
secrets = Table(
    "secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
)

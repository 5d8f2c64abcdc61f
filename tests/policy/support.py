"""Small builders so that each test reads as the policy it sets up and the call it makes."""

from __future__ import annotations

from textwrap import dedent
from typing import Any

from tether.model import ToolCall
from tether.policy import Policy

# DESIGN.md's seed examples, classified the way the design says they land.
SEED_POLICY = """
[tools.classify_support_ticket]
risk = "low"
reversible = "yes"

[tools.draft_marketing_email]
risk = "medium"
reversible = "yes"

[tools.send_user_notification]
risk = "high"
reversible = "no"

[tools.cancel_order]
risk = "high"
reversible = "partial"

[tools.delete_user_data]
risk = "critical"
reversible = "no"

[tools.transfer_funds]
risk = "critical"
reversible = "no"
"""


def policy(toml: str = "") -> Policy:
    """A policy from TOML text, indented freely in the test."""
    return Policy.from_toml(dedent(toml), source="p.toml")


def seed_policy(extra: str = "") -> Policy:
    """The seed tools, plus whatever else a test adds (rules, limits, defaults)."""
    return policy(SEED_POLICY + dedent(extra))


def call(tool: str, *, agent: str = "support-bot", **fields: Any) -> ToolCall:
    return ToolCall(tool=tool, agent=agent, **fields)

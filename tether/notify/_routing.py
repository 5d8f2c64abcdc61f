"""Which audit events call for a human, and which channels hear of them. Pure: no I/O.

The outbox reads the audit log (written in the same transaction as every state change) and asks ``trigger`` what
each event means for people, then ``plan`` where it goes, so a notification can never be lost between a commit and
a send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tether.audit import AuditEvent
from tether.model import Action, Mode, Risk, Urgency
from tether.policy._notify import EmailChannel, NotifyConfig


def trigger(event: AuditEvent, action: Action | None) -> str | None:
    """The notification an event calls for, or None."""
    kind, body = event.kind, event.body
    if kind == "action.proposed" and body.get("status") == "pending":
        return "approval_needed"
    if kind == "action.executed" and action is not None:
        if "window_ends_at" in body:
            return "override_executed"
        if action.verdict.alert or action.verdict.mode is Mode.NOTIFY:
            return "alert_executed"
        return None
    return {
        "action.escalated": "escalated",
        "breaker.opened": "breaker_opened",
        "lane.demoted": "lane_demoted",
        "action.unknown": "unknown",
        "action.not_run": "not_run",
    }.get(kind)


@dataclass(frozen=True, slots=True)
class Planned:
    """One delivery to make: a channel, a recipient for per-person channels, and when."""

    channel: str
    recipient: str | None
    due: datetime
    only_if_pending: bool = False  # an escalation: skipped if someone decided first


def plan(
    notification: str,
    *,
    tool: str | None,
    risk: Risk | None,
    urgency: Urgency | None,
    config: NotifyConfig,
    now: datetime,
) -> list[Planned]:
    """Every delivery the routes ask for, once per channel and recipient (the first route to name a pair wins)."""
    planned: dict[tuple[str, str | None], Planned] = {}
    for route in config.routes:
        if notification not in route.events:
            continue
        if route.tools is not None and tool not in route.tools:
            continue
        if route.risk is not None and risk not in route.risk:
            continue
        if route.urgency is not None and urgency is not route.urgency:
            continue
        for key in _targets(config, route.channels):
            planned.setdefault(key, Planned(key[0], key[1], now))
        if route.escalate_after is not None:
            for key in _targets(config, route.escalate_to):
                planned.setdefault(key, Planned(key[0], key[1], now + route.escalate_after, only_if_pending=True))
    return list(planned.values())


def _targets(config: NotifyConfig, names: list[str]) -> list[tuple[str, str | None]]:
    """(channel, recipient) pairs: an email channel writes to each of its people, others post once."""
    pairs: list[tuple[str, str | None]] = []
    for name in names:
        channel = config.channels[name]
        if isinstance(channel, EmailChannel):
            pairs.extend((name, person) for person in channel.to)
        else:
            pairs.append((name, None))
    return pairs


def backoff(attempts: int, base: timedelta) -> timedelta:
    """How long to wait after ``attempts`` failures: doubling from ``base``, at most an hour."""
    grown: timedelta = base * (2 ** max(attempts - 1, 0))
    return min(grown, timedelta(hours=1))

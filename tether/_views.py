"""The JSON views of reports (lanes, shadow statistics, deliveries) for the API, the CLI and the dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tether._json import iso
from tether.store._rows import shadow_case_to_dict

if TYPE_CHECKING:
    from tether.autonomy._shadow import ShadowStats
    from tether.plane._lanes import LaneReport
    from tether.store import Delivery


def stats_to_dict(row: ShadowStats) -> dict[str, Any]:
    return {
        "key": row.key,
        "cases": row.cases,
        "agreement": row.agreement,
        "agree": row.agree,
        "false_positives": row.false_positives,
        "false_negatives": row.false_negatives,
        "mismatches": row.mismatches,
        "edge_cases": [shadow_case_to_dict(c) for c in row.edge_cases],
    }


DELIVERY_STATUSES = ("pending", "sending", "sent", "skipped", "dead")


def delivery_to_dict(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "event": d.kind,
        "seq": d.seq,
        "action_id": d.action_id,
        "channel": d.channel,
        "recipient": d.recipient,
        "status": d.status,
        "attempts": d.attempts,
        "created_at": iso(d.created_at),
        "next_at": iso(d.next_at),
        "last_error": d.last_error,
        "sent_at": iso(d.sent_at),
    }


def lane_to_dict(report: LaneReport, now: datetime) -> dict[str, Any]:
    evidence, step = report.evidence, report.step
    return {
        "lane": report.lane,
        "level": report.level.value,
        "ceiling": report.ceiling.value,
        "locked": report.locked,
        "cases": evidence.cases,
        "accuracy": evidence.accuracy,
        "override_rate": evidence.override_rate,
        "days_without_critical": evidence.days_without_critical(now),
        "review_p99_seconds": evidence.review_p99,
        "review_is_bottleneck": report.review_bottleneck,
        "next": step.target.value if step.target else None,
        "ready": step.ready,
        "demote": step.demote,
        "waiting_for": list(step.waiting_for),
    }

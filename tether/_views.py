"""The JSON views of reports (lanes, shadow statistics, deliveries) for the CLI and the dashboard.

They are the API's wire models (``tether.wire``) dumped to plain JSON, so every surface shows the same fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tether.wire import DeliveryOut, LaneOut, ShadowStatsOut

if TYPE_CHECKING:
    from tether.autonomy._shadow import ShadowStats
    from tether.plane._lanes import LaneReport
    from tether.store import Delivery


def stats_to_dict(row: ShadowStats) -> dict[str, Any]:
    return ShadowStatsOut.of(row).model_dump(mode="json")


DELIVERY_STATUSES = ("pending", "sending", "sent", "skipped", "dead")


def delivery_to_dict(d: Delivery) -> dict[str, Any]:
    return DeliveryOut.of(d).model_dump(mode="json")


# The API's lane also carries the raw evidence a client needs to rebuild a LaneReport; people's views leave it out.
_EVIDENCE = {"good", "undone", "first_case_at", "last_critical_at", "reason"}


def lane_to_dict(report: LaneReport, now: datetime) -> dict[str, Any]:
    return LaneOut.of(report, now).model_dump(mode="json", exclude=_EVIDENCE)

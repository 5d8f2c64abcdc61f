"""Prometheus metrics at ``/metrics``, named by Prometheus conventions and free of per-action labels.

Counts of actions come from the store at scrape time, so every instance reports the same truth; review latency
is observed by the instance that recorded each decision.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tether.model import Action, Status
from tether.plane import ControlPlane

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_REVIEW_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)


class _StoreCollector(Collector):
    def __init__(self, plane: ControlPlane) -> None:
        self.plane = plane

    def collect(self) -> Iterator[Metric]:
        totals = CounterMetricFamily(
            "tether_actions", "Actions admitted, by mode and current outcome", labels=["mode", "outcome"]
        )
        pending = 0
        for (mode, status), count in sorted(self.plane.store.count_actions().items()):
            totals.add_metric([mode, status], count)
            if status == Status.PENDING.value:
                pending += count
        yield totals
        yield GaugeMetricFamily("tether_pending_actions", "Actions waiting for a human decision", value=pending)
        yield CounterMetricFamily(
            "tether_audit_events", "Events in the audit log", value=self.plane.store.audit_head().seq
        )
        yield GaugeMetricFamily("tether_open_breakers", "Lanes whose breaker is open", value=len(self.plane.breakers()))


class Metrics:
    """One registry per app, so several apps (tests) in one process never share state."""

    def __init__(self, plane: ControlPlane) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_StoreCollector(plane))
        self.review_latency = Histogram(
            "tether_review_latency_seconds",
            "Time from an action being held to a human settling it",
            buckets=_REVIEW_BUCKETS,
            registry=self.registry,
        )

    def observe_decision(self, action: Action) -> None:
        if action.decided_at is not None and action.status is not Status.PENDING:
            self.review_latency.observe((action.decided_at - action.created_at).total_seconds())

    def render(self) -> bytes:
        return generate_latest(self.registry)

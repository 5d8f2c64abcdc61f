"""Lanes on the wire: a lane's level, the evidence behind it and its next step; breakers.

The report carries the evidence's counts and moments (``good``, ``undone``, ``first_case_at``,
``last_critical_at``) besides the figures derived from them, so that a client can rebuild the same ``LaneReport``
the local plane returns. Review latencies travel only as their P99.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from tether.autonomy._ladder import Evidence, Step
from tether.model import Mode
from tether.plane._lanes import LaneReport
from tether.store import Breaker
from tether.wire._base import Moment, WireModel, utc, utc_or_none


class LaneOut(WireModel):
    """One lane (agent × tool): its level under its ceiling, the evidence at that level, and where it goes next."""

    lane: str = Field(description="agent/tool")
    level: Mode
    ceiling: Mode
    locked: bool = Field(description="The ceiling is locked: a human is always required; the ladder stops at approve.")
    cases: int
    accuracy: float | None
    override_rate: float | None
    days_without_critical: float | None
    review_p99_seconds: float | None
    review_is_bottleneck: bool
    next: Mode | None = Field(description="The level the lane would move to; null: it stays.")
    ready: bool
    demote: bool
    waiting_for: list[str]
    good: int = Field(description="Cases that count as right.")
    undone: int = Field(description="Runs undone inside their override window.")
    first_case_at: Moment | None
    last_critical_at: Moment | None
    reason: str = Field(description="Why the next step is proposed (empty while the lane waits).")

    @classmethod
    def of(cls, report: LaneReport, now: datetime) -> LaneOut:
        evidence, step = report.evidence, report.step
        return cls(
            lane=report.lane,
            level=report.level,
            ceiling=report.ceiling,
            locked=report.locked,
            cases=evidence.cases,
            accuracy=evidence.accuracy,
            override_rate=evidence.override_rate,
            days_without_critical=evidence.days_without_critical(now),
            review_p99_seconds=evidence.review_p99,
            review_is_bottleneck=report.review_bottleneck,
            next=step.target,
            ready=step.ready,
            demote=step.demote,
            waiting_for=list(step.waiting_for),
            good=evidence.good,
            undone=evidence.undone,
            first_case_at=evidence.first_case,
            last_critical_at=evidence.last_critical,
            reason=step.reason,
        )

    def to_report(self) -> LaneReport:
        agent, _, tool = self.lane.partition("/")
        evidence = Evidence(
            self.level,
            cases=self.cases,
            good=self.good,
            undone=self.undone,
            first_case=utc_or_none(self.first_case_at),
            last_critical=utc_or_none(self.last_critical_at),
            review_latencies=[] if self.review_p99_seconds is None else [self.review_p99_seconds],
        )
        step = Step(self.next, self.ready, tuple(self.waiting_for), demote=self.demote, reason=self.reason)
        return LaneReport(agent, tool, self.level, self.ceiling, self.locked, evidence, step, self.review_is_bottleneck)


class LaneList(WireModel):
    lanes: list[LaneOut]


class BreakerOut(WireModel):
    """An open breaker: a blast-radius limit tripped on the lane; its calls are held until a human closes it."""

    lane: str = Field(description="agent/tool")
    limit: str
    opened_at: Moment

    @classmethod
    def of(cls, breaker: Breaker) -> BreakerOut:
        return cls(lane=f"{breaker.agent}/{breaker.tool}", limit=breaker.limit, opened_at=breaker.opened_at)

    def to_breaker(self) -> Breaker:
        agent, _, tool = self.lane.partition("/")
        return Breaker(agent=agent, tool=tool, limit=self.limit, opened_at=utc(self.opened_at))


class BreakerList(WireModel):
    breakers: list[BreakerOut]


class ClosedOut(WireModel):
    closed: str = Field(description="The lane whose breaker was closed.")

"""Shadow mode on the wire: cases (what the agent proposed beside what the human did) and agreement reports."""

from __future__ import annotations

from typing import Literal

from tether.autonomy._shadow import ShadowStats
from tether.model import ShadowCase, ShadowResult
from tether.wire._base import JSONObject, Moment, WireModel, utc, utc_or_none


class AgentSide(WireModel):
    """What the agent proposed (``tool`` null: nothing); ``recorded`` is false until it arrives."""

    recorded: bool
    tool: str | None
    args: JSONObject
    action_id: str | None
    confidence: float | None
    error: str | None


class HumanSide(WireModel):
    """What the human really did (``tool`` null: nothing); ``recorded`` is false until it arrives."""

    recorded: bool
    tool: str | None
    args: JSONObject
    by: str | None


class ShadowCaseOut(WireModel):
    """One subject seen by both sides; ``result`` is set once both have arrived and were compared."""

    id: str
    subject: str
    created_at: Moment
    agent: str | None
    tool: str | None
    agent_side: AgentSide
    human_side: HumanSide
    result: ShadowResult | None
    detail: str | None
    compared_at: Moment | None

    @classmethod
    def of(cls, case: ShadowCase) -> ShadowCaseOut:
        return cls(
            id=case.id,
            subject=case.subject,
            created_at=case.created_at,
            agent=case.agent,
            tool=case.tool,
            agent_side=AgentSide(
                recorded=case.has_agent,
                tool=case.agent_tool,
                args=case.agent_args,
                action_id=case.agent_action_id,
                confidence=case.agent_confidence,
                error=case.agent_error,
            ),
            human_side=HumanSide(recorded=case.has_human, tool=case.human_tool, args=case.human_args, by=case.human_by),
            result=case.result,
            detail=case.detail,
            compared_at=case.compared_at,
        )

    def to_case(self) -> ShadowCase:
        agent, human = self.agent_side, self.human_side
        return ShadowCase(
            id=self.id,
            subject=self.subject,
            created_at=utc(self.created_at),
            agent=self.agent,
            has_agent=agent.recorded,
            agent_tool=agent.tool,
            agent_args=dict(agent.args),
            agent_action_id=agent.action_id,
            agent_confidence=agent.confidence,
            agent_error=agent.error,
            has_human=human.recorded,
            human_tool=human.tool,
            human_args=dict(human.args),
            human_by=human.by,
            result=self.result,
            detail=self.detail,
            compared_at=utc_or_none(self.compared_at),
        )


class CaseOut(WireModel):
    case: ShadowCaseOut


class CaseList(WireModel):
    cases: list[ShadowCaseOut]


class ShadowStatsOut(WireModel):
    """Agreement for one lane or one tool over its compared cases, with the edge cases a human should study."""

    key: str
    cases: int
    agreement: float | None
    agree: int
    false_positives: int
    false_negatives: int
    mismatches: int
    edge_cases: list[ShadowCaseOut]

    @classmethod
    def of(cls, row: ShadowStats) -> ShadowStatsOut:
        return cls(
            key=row.key,
            cases=row.cases,
            agreement=row.agreement,
            agree=row.agree,
            false_positives=row.false_positives,
            false_negatives=row.false_negatives,
            mismatches=row.mismatches,
            edge_cases=[ShadowCaseOut.of(c) for c in row.edge_cases],
        )

    def to_stats(self) -> ShadowStats:
        return ShadowStats(
            key=self.key,
            cases=self.cases,
            agree=self.agree,
            false_positives=self.false_positives,
            false_negatives=self.false_negatives,
            mismatches=self.mismatches,
            edge_cases=[c.to_case() for c in self.edge_cases],
        )


class ShadowReportOut(WireModel):
    by: Literal["lane", "tool"]
    rows: list[ShadowStatsOut]

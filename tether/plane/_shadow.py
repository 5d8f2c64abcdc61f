"""Shadow mode in the control plane: record each side of a case, pair them by subject, compare, report.

The agent's side arrives from a call the policy put in ``shadow`` mode (it carries a ``subject``), or from an
Experiment; the human's side from ``record_human`` (Python, CLI or HTTP). Either may come first; the second one
completes the oldest open case of its subject and the comparison is stored with it. Admission calls
``record_agent`` for every shadowed call that names a subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from tether._json import require_json
from tether.autonomy._shadow import Comparator, ShadowStats, compare, stats
from tether.errors import UsageError
from tether.model import ShadowCase, new_id
from tether.plane._core import PlaneCore
from tether.store import EventDraft, ShadowFilter, ShadowStore


class Shadow:
    """Both sides of shadow cases, the comparison when a case completes, and the reports over them."""

    def __init__(self, core: PlaneCore) -> None:
        self.core = core
        self.cases: ShadowStore = core.store
        self.comparators: dict[str, Comparator] = {}  # custom comparators, by tool (``gate.comparator``)

    def record_agent(
        self,
        subject: str,
        *,
        agent: str,
        tool: str | None,
        args: dict[str, Any] | None = None,
        action_id: str | None = None,
        confidence: float | None = None,
        error: str | None = None,
    ) -> ShadowCase:
        """What the agent proposed for ``subject`` (``tool=None``: nothing), without running anything."""
        copied = require_json(args or {}, "the agent's arguments")

        def side(case: ShadowCase) -> ShadowCase:
            return replace(
                case,
                agent=agent,
                has_agent=True,
                agent_tool=tool,
                agent_args=copied,
                agent_action_id=action_id,
                agent_confidence=confidence,
                agent_error=error,
            )

        return self._record_side(subject, "agent", side, f"agent:{agent}")

    def record_human(
        self, subject: str, *, tool: str | None, args: dict[str, Any] | None = None, by: str
    ) -> ShadowCase:
        """What the human process really did for ``subject`` (``tool=None``: it took no action)."""
        if not by or not by.strip():
            raise UsageError("record_human needs by=: who (or which process) did it")
        copied = require_json(args or {}, "the human's arguments")

        def side(case: ShadowCase) -> ShadowCase:
            return replace(case, has_human=True, human_tool=tool, human_args=copied, human_by=by)

        return self._record_side(subject, "human", side, f"human:{by}")

    def shadow_cases(self, query: ShadowFilter | None = None) -> list[ShadowCase]:
        return self.cases.shadow_cases(query or ShadowFilter())

    def shadow_report(self, *, by: Literal["lane", "tool"] = "lane", lane: str | None = None) -> list[ShadowStats]:
        """Agreement, false positives, false negatives, mismatches and edge cases, per lane or per tool."""
        query = ShadowFilter(compared=True)
        if lane is not None:
            agent, sep, tool = lane.partition("/")
            if not sep:
                raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/refund; got {lane!r}")
            query = ShadowFilter(compared=True, agent=agent, tool=tool)
        return stats(
            self.cases.shadow_cases(query), by=by, low_confidence=self.core.policy.config.defaults.escalate_below
        )

    def _record_side(
        self, subject: str, side: Literal["agent", "human"], fill: Callable[[ShadowCase], ShadowCase], actor: str
    ) -> ShadowCase:
        if not subject or not subject.strip():
            raise UsageError("shadow cases are paired by subject: give the business key (a ticket id, an order id)")
        now = self.core.clock.now()

        def complete(open_case: ShadowCase | None) -> ShadowCase:
            case = fill(open_case or ShadowCase(id=new_id(), subject=subject, created_at=now))
            if case.has_agent and case.has_human:
                result, detail = compare(case, self.core.policy, self.comparators)
                case = replace(case, result=result, detail=detail, compared_at=now)
            return case

        def events(case: ShadowCase) -> list[EventDraft]:
            if side == "agent":
                body = {"subject": subject, "tool": case.agent_tool, "args": self.core.redact(case.agent_args)}
                body |= {"action_id": case.agent_action_id, "error": case.agent_error}
            else:
                body = {"subject": subject, "tool": case.human_tool, "args": self.core.redact(case.human_args)}
            recorded = [EventDraft(actor, f"shadow.{side}_recorded", case.agent_action_id, body)]
            if case.result is not None:
                verdict = {"subject": subject, "result": case.result.value, "detail": case.detail, "case": case.id}
                recorded.append(EventDraft("system", "shadow.compared", case.agent_action_id, verdict))
            return recorded

        return self.cases.record_shadow(subject, side, complete, events, at=now)

"""Lanes in the control plane: their levels, the evidence behind them, promotion, demotion and incidents.

``promote = "suggest"`` (the default) shows a lane as ready and waits for an admin (``promote``); ``"auto"`` lets
``apply_ladder`` promote it. Demotion never waits: a critical error drops a lane at once to at most approve, and
accuracy below the bar drops it one level. Every level change is an audit event carrying its evidence. A lane's
breaker (opened by a blast-radius limit at admission) is closed here too, by a human.
"""

from __future__ import annotations

from dataclasses import dataclass

from tether.autonomy._ladder import (
    Evidence,
    Incident,
    Step,
    autonomy,
    capped,
    gather,
    next_step,
    review_is_bottleneck,
    sampled,
    step_down,
)
from tether.errors import NotFound, UsageError
from tether.model import Action, Mode, Status, ToolCall, lane_key
from tether.plane._core import PlaneCore
from tether.store import ActionFilter, ActionStore, Breaker, EventDraft, LaneStore, ShadowFilter, ShadowStore


@dataclass(frozen=True)
class LaneReport:
    agent: str
    tool: str
    level: Mode
    ceiling: Mode
    locked: bool
    evidence: Evidence
    step: Step
    review_bottleneck: bool

    @property
    def lane(self) -> str:
        return lane_key(self.agent, self.tool)


class Lanes:
    """Lane reports and level changes, incidents and sampled reviews, breakers.

    It reads a lane's actions and compared shadow cases as evidence, and writes only lanes, incidents and breakers.
    """

    def __init__(self, core: PlaneCore) -> None:
        self.core = core
        self.actions: ActionStore = core.store
        self.lane_store: LaneStore = core.store
        self.cases: ShadowStore = core.store

    def lane(self, lane: str) -> LaneReport:
        agent, tool = _split(lane)
        latest = self.actions.list_actions(ActionFilter(agent=agent, tool=tool, limit=1))
        if latest:
            ceiling, locked = latest[0].verdict.ceiling, latest[0].verdict.locked
        else:
            probe = self.core.policy.evaluate(ToolCall(tool=tool, agent=agent))
            ceiling, locked = probe.ceiling, probe.locked
        top = Mode.APPROVE if locked else ceiling
        stored = self.lane_store.lane_state(agent, tool, {}).level
        start = self.core.policy.config.autonomy.start
        level = capped(stored or (ceiling if start == "ceiling" else Mode(start)), top)
        actions = self.actions.list_actions(ActionFilter(agent=agent, tool=tool, limit=100_000))
        cases = self.cases.shadow_cases(ShadowFilter(agent=agent, tool=tool, compared=True))
        incidents = self.lane_store.incidents(agent, tool)
        evidence = gather(level, actions, cases, incidents)
        rules = self.core.policy.config.autonomy
        step = next_step(level, ceiling, locked, evidence, rules, self.core.clock.now())
        return LaneReport(agent, tool, level, ceiling, locked, evidence, step, review_is_bottleneck(evidence, rules))

    def lanes(self) -> list[LaneReport]:
        return [self.lane(lane_key(agent, tool)) for agent, tool in self.lane_store.lanes()]

    def promote(self, lane: str, *, by: str) -> LaneReport:
        """One step up, when the evidence supports it (an admin confirming a suggestion)."""
        report = self.lane(lane)
        if report.step.demote or report.step.target is None or not report.step.ready:
            waits = "; ".join(report.step.waiting_for) or report.step.reason or "nothing to promote to"
            raise UsageError(f"lane {lane} is not ready to leave {report.level.value}: it waits for {waits}")
        return self._set_level(report, report.step.target, f"human:{by}", "lane.promoted", report.step.reason)

    def demote(self, lane: str, *, by: str, to: Mode | None = None, reason: str = "demoted by a human") -> LaneReport:
        report = self.lane(lane)
        target = to or step_down(report.level)
        if autonomy(target) >= autonomy(report.level):
            raise UsageError(f"lane {lane} is at {report.level.value}; {target.value} is not lower")
        return self._set_level(report, target, f"human:{by}", "lane.demoted", reason)

    def report_incident(self, action_id: str, *, note: str, by: str) -> LaneReport:
        """Flag a critical error on an action: the lane drops at once to at most approve, and humans hear of it."""
        if not note or not note.strip():
            raise UsageError("an incident needs a note saying what went wrong")
        action = self.actions.get_action(action_id)
        lane = action.call.lane
        incident = Incident(action_id=action_id, at=self.core.clock.now(), note=note, by=by)
        body = {"lane": lane, "note": note, "policy": action.policy_version}
        self.lane_store.add_incident(
            incident,
            action.call.agent,
            action.call.tool,
            [EventDraft(f"human:{by}", "action.incident", action_id, body)],
        )
        self.core.notify("incident_reported", action)
        report = self.lane(lane)
        if autonomy(report.level) > autonomy(Mode.APPROVE):
            report = self._set_level(report, Mode.APPROVE, "system", "lane.demoted", f"critical error: {note}")
        return report

    def review_run(self, action_id: str, *, ok: bool, note: str = "", by: str) -> LaneReport:
        """A human's verdict on a run nobody approved (a sampled review at auto or notify): right, or wrong but not
        critical (report critical errors with ``report_incident``). Either way it is evidence for the lane."""
        action = self.actions.get_action(action_id)
        if action.status not in (Status.EXECUTED, Status.FINALIZED):
            raise UsageError(f"action {action_id} is {action.status.value}: only a run that took effect is reviewed")
        if not ok and not note.strip():
            raise UsageError("a run found wrong needs a note saying what was wrong")
        finding = Incident(
            action_id=action_id, at=self.core.clock.now(), note=note, by=by, finding="ok" if ok else "bad"
        )
        body = {"lane": action.call.lane, "ok": ok, "note": note}
        event = EventDraft(f"human:{by}", "action.reviewed", action_id, body)
        self.lane_store.add_incident(finding, action.call.agent, action.call.tool, [event])
        return self.lane(action.call.lane)

    def samples(self, *, limit: int = 50, scan: int = 2000) -> list[Action]:
        """Runs at auto or notify picked for a human's review (``autonomy.sample_rate``) and not reviewed yet,
        newest first, from the latest ``scan`` runs."""
        rate = self.core.policy.config.autonomy.sample_rate
        runs = self.actions.list_actions(
            ActionFilter(status={Status.EXECUTED, Status.FINALIZED}, modes={Mode.AUTO, Mode.NOTIFY}, limit=scan)
        )
        picked = [a for a in runs if sampled(a.id, rate)]
        reviewed: dict[tuple[str, str], set[str]] = {}
        waiting = []
        for action in picked:
            key = (action.call.agent, action.call.tool)
            if key not in reviewed:
                reviewed[key] = {i.action_id for i in self.lane_store.incidents(*key)}
            if action.id not in reviewed[key]:
                waiting.append(action)
        return waiting[:limit]

    def apply_ladder(self) -> list[LaneReport]:
        """Demote lanes whose accuracy fell below the bar; with ``promote = "auto"``, promote the ready ones."""
        changed = []
        for report in self.lanes():
            step = report.step
            if step.target is None or not step.ready:
                continue
            if step.demote:
                changed.append(self._set_level(report, step.target, "system", "lane.demoted", step.reason))
            elif self.core.policy.config.autonomy.promote == "auto":
                changed.append(self._set_level(report, step.target, "system", "lane.promoted", step.reason))
        return changed

    def breakers(self) -> list[Breaker]:
        return self.lane_store.breakers()

    def close_breaker(self, lane: str, *, by: str) -> None:
        agent, sep, tool = lane.partition("/")
        if not sep or not agent or not tool:
            raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/send_email; got {lane!r}")
        event = EventDraft(f"human:{by}", "breaker.closed", None, {"lane": lane, "policy": self.core.policy.version})
        if not self.lane_store.close_breaker(agent, tool, event, at=self.core.clock.now()):
            raise NotFound(f"the breaker of lane {lane} is not open")

    def _set_level(self, report: LaneReport, level: Mode, actor: str, kind: str, reason: str) -> LaneReport:
        evidence = report.evidence
        body = {
            "lane": report.lane,
            "from": report.level.value,
            "to": level.value,
            "reason": reason,
            "evidence": {
                "cases": evidence.cases,
                "accuracy": evidence.accuracy,
                "override_rate": evidence.override_rate,
                "days_without_critical": evidence.days_without_critical(self.core.clock.now()),
                "review_p99_seconds": evidence.review_p99,
            },
            "policy": self.core.policy.version,
        }
        self.lane_store.set_level(
            report.agent, report.tool, level, [EventDraft(actor, kind, None, body)], at=self.core.clock.now()
        )
        if kind == "lane.demoted":
            self._notify_lane(report)
        return self.lane(report.lane)

    def _notify_lane(self, report: LaneReport) -> None:
        latest: list[Action] = self.actions.list_actions(ActionFilter(agent=report.agent, tool=report.tool, limit=1))
        if latest:
            self.core.notify("lane_demoted", latest[0])


def _split(lane: str) -> tuple[str, str]:
    agent, sep, tool = lane.partition("/")
    if not sep or not agent or not tool:
        raise UsageError(f"a lane is written AGENT/TOOL, e.g. support-bot/refund; got {lane!r}")
    return agent, tool

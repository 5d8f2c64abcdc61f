"""The autonomy ladder, the pure part: levels, the evidence each level produces, and when a lane moves.

A lane (agent × tool) climbs shadow → approve → override → auto one step at a time, never above its ceiling (a
locked ceiling keeps it at approve for ever). It climbs only when, over its history at the current level, it has
enough real cases, accurate enough, with no critical error for long enough and — at override — few enough undos.
A critical error drops it at once to at most approve; accuracy falling below the bar drops it one level. No I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tether.model import Action, Approve, Edit, Mode, Reject, ShadowCase, ShadowResult, Status
from tether.policy._config import Autonomy

LADDER: tuple[Mode, ...] = (Mode.SHADOW, Mode.APPROVE, Mode.OVERRIDE, Mode.AUTO)
_AUTONOMY = {Mode.SHADOW: 0, Mode.APPROVE: 1, Mode.OVERRIDE: 2, Mode.NOTIFY: 3, Mode.AUTO: 4}


def autonomy(mode: Mode) -> int:
    """How much a level lets the agent do alone (deny counts as none)."""
    return _AUTONOMY.get(mode, -1)


def capped(level: Mode, ceiling: Mode) -> Mode:
    """A level never above the ceiling."""
    return level if autonomy(level) <= autonomy(ceiling) else ceiling


def step_up(level: Mode, ceiling: Mode) -> Mode | None:
    """The next level up, or None at the top (a ceiling between two rungs, like notify, is itself the top)."""
    higher = [rung for rung in LADDER if autonomy(rung) > autonomy(level)]
    if not higher or autonomy(level) >= autonomy(ceiling):
        return None
    return capped(higher[0], ceiling)


def step_down(level: Mode) -> Mode:
    lower = [rung for rung in LADDER if autonomy(rung) < autonomy(level)]
    return lower[-1] if lower else Mode.SHADOW


@dataclass(frozen=True, slots=True)
class Incident:
    """A reviewer's finding on one of the lane's actions: a critical error (an incident report), or the verdict of
    a sampled review of a run at auto — ``ok`` (it was right) or ``bad`` (wrong, but not critical)."""

    action_id: str
    at: datetime
    note: str
    by: str
    finding: Literal["critical", "bad", "ok"] = "critical"

    @property
    def critical(self) -> bool:
        return self.finding == "critical"


@dataclass
class Evidence:
    """What the lane's history at its current level says."""

    level: Mode
    cases: int = 0
    good: int = 0
    undone: int = 0
    first_case: datetime | None = None
    last_critical: datetime | None = None
    review_latencies: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.good / self.cases if self.cases else None

    @property
    def override_rate(self) -> float | None:
        if self.level is not Mode.OVERRIDE or not self.cases:
            return None
        return self.undone / self.cases

    def days_without_critical(self, now: datetime) -> float | None:
        since = self.last_critical or self.first_case
        return None if since is None else (now - since).total_seconds() / 86400

    @property
    def review_p99(self) -> float | None:
        if not self.review_latencies:
            return None
        ordered = sorted(self.review_latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def gather(
    level: Mode, actions: Iterable[Action], cases: Iterable[ShadowCase], incidents: Sequence[Incident]
) -> Evidence:
    """The evidence for ``level``: shadow — agreement with the human; approve — approved unchanged vs edited or
    rejected; override — kept vs undone; auto — sampled reviews (right or wrong) and incident reports on its runs."""
    evidence = Evidence(level)
    actions = list(actions)
    worst: dict[str, Incident] = {}  # one finding per action: the gravest (critical, then bad, then ok)
    for finding in incidents:
        known = worst.get(finding.action_id)
        if known is None or _GRAVITY[finding.finding] > _GRAVITY[known.finding]:
            worst[finding.action_id] = finding
    criticals = [i.at for i in incidents if i.critical]
    if criticals:
        evidence.last_critical = max(criticals)
    flagged = {action_id for action_id, finding in worst.items() if finding.finding != "ok"}
    for action in actions:
        if action.decided_at is not None and action.verdict.mode is Mode.APPROVE:
            evidence.review_latencies.append((action.decided_at - action.created_at).total_seconds())
    if level is Mode.SHADOW:
        for case in cases:
            if case.result is not None and case.compared_at is not None:
                _count(evidence, case.compared_at, case.result is ShadowResult.AGREE)
        return evidence
    if level in (Mode.AUTO, Mode.NOTIFY):  # nobody looks at each run: the sampled and reported ones are the evidence
        runs = {a.id for a in actions if a.verdict.mode is level}
        for action_id, finding in worst.items():
            if action_id in runs:
                _count(evidence, finding.at, finding.finding == "ok")
        return evidence
    for action in actions:
        if action.verdict.mode is not level:
            continue
        if (
            level is Mode.APPROVE
            and action.decided_at is not None
            and isinstance(action.decision, Approve | Edit | Reject)
        ):
            unchanged = isinstance(action.decision, Approve) and not any(isinstance(a, Edit) for a in action.approvals)
            _count(evidence, action.decided_at, unchanged and action.id not in flagged)
        elif level is Mode.OVERRIDE and action.status in (Status.FINALIZED, Status.UNDONE, Status.UNDO_FAILED):
            undone = action.status is not Status.FINALIZED
            evidence.undone += undone
            _count(evidence, action.updated_at, not undone and action.id not in flagged)
    return evidence


_GRAVITY = {"ok": 0, "bad": 1, "critical": 2}


def sampled(action_id: str, rate: float) -> bool:
    """Whether a run is picked for review: a stable hash of its id under ``rate``, the same on every instance."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(action_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def _count(evidence: Evidence, at: datetime, good: bool) -> None:
    evidence.cases += 1
    evidence.good += good
    evidence.first_case = at if evidence.first_case is None else min(evidence.first_case, at)


@dataclass(frozen=True, slots=True)
class Step:
    """Where a lane should go next, and what it still waits for."""

    target: Mode | None  # None: stay
    ready: bool
    waiting_for: tuple[str, ...]
    demote: bool = False
    reason: str = ""


def next_step(level: Mode, ceiling: Mode, locked: bool, evidence: Evidence, rules: Autonomy, now: datetime) -> Step:
    """Promotion when every criterion holds, demotion when accuracy falls below the bar."""
    accuracy = evidence.accuracy
    failing = evidence.cases >= rules.min_cases and accuracy is not None and accuracy < rules.min_accuracy
    if failing and accuracy is not None and autonomy(level) > autonomy(Mode.SHADOW):
        reason = f"accuracy {accuracy:.1%} fell below {rules.min_accuracy:.0%} over {evidence.cases} cases"
        return Step(step_down(level), True, (), demote=True, reason=reason)
    top = Mode.APPROVE if locked else ceiling
    target = step_up(level, top)
    if target is None:
        why = "the ceiling is locked: a human is always required" if locked else f"at the ceiling ({ceiling.value})"
        return Step(None, False, (why,))
    waiting: list[str] = []
    if evidence.cases < rules.min_cases:
        waiting.append(f"{rules.min_cases - evidence.cases} more cases (has {evidence.cases} of {rules.min_cases})")
    if accuracy is None or accuracy <= rules.min_accuracy:
        shown = "no cases" if accuracy is None else f"{accuracy:.1%}"
        waiting.append(f"accuracy above {rules.min_accuracy:.0%} (has {shown})")
    days = evidence.days_without_critical(now)
    if days is None or days < rules.critical_free_days:
        shown_days = "0" if days is None else f"{days:.1f}"
        waiting.append(f"{rules.critical_free_days} days without a critical error (has {shown_days})")
    rate = evidence.override_rate
    if level is Mode.OVERRIDE and (rate is None or rate >= rules.max_override_rate):
        shown_rate = "no cases" if rate is None else f"{rate:.1%}"
        waiting.append(f"undo rate below {rules.max_override_rate:.0%} (has {shown_rate})")
    reason = "" if waiting else f"{evidence.cases} cases, accuracy {accuracy:.1%}" if accuracy is not None else ""
    return Step(target, not waiting, tuple(waiting), reason=reason)


def review_is_bottleneck(evidence: Evidence, rules: Autonomy) -> bool:
    p99 = evidence.review_p99
    return p99 is not None and p99 > rules.review_p99_bottleneck.total_seconds()

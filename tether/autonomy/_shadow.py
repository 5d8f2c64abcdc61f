"""Shadow mode, the pure part: comparing what an agent proposed with what a human really did, and the metrics.

A comparator decides whether two actions are "the same": by default, the same tool and equal values on the
tool's ``key_fields`` (all arguments when none are configured), numbers within the tool's ``tolerance``. Custom
comparators (``gate.comparator("refund")``) take ``(agent_args, human_args)`` and return a bool, or a bool and a
detail. No I/O here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tether.model import ShadowCase, ShadowResult
from tether.policy import Policy

Comparator = Callable[[dict[str, Any], dict[str, Any]], "bool | tuple[bool, str]"]


def compare(
    case: ShadowCase, policy: Policy, comparators: dict[str, Comparator] | None = None
) -> tuple[ShadowResult, str]:
    """The result for a case that has both sides, and a sentence saying why."""
    agent, human = case.agent_tool, case.human_tool
    if agent is None and human is None:
        return ShadowResult.AGREE, "neither acted"
    if human is None:
        return ShadowResult.FALSE_POSITIVE, f"the agent proposed {agent}; the human took no action"
    if agent is None:
        reason = f"agent error: {case.agent_error}" if case.agent_error else "the agent proposed nothing"
        return ShadowResult.FALSE_NEGATIVE, f"the human did {human}; {reason}"
    if agent != human:
        return ShadowResult.MISMATCH, f"the agent proposed {agent}; the human did {human}"
    custom = (comparators or {}).get(agent)
    if custom is not None:
        verdict = custom(case.agent_args, case.human_args)
        same, detail = verdict if isinstance(verdict, tuple) else (verdict, "custom comparator")
        return (ShadowResult.AGREE if same else ShadowResult.MISMATCH), detail
    config = policy.config.tools.get(agent)
    keys = config.key_fields if config and config.key_fields else None
    tolerance = config.tolerance if config else 0.0
    differences = differing_fields(case.agent_args, case.human_args, keys, tolerance)
    if differences:
        return ShadowResult.MISMATCH, "different " + ", ".join(differences)
    return ShadowResult.AGREE, "same tool and arguments" if keys is None else f"same {', '.join(keys)}"


def differing_fields(
    agent: dict[str, Any], human: dict[str, Any], keys: Iterable[str] | None, tolerance: float
) -> list[str]:
    names = sorted(set(agent) | set(human)) if keys is None else list(keys)
    return [name for name in names if not _same(agent.get(name), human.get(name), tolerance)]


def _same(a: Any, b: Any, tolerance: float) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) <= tolerance
    return bool(a == b)


@dataclass
class ShadowStats:
    """Agreement for one lane (agent × tool) or one tool."""

    key: str
    cases: int = 0
    agree: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    mismatches: int = 0
    edge_cases: list[ShadowCase] = field(default_factory=list)

    @property
    def agreement(self) -> float | None:
        return self.agree / self.cases if self.cases else None


def stats(cases: Iterable[ShadowCase], *, by: str, low_confidence: float) -> list[ShadowStats]:
    """Per lane (``by="lane"``, keyed ``agent/tool``) or per tool (``by="tool"``), over compared cases only.

    Edge cases, for a human to study: every disagreement, every low-confidence proposal, every agent error.
    """
    table: dict[str, ShadowStats] = {}
    counter = {
        ShadowResult.AGREE: "agree",
        ShadowResult.FALSE_POSITIVE: "false_positives",
        ShadowResult.FALSE_NEGATIVE: "false_negatives",
        ShadowResult.MISMATCH: "mismatches",
    }
    for case in cases:
        if case.result is None:
            continue
        key = f"{case.agent or '?'}/{case.tool or '-'}" if by == "lane" else (case.tool or "-")
        row = table.setdefault(key, ShadowStats(key))
        row.cases += 1
        setattr(row, counter[case.result], getattr(row, counter[case.result]) + 1)
        unsure = case.agent_confidence is not None and case.agent_confidence < low_confidence
        if case.result is not ShadowResult.AGREE or unsure or case.agent_error:
            row.edge_cases.append(case)
    return sorted(table.values(), key=lambda s: s.key)

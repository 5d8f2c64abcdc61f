"""``Policy.evaluate``: from a call and its lane's state to a verdict, with every reason. Pure and fast.

The order is fixed and each step can only tighten what came before it:
matrix (the ceiling) → code declaration → lane level → rules → confidence → breaker and limits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tether.errors import ConfigError
from tether.model import (
    REVERSIBILITY_ORDER,
    RISK_ORDER,
    LaneState,
    Mode,
    Reason,
    Reversibility,
    Risk,
    ToolCall,
    Urgency,
    Verdict,
)
from tether.policy._config import (
    DECISION_KINDS,
    REDACT,
    REDACT_0_1,
    LimitConfig,
    PolicyConfig,
    RuleConfig,
    load_config,
    parse_config,
    raise_problems,
)
from tether.policy._durations import format_duration
from tether.policy._expressions import Expression, ExpressionFailed, activation
from tether.policy._matrix import RiskMatrix

_ALERTING = frozenset({Mode.NOTIFY, Mode.OVERRIDE, Mode.APPROVE})
_UNKNOWN_VERB = {Mode.APPROVE: "held for approval", Mode.DENY: "refused", Mode.SHADOW: "recorded in shadow mode"}


@dataclass(frozen=True, slots=True)
class Declared:
    """A classification declared in agent code (``@gate.tool(risk=..., reversible=...)``)."""

    risk: Risk | None = None
    reversible: Reversibility | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    config: RuleConfig
    when: Expression


@dataclass(frozen=True, slots=True)
class _Limit:
    config: LimitConfig
    fanout: Expression | None


class Policy:
    """A loaded, validated policy. Build it with ``from_file``, ``from_toml``, ``from_dict`` or ``default``."""

    def __init__(self, config: PolicyConfig, *, source: str = "<python>") -> None:
        self.config = config
        self.source = source
        self.matrix = RiskMatrix(config.matrix)
        problems: list[tuple[str, str]] = []
        self.rules = [
            _Rule(rule, when)
            for i, rule in enumerate(config.rules)
            if (when := _compile(rule.when, source, f"rules[{i}].when", problems)) is not None
        ]
        self.limits = [
            _Limit(limit, _compile(limit.fanout, source, f"limits[{i}].fanout", problems) if limit.fanout else None)
            for i, limit in enumerate(config.limits)
        ]
        if problems:
            raise_problems(problems, source)
        self.version = _version(config)

    # -- construction ----------------------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> Policy:
        config, _ = load_config(path)
        return cls(config, source=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<python>") -> Policy:
        return cls(parse_config(data, source=source), source=source)

    @classmethod
    def from_toml(cls, text: str, *, source: str = "<string>") -> Policy:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"not valid TOML: {exc}", file=source) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def default(cls) -> Policy:
        """No tools classified: every call is held for approval until the policy says otherwise."""
        return cls(PolicyConfig(), source="<default>")

    # -- questions -------------------------------------------------------------------------------------------

    def decisions_for(self, tool: str) -> tuple[str, ...]:
        """The kinds of decision a reviewer may make on a held call of ``tool`` (all four unless it says)."""
        config = self.config.tools.get(tool)
        return tuple(config.decisions) if config is not None else DECISION_KINDS

    def knows(self, tool: str) -> bool:
        return tool in self.config.tools

    def limits_for(self, tool: str) -> list[LimitConfig]:
        return [limit.config for limit in self.limits if _applies(limit.config.tool, tool)]

    def evaluate(self, call: ToolCall, lane: LaneState | None = None, declared: Declared | None = None) -> Verdict:
        """The verdict for one call. Pure: everything about the lane's past arrives in ``lane``."""
        lane = lane or LaneState()
        reasons: list[Reason] = []
        tool = self.config.tools.get(call.tool)
        defaults = self.config.defaults

        # 1. the matrix (or the fail-closed default for a tool the policy does not know) sets the ceiling
        if tool is None:
            mode, locked = Mode(defaults.unknown_tool), False
            reasons.append(
                Reason(
                    step="unknown_tool",
                    ref=call.tool,
                    mode=mode,
                    text=f"tool {call.tool!r} is not in the policy; unknown tools are {_UNKNOWN_VERB[mode]} "
                    f"(defaults.unknown_tool = {mode.value})",
                )
            )
        else:
            cell = self.matrix.cell(tool.risk, tool.reversible)
            mode, locked = cell.mode, cell.locked
            reasons.append(
                Reason(
                    step="matrix",
                    ref=f"{tool.risk.value}/{tool.reversible.value}",
                    mode=mode,
                    text=f"risk {tool.risk.value}, reversible {tool.reversible.value} → {mode.value}"
                    + (" (locked: a human is always required)" if locked else ""),
                )
            )

        # 2. a declaration in agent code can only tighten
        if declared is not None and (declared.risk or declared.reversible):
            risk = _max_risk(tool.risk if tool else None, declared.risk)
            rev = _least_reversible(tool.reversible if tool else None, declared.reversible)
            cell = self.matrix.cell(risk, rev)
            if cell.mode.strictness > mode.strictness or (cell.locked and not locked):
                mode, locked = mode.stricter(cell.mode), locked or cell.locked
                reasons.append(
                    Reason(
                        step="declared",
                        ref=f"{risk.value}/{rev.value}",
                        mode=mode,
                        text=f"declared in code as risk {risk.value}, reversible {rev.value} → {mode.value}",
                    )
                )
        ceiling = mode

        # 3. the lane's autonomy level lowers the mode to at most that level
        level = lane.level or (None if self.config.autonomy.start == "ceiling" else Mode(self.config.autonomy.start))
        if level is not None and level.strictness > mode.strictness:
            mode = level
            reasons.append(
                Reason(
                    step="level",
                    ref=level.value,
                    mode=mode,
                    text=f"lane {call.lane} is at autonomy level {level.value}",
                )
            )

        # 4. rules force a stricter mode
        urgency = Urgency.NORMAL
        facts = activation(call) if self.rules or self.limits else {}
        for rule in self.rules:
            if not _applies(rule.config.tool, call.tool):
                continue
            try:
                value = rule.when.evaluate(facts)
                if not isinstance(value, bool):
                    raise ExpressionFailed(f"{rule.config.when!r} gave {value!r}, not true or false")
                matched = value
            except ExpressionFailed as exc:
                mode = mode.stricter(Mode.APPROVE)
                reasons.append(
                    Reason(
                        step="rule",
                        ref=rule.config.id,
                        mode=mode,
                        text=f"rule {rule.config.id} could not be evaluated, held to be safe: {exc}",
                    )
                )
                continue
            if matched:
                mode = mode.stricter(rule.config.mode)
                if rule.config.urgency == "high":
                    urgency = Urgency.HIGH
                why = rule.config.reason or rule.config.when
                reasons.append(
                    Reason(
                        step="rule",
                        ref=rule.config.id,
                        mode=mode,
                        text=f"rule {rule.config.id} ({why}) → {rule.config.mode.value}",
                    )
                )

        # 5. low confidence escalates to approve; very low also raises the urgency
        if call.confidence is not None and call.confidence < defaults.escalate_below:
            mode = mode.stricter(Mode.APPROVE)
            urgent = call.confidence < defaults.urgent_below
            if urgent:
                urgency = Urgency.HIGH
            threshold = defaults.urgent_below if urgent else defaults.escalate_below
            reasons.append(
                Reason(
                    step="confidence",
                    ref=str(threshold),
                    mode=mode,
                    text=f"confidence {_fraction(call.confidence)} is below {_fraction(threshold)}"
                    + (" (urgent)" if urgent else ""),
                )
            )

        # 6. an open breaker holds every call of the lane; a limit exceeded now trips it
        if lane.breaker is not None:
            mode = mode.stricter(Mode.APPROVE)
            reasons.append(
                Reason(
                    step="breaker",
                    ref=lane.breaker,
                    mode=mode,
                    text=f"the breaker of lane {call.lane} is open (limit {lane.breaker}); "
                    f"a human closes it with `tether breaker close {call.lane}`",
                )
            )
        trips: str | None = None
        charges: list[tuple[str, float]] = []
        for limit in self.limits:
            if not _applies(limit.config.tool, call.tool):
                continue
            cost, failure = _cost(limit, facts)
            charges.append((limit.config.id, cost))
            used = lane.usage.get(limit.config.id, 0.0) + cost
            if failure is not None:
                mode = mode.stricter(Mode.APPROVE)
                reasons.append(
                    Reason(
                        step="limit",
                        ref=limit.config.id,
                        mode=mode,
                        text=f"limit {limit.config.id}: fan-out could not be evaluated, held to be safe: {failure}",
                    )
                )
            elif used > limit.config.max:
                mode = mode.stricter(Mode.APPROVE)
                trips = trips or limit.config.id
                reasons.append(
                    Reason(
                        step="limit",
                        ref=limit.config.id,
                        mode=mode,
                        text=f"limit {limit.config.id}: {_num(used)} > {_num(limit.config.max)} per "
                        f"{format_duration(limit.config.per)} for lane {call.lane}; its breaker opens",
                    )
                )

        return Verdict(
            mode=mode,
            reasons=tuple(reasons),
            alert=mode in _ALERTING,
            urgency=urgency,
            quorum=tool.quorum if tool else 1,
            window=(tool.window if tool and tool.window is not None else defaults.window)
            if mode is Mode.OVERRIDE
            else None,
            timeout=(tool.timeout if tool and tool.timeout is not None else defaults.timeout)
            if mode is Mode.APPROVE
            else None,
            on_timeout=tool.on_timeout if tool else "reject",
            reviewers=tool.reviewers if tool else None,
            escalate_to=tool.escalate_to if tool else None,
            locked=locked,
            ceiling=ceiling,
            trips=trips,
            charges=tuple(charges),
        )


def _compile(source: str, file: str, key: str, problems: list[tuple[str, str]]) -> Expression | None:
    """Compile one expression, collecting its error so that a bad file reports every bad expression at once."""
    try:
        return Expression(source, file=file, key=key)
    except ConfigError as exc:
        problems.append((key, exc.detail))
        return None


def _applies(tools: tuple[str, ...] | None, tool: str) -> bool:
    return tools is None or tool in tools or "*" in tools


def _cost(limit: _Limit, facts: dict[str, Any]) -> tuple[float, str | None]:
    if limit.fanout is None:
        return 1.0, None
    try:
        value = limit.fanout.evaluate(facts)
    except ExpressionFailed as exc:
        return 1.0, str(exc)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return 1.0, f"{limit.fanout.source!r} gave {value!r}, not a count"
    return float(value), None


def _max_risk(a: Risk | None, b: Risk | None) -> Risk:
    present = [r for r in (a, b) if r is not None] or [Risk.LOW]
    return max(present, key=RISK_ORDER.index)


def _least_reversible(a: Reversibility | None, b: Reversibility | None) -> Reversibility:
    present = [r for r in (a, b) if r is not None] or [Reversibility.YES]
    return max(present, key=REVERSIBILITY_ORDER.index)


def _fraction(value: float) -> str:
    """Two decimals when that is exact, otherwise as configured: 0.80 stays "0.80", 0.855 is not rounded."""
    return f"{value:.2f}" if round(value, 2) == value else f"{value:g}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _version(config: PolicyConfig) -> str:
    """The policy's fingerprint (recorded with every action). Keys added after 0.1.0 count only when set to
    something other than their default, so upgrading Tether does not change the version of an unchanged file."""
    dump = config.model_dump(mode="json")
    if tuple(dump["audit"]["redact"]) == REDACT:
        dump["audit"]["redact"] = list(REDACT_0_1)
    for tool in dump.get("tools", {}).values():
        if tuple(tool.get("decisions", ())) == DECISION_KINDS:
            del tool["decisions"]
    canonical = json.dumps(dump, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()

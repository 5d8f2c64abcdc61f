"""The schema of ``tether.toml``, and turning a bad file into one message a person can act on.

Validation is strict (unknown keys are errors) because a typo in a safety policy must not silently loosen it.
Every problem is reported as ``file: key.path: what is wrong``; all problems at once, never a traceback.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tether.errors import ConfigError
from tether.model import Mode, Reversibility, Risk
from tether.policy._durations import Duration, PositiveDuration, format_duration
from tether.policy._notify import NotifyConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Defaults(_Strict):
    unknown_tool: Mode = Mode.APPROVE
    escalate_below: float = Field(0.80, ge=0.0, le=1.0)
    urgent_below: float = Field(0.60, ge=0.0, le=1.0)
    window: PositiveDuration = timedelta(minutes=10)
    timeout: PositiveDuration = timedelta(hours=24)

    @field_validator("unknown_tool", mode="before")
    @classmethod
    def _fail_closed_mode(cls, value: Any) -> Any:
        if value not in ("approve", "deny", "shadow"):
            raise ValueError(
                f"{value!r} is not allowed (expected 'approve', 'deny' or 'shadow': unknown tools fail closed)"
            )
        return value

    @model_validator(mode="after")
    def _ordered_thresholds(self) -> Defaults:
        if self.urgent_below > self.escalate_below:
            raise ValueError(
                f"urgent_below ({self.urgent_below}) must not be above escalate_below ({self.escalate_below}): "
                "an urgent call is one that is already escalated"
            )
        return self


class Autonomy(_Strict):
    start: Literal["ceiling", "shadow", "approve", "override"] = "ceiling"
    promote: Literal["suggest", "auto"] = "suggest"
    min_cases: int = Field(100, ge=1)
    min_accuracy: float = Field(0.95, ge=0.0, le=1.0)
    critical_free_days: int = Field(14, ge=0)
    max_override_rate: float = Field(0.05, ge=0.0, le=1.0)
    review_p99_bottleneck: Duration = timedelta(minutes=30)
    sample_rate: float = Field(0.05, ge=0.0, le=1.0)  # share of runs at auto picked for a human's review


REDACT_0_1 = ("password", "secret", "token", "api_key", "authorization")
"""The default list of 0.1.0 (a policy that keeps the default keeps its version across the upgrade)."""
REDACT = (*REDACT_0_1, "passwd", "pwd", "private_key", "credential", "access_key", "cookie")
"""Key fragments whose values are secrets. Matched case-insensitively with punctuation ignored, so ``api_key`` also
covers ``apiKey``, ``x-api-key`` and ``API-KEY``; passwords inside URLs (``scheme://user:PASSWORD@host``) are
hidden in every value besides."""


class Audit(_Strict):
    redact: tuple[str, ...] = REDACT


DecisionKind = Literal["approve", "edit", "reject", "respond"]
DECISION_KINDS: tuple[DecisionKind, ...] = ("approve", "edit", "reject", "respond")
"""Every kind of decision, in the order LangChain's ``allowed_decisions`` lists them."""


class ToolPolicy(_Strict):
    risk: Risk
    reversible: Reversibility
    description: str | None = None
    window: PositiveDuration | None = None
    quorum: int = Field(1, ge=1, le=20)
    timeout: PositiveDuration | None = None
    on_timeout: Literal["reject", "escalate"] = "reject"
    escalate_to: str | None = None
    reviewers: str | None = None
    key_fields: tuple[str, ...] | None = None  # shadow mode: the arguments that must agree (default: all)
    tolerance: float = Field(0.0, ge=0.0)  # shadow mode: how far apart two numbers may be and still agree
    decisions: tuple[DecisionKind, ...] = DECISION_KINDS  # what a reviewer may decide on a held call of this tool

    @model_validator(mode="after")
    def _escalation_has_a_target(self) -> ToolPolicy:
        if self.on_timeout == "escalate" and not self.escalate_to:
            raise ValueError('on_timeout = "escalate" needs escalate_to = "<reviewer group>"')
        return self

    @model_validator(mode="after")
    def _some_decision_is_allowed(self) -> ToolPolicy:
        if not self.decisions:
            raise ValueError("decisions must allow at least one of " + ", ".join(map(repr, DECISION_KINDS)))
        if len(set(self.decisions)) != len(self.decisions):
            raise ValueError(f"decisions names one twice: {list(self.decisions)}")
        return self


class MatrixRow(_Strict):
    yes: Mode | None = None
    partial: Mode | None = None
    no: Mode | None = None
    locked: bool | None = None


class Matrix(_Strict):
    low: MatrixRow = MatrixRow()
    medium: MatrixRow = MatrixRow()
    high: MatrixRow = MatrixRow()
    critical: MatrixRow = MatrixRow()


def _tool_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


ToolNames = Annotated[tuple[str, ...] | None, BeforeValidator(_tool_list)]


class RuleConfig(_Strict):
    id: str = Field(min_length=1)
    when: str = Field(min_length=1)
    mode: Mode
    tool: ToolNames = None
    urgency: Literal["normal", "high"] | None = None
    reason: str | None = None


class LimitConfig(_Strict):
    id: str = Field(min_length=1)
    max: float = Field(gt=0)
    per: Duration
    tool: ToolNames = None
    fanout: str | None = None

    @field_validator("per")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() <= 0:
            raise ValueError("the window of a limit must be longer than zero")
        return value


class PolicyConfig(_Strict):
    version: int = 1
    defaults: Defaults = Defaults()
    autonomy: Autonomy = Autonomy()
    audit: Audit = Audit()
    matrix: Matrix = Matrix()
    tools: dict[str, ToolPolicy] = {}
    rules: list[RuleConfig] = []
    limits: list[LimitConfig] = []
    notify: NotifyConfig = NotifyConfig()


def parse_config(data: dict[str, Any], *, source: str) -> PolicyConfig:
    """Validate a policy given as a dict; raise one ConfigError that lists every problem."""
    try:
        config = PolicyConfig.model_validate(data)
        problems = _duplicate_ids(config)
    except ValidationError as exc:
        problems = [_describe(err) for err in exc.errors()]
    if problems:
        raise_problems(problems, source)
    return config


def _duplicate_ids(config: PolicyConfig) -> list[tuple[str, str]]:
    problems = []
    sections: list[tuple[str, list[str]]] = [
        ("rules", [rule.id for rule in config.rules]),
        ("limits", [limit.id for limit in config.limits]),
    ]
    for section, ids in sections:
        first_seen: dict[str, int] = {}
        for index, ident in enumerate(ids):
            if ident in first_seen:
                where = f"{section}[{first_seen[ident]}]"
                problems.append((f"{section}[{index}].id", f"the id {ident!r} is already used by {where}"))
            first_seen.setdefault(ident, index)
    return problems


def raise_problems(problems: list[tuple[str, str]], source: str) -> NoReturn:
    """One ConfigError for every problem: a line each, ``file: key: what``; the first is the error's key."""
    first = problems[0]
    message = "\n".join(f"{source}: {key}: {what}" for key, what in problems)
    error = ConfigError(first[1], file=source, key=first[0])
    error.args = (message,)
    raise error from None


def load_config(path: str | Path) -> tuple[PolicyConfig, str]:
    """Read and validate a policy file; returns the config and the file's text."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no such policy file (create one with `tether init`)", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the policy file: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", file=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", file=str(path)) from None
    return parse_config(data, source=str(path)), text


def _describe(err: Any) -> tuple[str, str]:
    loc = [part for part in err["loc"] if not (isinstance(part, str) and "[" in part)]
    key = _key_path(loc)
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        return key, "unknown key"
    if kind == "missing":
        return key, "required key is missing"
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return key, f"{given!r} is not allowed (expected {expected})"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        message = f"{message} (got {given!r})"
    return key, message


def _key_path(loc: list[Any]) -> str:
    """``rules[2].when`` style, the way a person finds it in the file."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def config_to_dict(config: PolicyConfig) -> dict[str, Any]:
    """The config as a policy file would say it (durations as ``10m``), e.g. to send it over HTTP and rebuild the
    same policy, with the same version, with ``Policy.from_dict``."""
    plain: dict[str, Any] = _plain(config.model_dump(mode="python"))
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, StrEnum):
        return value.value
    return value

"""The vocabulary of Tether as plain, immutable data.

Everything here is pure data with no I/O, so the policy, the store and the server can share it and tests can
build it by hand. Decisions and outcomes are small keyword-only dataclasses with a ``kind`` so that code can
``match`` on them and JSON can carry them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from tether.errors import UsageError


class Risk(StrEnum):
    """What it costs if the agent gets this call wrong."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Reversibility(StrEnum):
    """Whether the effect of a call can be undone."""

    YES = "yes"
    PARTIAL = "partial"
    NO = "no"


class Mode(StrEnum):
    """How much a human is involved in one call, from least to most."""

    AUTO = "auto"
    NOTIFY = "notify"
    OVERRIDE = "override"
    APPROVE = "approve"
    SHADOW = "shadow"
    DENY = "deny"

    @property
    def strictness(self) -> int:
        """Higher is stricter: deny > shadow > approve > override > notify > auto."""
        return _STRICTNESS[self]

    def stricter(self, other: Mode) -> Mode:
        """The stricter of two modes: what a tightening step may move to, never the looser one."""
        return other if other.strictness > self.strictness else self


_STRICTNESS = {mode: rank for rank, mode in enumerate(Mode)}

RISK_ORDER = list(Risk)
REVERSIBILITY_ORDER = list(Reversibility)


class Urgency(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class Status(StrEnum):
    """Where an action is in its life. ``Status.final`` ones never change again."""

    PENDING = "pending"  # held for a human decision
    APPROVED = "approved"  # decided yes (quorum reached), not started yet
    RUNNING = "running"  # claimed: the tool has been (or is being) started, under a lease
    EXECUTED = "executed"  # the tool returned; an override action can still be undone until its window ends
    FAILED = "failed"  # the tool raised
    UNKNOWN = "unknown"  # a crash left it unclear whether the tool (or its undo) took effect; a human must check
    REJECTED = "rejected"
    RESPONDED = "responded"  # a reviewer answered instead of running the tool
    EXPIRED = "expired"  # nobody decided before the approval's deadline
    SHADOWED = "shadowed"  # recorded in shadow mode, never run
    DENIED = "denied"  # refused by policy
    DEFERRED = "deferred"  # override without a compensator: runs when its window passes, unless vetoed
    VETOED = "vetoed"  # a deferred action a human stopped before it ran
    FINALIZED = "finalized"  # executed, and its undo window has passed
    UNDO_REQUESTED = "undo_requested"  # a human asked for the undo in time; the compensator has not run yet
    UNDOING = "undoing"  # the compensator is running, under a lease
    UNDONE = "undone"  # the compensator ran
    UNDO_FAILED = "undo_failed"  # the compensator raised; a human must clean up

    @property
    def final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset(
    {
        Status.FAILED,
        Status.REJECTED,
        Status.RESPONDED,
        Status.EXPIRED,
        Status.SHADOWED,
        Status.DENIED,
        Status.VETOED,
        Status.FINALIZED,
        Status.UNDONE,
        Status.UNDO_FAILED,
    }
)


def new_id() -> str:
    """A random, URL-safe identifier for calls and actions."""
    return uuid.uuid4().hex


@dataclass(frozen=True, kw_only=True, slots=True)
class ToolCall:
    """What an agent wants to do. ``call_id`` doubles as the idempotency key handed to tools."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    agent: str
    thread: str | None = None
    reasoning: str | None = None
    confidence: float | None = None
    subject: str | None = None
    call_id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.tool:
            raise UsageError("ToolCall.tool must be a non-empty tool name")
        if not self.agent:
            raise UsageError("ToolCall.agent must name the agent making the call")
        if not isinstance(self.args, dict):
            raise UsageError(f"ToolCall.args must be a dict of argument names to values, got {type(self.args)}")
        if self.confidence is not None and not 0.0 <= self.confidence <= 1.0:
            raise UsageError(f"ToolCall.confidence must be between 0 and 1, got {self.confidence}")

    @property
    def lane(self) -> str:
        """The unit whose autonomy moves: one agent × one tool, written ``agent/tool``."""
        return lane_key(self.agent, self.tool)


def lane_key(agent: str, tool: str) -> str:
    return f"{agent}/{tool}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Reason:
    """One step of the policy that changed (or set) the mode, and why."""

    step: str  # matrix | unknown_tool | declared | level | rule | confidence | limit | breaker
    ref: str  # the rule id, limit id, threshold or matrix cell
    mode: Mode
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, kw_only=True, slots=True)
class Verdict:
    """What the policy says about one call."""

    mode: Mode
    reasons: tuple[Reason, ...]
    alert: bool = False
    urgency: Urgency = Urgency.NORMAL
    quorum: int = 1
    window: timedelta | None = None
    timeout: timedelta | None = None
    on_timeout: Literal["reject", "escalate"] = "reject"
    reviewers: str | None = None
    escalate_to: str | None = None
    locked: bool = False
    ceiling: Mode = Mode.AUTO
    trips: str | None = None  # the id of the limit this call exceeded; its lane's breaker opens
    charges: tuple[tuple[str, float], ...] = ()  # what this call counts against each limit: (limit id, amount)

    def explain(self) -> list[str]:
        return [r.text for r in self.reasons]


@dataclass(frozen=True, kw_only=True, slots=True)
class LaneState:
    """What the policy needs to know about a lane's history: its level, its breaker, its recent usage.

    The plane reads it from the store so that ``Policy.evaluate`` itself stays pure.
    """

    level: Mode | None = None  # None: the lane has no level yet; ``autonomy.start`` decides
    breaker: str | None = None  # the id of the limit that opened the lane's breaker, if it is open
    usage: dict[str, float] = field(default_factory=dict)  # limit id -> amount counted in its window


# -- decisions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Approve:
    by: str
    note: str = ""
    kind: Literal["approve"] = "approve"


@dataclass(frozen=True, kw_only=True, slots=True)
class Edit:
    """Approve, but run the tool with these arguments instead of the agent's."""

    by: str
    args: dict[str, Any]
    note: str = ""
    kind: Literal["edit"] = "edit"


@dataclass(frozen=True, kw_only=True, slots=True)
class Reject:
    by: str
    note: str = ""
    kind: Literal["reject"] = "reject"


@dataclass(frozen=True, kw_only=True, slots=True)
class Respond:
    """Answer the agent with an instruction instead of running the tool."""

    by: str
    message: str
    kind: Literal["respond"] = "respond"


Decision = Approve | Edit | Reject | Respond


# -- the stored record ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Action:
    """The stored record of one call and everything that happened to it."""

    id: str
    call: ToolCall
    verdict: Verdict
    status: Status
    created_at: datetime
    updated_at: datetime
    policy_version: str
    decision: Decision | None = None  # the decision that settled it (the last approval of a quorum)
    decided_at: datetime | None = None
    approvals: tuple[Approve | Edit, ...] = ()  # distinct reviewers' approvals so far, toward the quorum
    result: Any = None
    error: str | None = None
    window_ends_at: datetime | None = None  # override: undo possible until then
    expires_at: datetime | None = None  # approval: decided by then, or it expires (or escalates)
    run_at: datetime | None = None  # deferred: runs then, unless vetoed
    reviewers: str | None = None  # the reviewer group it is waiting for now (changes on escalation)
    escalations: int = 0
    claimed_by: str | None = None  # the worker running its tool or compensator
    lease_until: datetime | None = None  # running: when its worker is presumed dead unless it renews the lease;
    # approved: when, if nobody has run it yet, its reviewers are told (``action.not_run``)
    undo: UndoRecord | None = None
    version: int = 0  # bumped by every change; compare-and-set uses it

    @property
    def run_args(self) -> dict[str, Any]:
        """The arguments the tool runs with: a reviewer's edit wins over the agent's proposal."""
        for decision in reversed((*self.approvals, self.decision)):
            if isinstance(decision, Edit):
                return decision.args
        return self.call.args


@dataclass(frozen=True, kw_only=True, slots=True)
class UndoRecord:
    """Who asked for an undo, when, and what the compensator did."""

    by: str
    requested_at: datetime
    result: Any = None
    error: str | None = None


class Role(StrEnum):
    """What an API token may do; see ``tether.plane._identity``."""

    AGENT = "agent"
    VIEWER = "viewer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


@dataclass(frozen=True, kw_only=True, slots=True)
class ToolPin:
    """A tool definition (description, schemas, annotations) as a gateway first saw it, or as a reviewer last
    accepted it. A server that later changes the definition — a "rug pull" — gets its change held for review."""

    agent: str
    tool: str
    digest: str  # sha256 of the definition as canonical JSON
    definition: dict[str, Any]
    pinned_at: datetime
    pinned_by: str  # "first use", or who accepted a change


@dataclass(frozen=True, kw_only=True, slots=True)
class TokenRecord:
    id: str
    name: str
    role: Role
    groups: tuple[str, ...] = ()
    digest: str
    created_at: datetime
    revoked_at: datetime | None = None


class ShadowResult(StrEnum):
    """How the agent's proposal and the human's real action compare, for one subject."""

    AGREE = "agree"  # same action (or both did nothing)
    FALSE_POSITIVE = "false_positive"  # the agent acted, the human did not
    FALSE_NEGATIVE = "false_negative"  # the human acted, the agent did not
    MISMATCH = "mismatch"  # both acted, differently


@dataclass(frozen=True, kw_only=True, slots=True)
class ShadowCase:
    """One subject seen by both sides: what the agent proposed (in shadow mode) and what the human really did.

    Either side may arrive first; ``result`` is set when the second one does. ``None`` for a tool means
    "took no action"."""

    id: str
    subject: str
    created_at: datetime
    agent: str | None = None
    has_agent: bool = False
    agent_tool: str | None = None
    agent_args: dict[str, Any] = field(default_factory=dict)
    agent_action_id: str | None = None
    agent_confidence: float | None = None
    agent_error: str | None = None
    has_human: bool = False
    human_tool: str | None = None
    human_args: dict[str, Any] = field(default_factory=dict)
    human_by: str | None = None
    result: ShadowResult | None = None
    detail: str | None = None
    compared_at: datetime | None = None

    @property
    def tool(self) -> str | None:
        """The lane's tool: what the agent proposed, or else what the human did."""
        return self.agent_tool or self.human_tool


# -- outcomes: what the agent gets back ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Executed:
    action_id: str
    result: Any = None
    window_ends_at: datetime | None = None
    kind: Literal["executed"] = "executed"

    def to_tool_result(self) -> str:
        text = self.result if isinstance(self.result, str) else _json_text(self.result)
        if self.window_ends_at is not None:
            text += f"\n(A human may undo this until {self.window_ends_at.isoformat()}.)"
        return text


@dataclass(frozen=True, kw_only=True, slots=True)
class Failed:
    action_id: str
    error: str
    kind: Literal["failed"] = "failed"

    def to_tool_result(self) -> str:
        return f"Action failed: {self.error}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Pending:
    action_id: str
    reasons: tuple[str, ...] = ()
    expires_at: datetime | None = None
    approvals: int = 0
    quorum: int = 1
    kind: Literal["pending"] = "pending"

    def to_tool_result(self) -> str:
        text = f"Action {self.action_id} is awaiting human approval; it has not run."
        if self.reasons:
            text += " Held because: " + "; ".join(self.reasons) + "."
        if self.quorum > 1:
            text += f" It needs {self.quorum} approvals ({self.approvals} so far)."
        if self.expires_at is not None:
            text += f" The request expires at {self.expires_at.isoformat()}."
        return text


@dataclass(frozen=True, kw_only=True, slots=True)
class Rejected:
    action_id: str
    note: str = ""
    by: str | None = None
    kind: Literal["rejected"] = "rejected"

    def to_tool_result(self) -> str:
        return f"Action rejected: {self.note}" if self.note else "Action rejected by a reviewer."


@dataclass(frozen=True, kw_only=True, slots=True)
class Responded:
    action_id: str
    message: str
    by: str | None = None
    kind: Literal["responded"] = "responded"

    def to_tool_result(self) -> str:
        return f"The action was not run. A reviewer responded: {self.message}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Deferred:
    """An override action with no compensator: it runs when its window passes unless a human vetoes it."""

    action_id: str
    run_at: datetime
    kind: Literal["deferred"] = "deferred"

    def to_tool_result(self) -> str:
        return (
            f"Scheduled: action {self.action_id} runs at {self.run_at.isoformat()} unless a human vetoes it "
            "before then. It has not run yet."
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Shadowed:
    action_id: str
    kind: Literal["shadowed"] = "shadowed"

    def to_tool_result(self) -> str:
        return "Shadow mode: the action was recorded for comparison and nothing was done."


@dataclass(frozen=True, kw_only=True, slots=True)
class Denied:
    action_id: str
    reasons: tuple[str, ...] = ()
    kind: Literal["denied"] = "denied"

    def to_tool_result(self) -> str:
        why = "; ".join(self.reasons) or "refused by policy"
        return f"Action denied by policy: {why}. It was not run."


Outcome = Executed | Failed | Pending | Rejected | Responded | Deferred | Shadowed | Denied


def _json_text(value: Any) -> str:
    import json

    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return repr(value)

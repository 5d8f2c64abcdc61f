"""The storage contract every backend implements, and nothing else.

Stores are deliberately dumb: the control plane decides, the store persists. What a store *must* guarantee is
atomicity — an action's state change and its audit events commit together or not at all — and compare-and-set
on status, which is what makes "decided once" and "started at most once" true across threads and processes.
``tether.store.testing`` holds the conformance suite that proves it for each backend.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

from tether.audit import Anchor, AuditEvent
from tether.autonomy._ladder import Incident
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    LaneState,
    Mode,
    ShadowCase,
    Status,
    TokenRecord,
    ToolPin,
    UndoRecord,
    Urgency,
)


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An audit event before the store gives it a sequence number and a place in the chain."""

    actor: str
    kind: str
    action_id: str | None = None
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Admission:
    """Everything that is written when an action enters the store."""

    action: Action
    events: Sequence[EventDraft]
    at: datetime
    charges: Sequence[tuple[str, float]] = ()
    open_breaker: str | None = None


class Unset(enum.Enum):
    """The type of ``UNSET``: a field a transition leaves as it is (``None`` is a value: it clears the field).

    An enum of one member, so type checkers narrow ``value is UNSET`` and a stray ``UNSET`` cannot pass for data.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

CHANGEABLE = (
    "decision",
    "decided_at",
    "approvals",
    "result",
    "error",
    "window_ends_at",
    "expires_at",
    "run_at",
    "reviewers",
    "escalations",
    "claimed_by",
    "lease_until",
    "undo",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Changes:
    """What a transition sets: always the status and the time; any other field only when given."""

    status: Status
    updated_at: datetime
    decision: Decision | Unset | None = UNSET
    decided_at: datetime | Unset | None = UNSET
    approvals: tuple[Approve | Edit, ...] | Unset = UNSET
    result: Any = UNSET  # any JSON value, or UNSET
    error: str | Unset | None = UNSET
    window_ends_at: datetime | Unset | None = UNSET
    expires_at: datetime | Unset | None = UNSET
    run_at: datetime | Unset | None = UNSET
    reviewers: str | Unset | None = UNSET
    escalations: int | Unset = UNSET
    claimed_by: str | Unset | None = UNSET
    lease_until: datetime | Unset | None = UNSET
    undo: UndoRecord | Unset | None = UNSET

    def fields(self) -> dict[str, Any]:
        """The optional fields this change sets, by name."""
        return {name: value for name in CHANGEABLE if (value := getattr(self, name)) is not UNSET}


@dataclass(frozen=True, kw_only=True, slots=True)
class Breaker:
    agent: str
    tool: str
    limit: str
    opened_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ShadowFilter:
    subject: str | None = None
    agent: str | None = None
    tool: str | None = None
    compared: bool | None = None
    limit: int = 10_000


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionFilter:
    """Which actions to list, and in what order (newest first unless told otherwise)."""

    status: Collection[Status] | None = None
    agent: str | None = None
    agents: Collection[str] | None = None
    tool: str | None = None
    tools: Collection[str] | None = None
    modes: Collection[Mode] | None = None
    reviewer: str | None = None  # a reviewer who approved, edited, rejected, responded to or undid it
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    limit: int = 100
    offset: int = 0
    oldest_first: bool = False
    urgent_first: bool = False  # the inbox's order: high urgency first, then oldest first


@dataclass(frozen=True, kw_only=True, slots=True)
class Delivery:
    """One notification to one channel (and, for email, one recipient), in the outbox until it is delivered.

    ``status``: pending (due at ``next_at``), sending (claimed by ``claimed_by`` until ``lease_until``), sent,
    skipped (its condition no longer held: the action was decided before an escalation was due), or dead (out of
    attempts; a human can retry it).
    """

    id: str
    seq: int  # the audit event that caused it
    action_id: str | None
    kind: str  # approval_needed, override_executed, alert_executed, escalated, breaker_opened, lane_demoted, unknown
    channel: str
    recipient: str | None = None
    status: str = "pending"
    attempts: int = 0
    created_at: datetime
    next_at: datetime
    only_if_pending: bool = False
    last_error: str | None = None
    sent_at: datetime | None = None
    claimed_by: str | None = None
    lease_until: datetime | None = None


def deliverable(delivery: Delivery, now: datetime) -> bool:
    """Due now: pending and its time has come, or claimed by a worker whose lease lapsed (it died sending)."""
    if delivery.status == "pending":
        return delivery.next_at <= now
    return delivery.status == "sending" and delivery.lease_until is not None and delivery.lease_until <= now


def reviewers_of(action: Action) -> set[str]:
    """Every reviewer who decided on ``action`` or asked for its undo: what ``ActionFilter.reviewer`` matches."""
    names = {d.by for d in (*action.approvals, action.decision) if d is not None}
    if action.undo is not None:
        names.add(action.undo.by)
    return names


def matches(query: ActionFilter, action: Action) -> bool:
    """Whether ``action`` passes ``query``'s conditions: the reference the SQL store's WHERE clause follows."""
    return (
        (query.status is None or action.status in query.status)
        and (query.agent is None or action.call.agent == query.agent)
        and (query.agents is None or action.call.agent in query.agents)
        and (query.tool is None or action.call.tool == query.tool)
        and (query.tools is None or action.call.tool in query.tools)
        and (query.modes is None or action.verdict.mode in query.modes)
        and (query.reviewer is None or query.reviewer in reviewers_of(action))
        and (query.since is None or action.created_at >= query.since)
        and (query.until is None or action.created_at < query.until)
    )


def ordered(query: ActionFilter, found: list[Action]) -> list[Action]:
    """``found`` in ``query``'s order, paged by its offset and limit."""
    if query.urgent_first:
        found.sort(key=lambda a: (a.verdict.urgency is not Urgency.HIGH, a.created_at, a.id))
    else:
        found.sort(key=lambda a: (a.created_at, a.id), reverse=not query.oldest_first)
    return found[query.offset : query.offset + query.limit]


class DuplicateCall(Exception):
    """Internal: an action for this (agent, call_id) exists already; the plane returns that one."""


class ActionStore(Protocol):
    """Actions: admission under the lane lock, compare-and-set transitions, reads, and due timers."""

    @abc.abstractmethod
    def create_action(
        self, agent: str, tool: str, windows: dict[str, datetime], admit: Callable[[LaneState], Admission]
    ) -> Action:
        """Admit a new action atomically with respect to its lane; DuplicateCall if the agent's call_id exists.

        Inside one transaction: read the lane's state (level, breaker, usage since each window start), call
        ``admit`` with it (the plane evaluates the policy there; it must be pure and quick), then insert the
        action, its audit events, its usage charges and, if tripped, the lane's breaker. Two concurrent calls on
        one lane therefore never both slip under a limit.
        """

    @abc.abstractmethod
    def transition(
        self,
        action_id: str,
        *,
        expect: Collection[Status],
        changes: Changes,
        events: Sequence[EventDraft],
        expect_version: int | None = None,
        current: Action | None = None,
    ) -> Action | None:
        """Compare-and-set: apply ``changes`` only if the action's status is in ``expect`` (and, when given, its
        version is ``expect_version``). Every applied change bumps the version.

        ``current`` is the caller's copy of the action; a backend may build the result from it (instead of reading
        the row back) when ``expect_version`` matched it. Returns the updated action, or None if the action is not
        in an expected state (someone else won).
        Raises NotFound if there is no such action.
        """

    @abc.abstractmethod
    def find_call(self, agent: str, call_id: str) -> Action | None:
        """The action of this agent's call, if it was submitted before."""

    @abc.abstractmethod
    def get_action(self, action_id: str) -> Action:
        """The action, or NotFound."""

    @abc.abstractmethod
    def list_actions(self, query: ActionFilter) -> list[Action]:
        """Actions matching the filter, newest first (or oldest first, for work queues)."""

    @abc.abstractmethod
    def count_matching(self, query: ActionFilter) -> int:
        """How many actions match ``query`` (its limit, offset and order aside)."""

    @abc.abstractmethod
    def count_actions(self) -> dict[tuple[str, str], int]:
        """How many actions there are per (mode, status): what ``/metrics`` reports."""

    @abc.abstractmethod
    def claim_due(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 500) -> list[Action]:
        """Claim up to ``limit`` due actions (as ``due_actions``) that no live sweeper holds, oldest deadline first.

        Several instances sweeping at once take different actions (PostgreSQL: ``FOR UPDATE SKIP LOCKED``); a
        claim lapses at ``lease_until``, so the timers of a sweeper that died are fired by another. The claim does
        not change the action's version: firing is still a compare-and-set, exactly once."""

    @abc.abstractmethod
    def due_actions(self, now: datetime, *, limit: int = 500) -> list[Action]:
        """Actions whose timer has fallen due, oldest deadline first: a pending approval past ``expires_at``,
        an executed override past ``window_ends_at``, a running tool or compensator past ``lease_until``, an
        approved action not run by its ``lease_until``."""


class LaneStore(Protocol):
    """Lanes: usage and levels, breakers, and the critical incidents that demote a lane."""

    @abc.abstractmethod
    def lane_state(self, agent: str, tool: str, windows: dict[str, datetime]) -> LaneState:
        """The lane's level, breaker, and for each limit id the amount charged since its window start."""

    @abc.abstractmethod
    def breakers(self) -> list[Breaker]:
        """Open breakers."""

    @abc.abstractmethod
    def close_breaker(self, agent: str, tool: str, event: EventDraft, *, at: datetime) -> bool:
        """Close the lane's breaker; False if it was not open. The event is written only if it closes."""

    @abc.abstractmethod
    def set_level(
        self, agent: str, tool: str, level: Mode | None, events: Sequence[EventDraft], *, at: datetime
    ) -> None:
        """Set a lane's autonomy level (None: back to where the policy starts lanes), with its audit events."""

    @abc.abstractmethod
    def lanes(self) -> list[tuple[str, str]]:
        """Every lane that has a level, an action or a shadow case, sorted."""

    @abc.abstractmethod
    def add_incident(self, incident: Incident, agent: str, tool: str, events: Sequence[EventDraft]) -> None:
        """Record a critical error on an action, with its audit events."""

    @abc.abstractmethod
    def incidents(self, agent: str, tool: str) -> list[Incident]:
        """The lane's critical errors, oldest first."""


class AuditLog(Protocol):
    """The hash-chained audit log: appends outside an action's transitions, reads, the head."""

    @abc.abstractmethod
    def append_events(self, events: Sequence[EventDraft], *, at: datetime) -> list[AuditEvent]:
        """Append events that belong to no state change of an action (e.g. a config check)."""

    @abc.abstractmethod
    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        """Events in chain order, starting after sequence number ``after``."""

    @abc.abstractmethod
    def audit_head(self) -> Anchor:
        """The head the store believes in: last sequence number and its hash."""

    def audit_tail(self, count: int) -> list[AuditEvent]:
        head = self.audit_head()
        return list(self.audit_events(after=max(0, head.seq - count)))

    def events_for(self, action_id: str) -> list[AuditEvent]:
        """An action's timeline. Backends override with an indexed query."""
        return [e for e in self.audit_events() if e.action_id == action_id]


class OutboxStore(Protocol):
    """The notification outbox: filled from the audit log once, claimed under leases, settled."""

    @abc.abstractmethod
    def outbox_cursor(self) -> int:
        """The last audit sequence number whose notifications are in the outbox (0 at first)."""

    @abc.abstractmethod
    def outbox_fill(self, deliveries: Sequence[Delivery], *, after: int, upto: int) -> bool:
        """Add the deliveries caused by events ``after+1 .. upto`` and move the cursor to ``upto``, atomically and
        only if the cursor is still ``after`` (another instance may have filled them): False then, nothing added."""

    @abc.abstractmethod
    def outbox_claim(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 50) -> list[Delivery]:
        """Claim up to ``limit`` deliveries due at ``now`` (pending, or sending with a lapsed lease), oldest first;
        each claimed by exactly one worker."""

    @abc.abstractmethod
    def outbox_settle(
        self,
        delivery_id: str,
        *,
        worker: str,
        status: str,
        attempts: int,
        next_at: datetime,
        error: str | None = None,
        sent_at: datetime | None = None,
    ) -> bool:
        """Record what a claimed delivery came to; False if ``worker`` no longer holds the claim."""

    @abc.abstractmethod
    def outbox_list(self, *, status: str | None = None, limit: int = 100) -> list[Delivery]:
        """Deliveries, newest first, optionally of one status."""

    @abc.abstractmethod
    def outbox_retry(self, delivery_id: str, *, now: datetime) -> Delivery:
        """Put a dead (or skipped) delivery back in the queue, due now, with its attempts reset; NotFound if none."""


class TokenStore(Protocol):
    """Credentials: API tokens (digests only), single-use nonces, and the secrets instances share."""

    @abc.abstractmethod
    def save_token(self, token: TokenRecord, event: EventDraft, *, at: datetime) -> None:
        """Store a new token (its digest only) with its audit event."""

    @abc.abstractmethod
    def get_token(self, token_id: str) -> TokenRecord | None:
        """The token with this id, revoked or not."""

    @abc.abstractmethod
    def list_tokens(self) -> list[TokenRecord]:
        """Every token, oldest first."""

    @abc.abstractmethod
    def revoke_tokens(self, name_or_id: str, event: EventDraft, *, at: datetime) -> int:
        """Revoke the active tokens with this id or name; returns how many. The event is written only if any."""

    @abc.abstractmethod
    def use_nonce(self, key: str, *, at: datetime) -> bool:
        """Mark a single-use key used; False if it was used before (a replayed link or a duplicate delivery)."""

    @abc.abstractmethod
    def nonce_used(self, key: str) -> bool:
        """Whether a single-use key was spent (a signed-out session, say), without spending it."""

    @abc.abstractmethod
    def secret(self, name: str, *, value: str | None = None, replace: bool = False) -> str:
        """The value kept in the store under ``name``: made on first use (``value``, or a random secret), the same
        for every instance afterwards; ``replace`` overwrites it with ``value``."""


class PinStore(Protocol):
    """Pinned tool definitions (see ``ToolPin``): what a gateway trusts each upstream tool to be."""

    @abc.abstractmethod
    def tool_pins(self, agent: str) -> dict[str, ToolPin]:
        """The agent's pins, by tool name."""

    @abc.abstractmethod
    def save_pin(self, pin: ToolPin, event: EventDraft, *, at: datetime, replaces: str | None = None) -> bool:
        """Pin a definition, with its audit event, as one change. ``replaces=None`` pins a tool not pinned yet;
        otherwise the pin must still have the digest ``replaces``. False (and nothing written) if another process
        got there first."""


class ShadowStore(Protocol):
    """Shadow mode: the agent's and the human's side of each case, paired by subject."""

    @abc.abstractmethod
    def record_shadow(
        self,
        subject: str,
        side: Literal["agent", "human"],
        fill: Callable[[ShadowCase | None], ShadowCase],
        events: Callable[[ShadowCase], Sequence[EventDraft]],
        *,
        at: datetime,
    ) -> ShadowCase:
        """Record one side of a shadow case, atomically: find the oldest case of ``subject`` that lacks this side,
        let ``fill`` complete it (or, given None, start a new one), store it and its events."""

    @abc.abstractmethod
    def shadow_cases(self, query: ShadowFilter) -> list[ShadowCase]:
        """Shadow cases, oldest first."""


class Store(ActionStore, LaneStore, AuditLog, OutboxStore, TokenStore, ShadowStore, PinStore):
    """The whole storage contract: every capability plus the lifecycle. MemoryStore and SQLStore (SQLite,
    PostgreSQL) implement it; the plane's services each type the capability they use."""

    url: str

    @abc.abstractmethod
    def setup(self) -> None:
        """Create or migrate the schema. Safe to call every start."""

    def close(self) -> None:
        """Release connections."""

    @property
    def wakes_across_processes(self) -> bool:
        """Whether ``subscribe`` hears other processes' changes (PostgreSQL); otherwise they are seen by polling."""
        return False

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from any thread) soon after another process commits a change."""

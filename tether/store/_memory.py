"""An in-process store for tests and experiments (``memory://``). Nothing survives the process."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Literal

from tether._json import iso
from tether.audit import GENESIS, Anchor, AuditEvent, chain, jsonable
from tether.autonomy._ladder import Incident
from tether.errors import NotFound
from tether.model import Action, LaneState, Mode, ShadowCase, Status, TokenRecord, ToolPin
from tether.store._base import (
    ActionFilter,
    Admission,
    Breaker,
    Changes,
    Delivery,
    DuplicateCall,
    EventDraft,
    ShadowFilter,
    Store,
    matches,
    ordered,
)
from tether.store._base import (
    deliverable as _deliverable,
)


class MemoryStore(Store):
    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.RLock()
        self._actions: dict[str, Action] = {}
        self._calls: dict[tuple[str, str], str] = {}  # (agent, call_id) -> action id: one action per call
        self._events: list[AuditEvent] = []
        self._levels: dict[tuple[str, str], Mode] = {}
        self._breakers: dict[tuple[str, str], Breaker] = {}
        self._usage: list[tuple[str, str, str, datetime, float]] = []
        self._tokens: dict[str, TokenRecord] = {}
        self._shadow: dict[str, ShadowCase] = {}
        self._incidents: list[tuple[str, str, Incident]] = []
        self._outbox: dict[str, Delivery] = {}
        self._sweeps: dict[str, datetime] = {}  # action id -> until when a sweeper holds its timer
        self._outbox_cursor = 0
        self._nonces: set[str] = set()
        self._secrets: dict[str, str] = {}
        self._pins: dict[tuple[str, str], ToolPin] = {}

    def setup(self) -> None:
        return None

    # -- actions ---------------------------------------------------------------------------------------------

    def create_action(
        self, agent: str, tool: str, windows: dict[str, datetime], admit: Callable[[LaneState], Admission]
    ) -> Action:
        with self._lock:
            admission = admit(self._lane_state(agent, tool, windows))
            action, at = admission.action, admission.at
            if action.id in self._actions:
                raise ValueError(f"action {action.id} already exists")
            if (action.call.agent, action.call.call_id) in self._calls:
                raise DuplicateCall(action.call.call_id)
            self._actions[action.id] = action
            self._calls[(action.call.agent, action.call.call_id)] = action.id
            self._usage.extend((limit, agent, tool, at, amount) for limit, amount in admission.charges)
            if admission.open_breaker is not None and (agent, tool) not in self._breakers:
                self._breakers[(agent, tool)] = Breaker(
                    agent=agent, tool=tool, limit=admission.open_breaker, opened_at=at
                )
            self._append(admission.events, at)
            return action

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
        with self._lock:
            stored = self.get_action(action_id)
            if stored.status not in expect or (expect_version is not None and stored.version != expect_version):
                return None
            fields = changes.fields()
            if "result" in fields:
                fields["result"] = jsonable(fields["result"])
            updated = replace(
                stored,
                status=changes.status,
                updated_at=changes.updated_at,
                version=stored.version + 1,
                **fields,
            )
            self._actions[action_id] = updated
            self._sweeps.pop(action_id, None)  # a sweeper's claim ends with the state it was on
            self._append(events, changes.updated_at)
            return updated

    def find_call(self, agent: str, call_id: str) -> Action | None:
        with self._lock:
            return self._find_call(agent, call_id)

    def _find_call(self, agent: str, call_id: str) -> Action | None:
        action_id = self._calls.get((agent, call_id))
        return None if action_id is None else self._actions[action_id]

    def get_action(self, action_id: str) -> Action:
        with self._lock:
            try:
                return self._actions[action_id]
            except KeyError:
                raise NotFound(f"no action {action_id!r}") from None

    def list_actions(self, query: ActionFilter) -> list[Action]:
        with self._lock:
            found = [a for a in self._actions.values() if matches(query, a)]
        return ordered(query, found)

    def count_matching(self, query: ActionFilter) -> int:
        with self._lock:
            return sum(1 for a in self._actions.values() if matches(query, a))

    def count_actions(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        with self._lock:
            for a in self._actions.values():
                key = (a.verdict.mode.value, a.status.value)
                counts[key] = counts.get(key, 0) + 1
        return counts

    def claim_due(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 500) -> list[Action]:
        with self._lock:
            due = [
                (deadline, a)
                for a in self._actions.values()
                if (deadline := _due(a, now)) is not None and self._sweeps.get(a.id, now) <= now
            ]
            due.sort(key=lambda pair: (pair[0], pair[1].id))
            claimed = [a for _, a in due[:limit]]
            for action in claimed:
                self._sweeps[action.id] = lease_until
            return claimed

    def due_actions(self, now: datetime, *, limit: int = 500) -> list[Action]:
        with self._lock:
            due = [(deadline, a) for a in self._actions.values() if (deadline := _due(a, now)) is not None]
        due.sort(key=lambda pair: (pair[0], pair[1].id))
        return [a for _, a in due[:limit]]

    # -- lanes -----------------------------------------------------------------------------------------------

    def lane_state(self, agent: str, tool: str, windows: dict[str, datetime]) -> LaneState:
        with self._lock:
            return self._lane_state(agent, tool, windows)

    def _lane_state(self, agent: str, tool: str, windows: dict[str, datetime]) -> LaneState:
        usage = {
            limit: sum(
                amount for lim, a, t, at, amount in self._usage if (lim, a, t) == (limit, agent, tool) and at > since
            )
            for limit, since in windows.items()
        }
        breaker = self._breakers.get((agent, tool))
        return LaneState(level=self._levels.get((agent, tool)), breaker=breaker.limit if breaker else None, usage=usage)

    def breakers(self) -> list[Breaker]:
        with self._lock:
            return sorted(self._breakers.values(), key=lambda b: b.opened_at)

    def close_breaker(self, agent: str, tool: str, event: EventDraft, *, at: datetime) -> bool:
        with self._lock:
            if self._breakers.pop((agent, tool), None) is None:
                return False
            self._append([event], at)
            return True

    def set_level(
        self, agent: str, tool: str, level: Mode | None, events: Sequence[EventDraft], *, at: datetime
    ) -> None:
        with self._lock:
            if level is None:
                self._levels.pop((agent, tool), None)
            else:
                self._levels[(agent, tool)] = level
            self._append(events, at)

    def lanes(self) -> list[tuple[str, str]]:
        with self._lock:
            found = set(self._levels) | set(self._breakers)
            found |= {(a.call.agent, a.call.tool) for a in self._actions.values()}
            found |= {(c.agent, c.tool) for c in self._shadow.values() if c.agent and c.tool}
        return sorted(found)

    def add_incident(self, incident: Incident, agent: str, tool: str, events: Sequence[EventDraft]) -> None:
        with self._lock:
            self._incidents.append((agent, tool, incident))
            self._append(events, incident.at)

    def incidents(self, agent: str, tool: str) -> list[Incident]:
        with self._lock:
            found = [i for a, t, i in self._incidents if (a, t) == (agent, tool)]
        return sorted(found, key=lambda i: i.at)

    # -- the notification outbox -------------------------------------------------------------------------------

    def outbox_cursor(self) -> int:
        with self._lock:
            return self._outbox_cursor

    def outbox_fill(self, deliveries: Sequence[Delivery], *, after: int, upto: int) -> bool:
        with self._lock:
            if self._outbox_cursor != after:
                return False
            for delivery in deliveries:
                self._outbox[delivery.id] = delivery
            self._outbox_cursor = upto
            return True

    def outbox_claim(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 50) -> list[Delivery]:
        with self._lock:
            due = [d for d in self._outbox.values() if _deliverable(d, now)]
            due.sort(key=lambda d: (d.next_at, d.id))
            claimed = []
            for delivery in due[:limit]:
                taken = replace(delivery, status="sending", claimed_by=worker, lease_until=lease_until)
                self._outbox[delivery.id] = taken
                claimed.append(taken)
            return claimed

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
        with self._lock:
            known = self._outbox.get(delivery_id)
            if known is None or known.status != "sending" or known.claimed_by != worker:
                return False
            self._outbox[delivery_id] = replace(
                known,
                status=status,
                attempts=attempts,
                next_at=next_at,
                last_error=error,
                sent_at=sent_at,
                claimed_by=None,
                lease_until=None,
            )
            return True

    def outbox_list(self, *, status: str | None = None, limit: int = 100) -> list[Delivery]:
        with self._lock:
            found = [d for d in self._outbox.values() if status is None or d.status == status]
        found.sort(key=lambda d: (d.created_at, d.id), reverse=True)
        return found[:limit]

    def outbox_retry(self, delivery_id: str, *, now: datetime) -> Delivery:
        with self._lock:
            known = self._outbox.get(delivery_id)
            if known is None or known.status not in ("dead", "skipped"):
                raise NotFound(f"no dead or skipped delivery {delivery_id!r}")
            again = replace(known, status="pending", attempts=0, next_at=now, last_error=None)
            self._outbox[delivery_id] = again
            return again

    def use_nonce(self, key: str, *, at: datetime) -> bool:
        with self._lock:
            if key in self._nonces:
                return False
            self._nonces.add(key)
            return True

    def nonce_used(self, key: str) -> bool:
        with self._lock:
            return key in self._nonces

    def secret(self, name: str, *, value: str | None = None, replace: bool = False) -> str:
        with self._lock:
            if replace and value is not None:
                self._secrets[name] = value
            return self._secrets.setdefault(name, value if value is not None else secrets.token_hex(32))

    # -- pinned tool definitions --------------------------------------------------------------------------------

    def tool_pins(self, agent: str) -> dict[str, ToolPin]:
        with self._lock:
            return {tool: pin for (owner, tool), pin in self._pins.items() if owner == agent}

    def save_pin(self, pin: ToolPin, event: EventDraft, *, at: datetime, replaces: str | None = None) -> bool:
        with self._lock:
            current = self._pins.get((pin.agent, pin.tool))
            if (current.digest if current is not None else None) != replaces:
                return False
            self._pins[(pin.agent, pin.tool)] = pin
            self._append([event], at)
            return True

    # -- shadow mode -------------------------------------------------------------------------------------------

    def record_shadow(
        self,
        subject: str,
        side: Literal["agent", "human"],
        fill: Callable[[ShadowCase | None], ShadowCase],
        events: Callable[[ShadowCase], Sequence[EventDraft]],
        *,
        at: datetime,
    ) -> ShadowCase:
        with self._lock:
            open_case = next(
                (
                    c
                    for c in sorted(self._shadow.values(), key=lambda c: (c.created_at, c.id))
                    if c.subject == subject and not (c.has_agent if side == "agent" else c.has_human)
                ),
                None,
            )
            case = fill(open_case)
            self._shadow[case.id] = case
            self._append(events(case), at)
            return case

    def shadow_cases(self, query: ShadowFilter) -> list[ShadowCase]:
        with self._lock:
            found = [
                c
                for c in self._shadow.values()
                if (query.subject is None or c.subject == query.subject)
                and (query.agent is None or c.agent == query.agent)
                and (query.tool is None or c.tool == query.tool)
                and (query.compared is None or (c.result is not None) == query.compared)
            ]
        found.sort(key=lambda c: (c.created_at, c.id))
        return found[: query.limit]

    # -- tokens ----------------------------------------------------------------------------------------------

    def save_token(self, token: TokenRecord, event: EventDraft, *, at: datetime) -> None:
        with self._lock:
            self._tokens[token.id] = token
            self._append([event], at)

    def get_token(self, token_id: str) -> TokenRecord | None:
        with self._lock:
            return self._tokens.get(token_id)

    def list_tokens(self) -> list[TokenRecord]:
        with self._lock:
            return sorted(self._tokens.values(), key=lambda t: (t.created_at, t.id))

    def revoke_tokens(self, name_or_id: str, event: EventDraft, *, at: datetime) -> int:
        with self._lock:
            hits = [t for t in self._tokens.values() if t.revoked_at is None and name_or_id in (t.id, t.name)]
            for token in hits:
                self._tokens[token.id] = replace(token, revoked_at=at)
            if hits:
                self._append([event], at)
            return len(hits)

    # -- audit -----------------------------------------------------------------------------------------------

    def append_events(self, events: Sequence[EventDraft], *, at: datetime) -> list[AuditEvent]:
        with self._lock:
            return self._append(events, at)

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        with self._lock:
            selected = self._events[after:] if limit is None else self._events[after : after + limit]
        return iter(selected)

    def audit_head(self) -> Anchor:
        with self._lock:
            last = self._events[-1] if self._events else None
            return Anchor(last.seq, last.hash) if last else Anchor(0, GENESIS)

    def _append(self, drafts: Sequence[EventDraft], at: datetime) -> list[AuditEvent]:
        made = []
        stamp = iso(at) or ""
        for draft in drafts:
            prev = self._events[-1].hash if self._events else GENESIS
            event = chain(
                seq=len(self._events) + 1,
                at=stamp,
                actor=draft.actor,
                kind=draft.kind,
                action_id=draft.action_id,
                body=jsonable(draft.body),
                prev_hash=prev,
            )
            self._events.append(event)
            made.append(event)
        return made


def _due(action: Action, now: datetime) -> datetime | None:
    """The deadline that has passed for this action, if any (the same rule as the SQL store's query)."""
    deadline = {
        Status.PENDING: action.expires_at,
        Status.EXECUTED: action.window_ends_at,
        Status.RUNNING: action.lease_until,
        Status.UNDOING: action.lease_until,
        Status.APPROVED: action.lease_until,
    }.get(action.status)
    return deadline if deadline is not None and deadline <= now else None

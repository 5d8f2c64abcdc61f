"""The SQL store: SQLite (the embedded default) and PostgreSQL, through SQLAlchemy Core.

SQLite runs in WAL mode with ``synchronous=FULL`` unless the URL says otherwise
(``sqlite:///tether.db?synchronous=normal``). Every write transaction starts with ``BEGIN IMMEDIATE`` so that
writers queue at the start instead of failing at commit; reads use a separate deferred engine so that they
never wait for a writer. On PostgreSQL the single ``audit_head`` row is locked ``FOR UPDATE`` by each writer,
which serialises chain appends across instances.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    create_engine,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from tether._json import from_ts, iso, ts
from tether.audit import Anchor, AuditEvent, chain, jsonable
from tether.autonomy._ladder import Incident
from tether.errors import NotFound, StoreError, UsageError
from tether.model import (
    Action,
    LaneState,
    Mode,
    Role,
    ShadowCase,
    ShadowResult,
    Status,
    TokenRecord,
    ToolCall,
    ToolPin,
    Urgency,
    new_id,
)
from tether.store import _schema as schema
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
)
from tether.store._listen import CHANNEL, Listener
from tether.store._migrations import MIGRATIONS, current_version, migrate
from tether.store._rows import (
    approvals_from_list,
    approvals_to_list,
    decision_from_dict,
    decision_to_dict,
    undo_from_dict,
    undo_to_dict,
    verdict_from_dict,
    verdict_to_dict,
)

_SYNC_LEVELS = {"off", "normal", "full", "extra"}
A = schema.actions
E = schema.audit_events
H = schema.audit_head
L = schema.lanes
T = schema.tokens
S = schema.shadow_cases
INC = schema.incidents
OB = schema.outbox
OC = schema.outbox_cursor
NONCE = schema.nonces
SECRET = schema.secrets
PIN = schema.tool_pins
U = schema.usage


class _Prepared:
    """A hot-path statement, compiled once per dialect and run on the DBAPI cursor of the current transaction.

    SQLAlchemy's per-execute machinery costs tens of microseconds; on a call path that must stay under a
    millisecond with two fsyncs, the handful of statements every call runs go straight to the driver. Both
    drivers take named parameters (SQLite engines are created with ``paramstyle="named"``).
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, dict[str, Any]]] = {}

    def compiled(self, conn: Connection) -> tuple[str, dict[str, Any]]:
        """The SQL text and the values of the literals inside the statement (e.g. ``id = 1``)."""
        name = conn.dialect.name
        found = self._compiled.get(name)
        if found is None:
            compiled = self.statement.compile(dialect=conn.dialect)
            fixed = {key: value for key, value in compiled.params.items() if value is not None}
            found = self._compiled[name] = (str(compiled), fixed)
        return found

    def run(self, conn: Connection, params: dict[str, Any] | None = None) -> Any:
        sql, fixed = self.compiled(conn)
        cursor = conn.connection.cursor()
        cursor.execute(sql, {**fixed, **params} if params else fixed)
        return cursor

    def many(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        sql, fixed = self.compiled(conn)
        conn.connection.cursor().executemany(sql, [{**fixed, **row} for row in rows] if fixed else rows)


def _mapping(cursor: Any) -> dict[str, Any] | None:
    row = cursor.fetchone()
    return None if row is None else dict(zip((d[0] for d in cursor.description), row, strict=True))


_INSERT_ACTION = _Prepared(insert(A))
_INSERT_EVENTS = _Prepared(insert(E))
_INSERT_USAGE = _Prepared(
    insert(U).values({name: bindparam(name) for name in ("limit_id", "agent", "tool", "at", "amount")})
)
_SELECT_HEAD = _Prepared(select(H.c.seq, H.c.hash).where(H.c.id == 1).with_for_update())
_ADVANCE_HEAD = _Prepared(
    update(H)
    .where(H.c.id == 1, H.c.seq == bindparam("old_seq"), H.c.hash == bindparam("old_hash"))
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
_SELECT_LANE = _Prepared(
    select(L.c.level, L.c.breaker).where(L.c.agent == bindparam("agent"), L.c.tool == bindparam("tool"))
)
_SUM_USAGE = _Prepared(
    select(func.coalesce(func.sum(U.c.amount), 0.0)).where(
        U.c.limit_id == bindparam("limit_id"),
        U.c.agent == bindparam("agent"),
        U.c.tool == bindparam("tool"),
        U.c.at > bindparam("since"),
    )
)
_SELECT_ACTION = _Prepared(select(A).where(A.c.id == bindparam("aid")))
_EXPECT_SLOTS = 4  # a transition accepts up to this many "from" statuses (padded by repetition)
_TRANSITIONS: dict[tuple[frozenset[str], bool, bool], _Prepared] = {}


def _transition_statement(columns: frozenset[str], versioned: bool, *, returning: bool) -> _Prepared:
    """UPDATE … SET the given columns WHERE id and status (and version) match, RETURNING the row; one
    compiled statement per distinct set of columns, built on first use."""
    key = (columns, versioned, returning)
    found = _TRANSITIONS.get(key)
    if found is None:
        conditions = [A.c.id == bindparam("aid"), A.c.status.in_([bindparam(f"e{i}") for i in range(_EXPECT_SLOTS)])]
        if versioned:
            conditions.append(A.c.version == bindparam("expect_version"))
        values: dict[str, Any] = {name: bindparam(f"p_{name}", type_=A.c[name].type) for name in columns}
        values["version"] = A.c.version + 1
        statement = update(A).where(*conditions).values(values)
        found = _TRANSITIONS[key] = _Prepared(statement.returning(*A.c) if returning else statement)
    return found


class SQLStore(Store):
    """One class for both dialects; the URL picks the dialect."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only or is_read_only(url)
        with _store_errors(url):
            self._writer, self._reader = _engines(url, self.read_only)
        self._listener: Listener | None = None

    @classmethod
    def from_url(cls, url: str) -> SQLStore:
        return cls(url)

    def setup(self) -> None:
        with _store_errors(self.url):
            if not self.read_only:
                migrate(self._writer)
                return
            with self._reader.connect() as conn:
                version = current_version(conn)
        if version != len(MIGRATIONS):
            raise StoreError(
                f"store {_redacted(self.url)} is read-only and its schema is at version {version}, not "
                f"{len(MIGRATIONS)}: open a writable copy once to upgrade it"
            )

    @property
    def wakes_across_processes(self) -> bool:
        return self._writer.dialect.name == "postgresql"

    def subscribe(self, callback: Callable[[], None]) -> None:
        if not self.wakes_across_processes:
            return  # SQLite: one machine; other processes' changes are seen by polling
        if self._listener is None:
            self._listener = Listener(_libpq_dsn(self.url))
        self._listener.add(callback)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self._writer.dispose()
        if self._reader is not self._writer:
            self._reader.dispose()

    # -- actions ---------------------------------------------------------------------------------------------

    def create_action(
        self, agent: str, tool: str, windows: dict[str, datetime], admit: Callable[[LaneState], Admission]
    ) -> Action:
        with _store_errors(self.url), self._writer.begin() as conn:
            _lock_lane(conn, agent, tool)
            admission = admit(_lane_state(conn, agent, tool, windows))
            action, at = admission.action, admission.at
            _INSERT_ACTION.run(conn, _action_row(action))
            if admission.charges:
                _INSERT_USAGE.many(
                    conn,
                    [
                        {"limit_id": limit, "agent": agent, "tool": tool, "at": ts(at), "amount": amount}
                        for limit, amount in admission.charges
                    ],
                )
            if admission.open_breaker is not None:
                _open_breaker(conn, agent, tool, admission.open_breaker, at)
            _append(conn, admission.events, at)
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
        fields = changes.fields()
        values = {"status": changes.status.value, "updated_at": ts(changes.updated_at)}
        values.update({name: _column_value(name, value) for name, value in fields.items()})
        # A sweeper's claim is on the timer of the state it saw; any change ends it, so the next state's timer (a
        # retry's own lease, say) is due when it falls due, not when that claim would have lapsed. (``swept_by``
        # stays: which instance swept it last.)
        values["sweep_until"] = None
        # With the version checked, the caller's copy is exactly the row being changed: the result can be built
        # from it instead of read back and parsed.
        known = (
            current
            if current is not None and expect_version is not None and current.version == expect_version
            else None
        )
        statement = _transition_statement(frozenset(values), expect_version is not None, returning=known is None)
        params = {"aid": action_id, **_expect_params(expect), **{f"p_{k}": v for k, v in values.items()}}
        if expect_version is not None:
            params["expect_version"] = expect_version
        with _store_errors(self.url), self._writer.begin() as conn:
            cursor = statement.run(conn, params)
            row = _mapping(cursor) if known is None else None
            if (known is None and row is None) or (known is not None and cursor.rowcount != 1):
                if _SELECT_ACTION.run(conn, {"aid": action_id}).fetchone() is None:
                    raise NotFound(f"no action {action_id!r}")
                return None
            _append(conn, events, changes.updated_at)
            if known is not None:
                if "result" in fields:
                    fields["result"] = jsonable(fields["result"])
                return replace(
                    known, status=changes.status, updated_at=changes.updated_at, version=known.version + 1, **fields
                )
            assert row is not None
            return _action_from_row(row)

    def find_call(self, agent: str, call_id: str) -> Action | None:
        stmt = select(A).where(A.c.agent == agent, A.c.call_id == call_id)
        with _store_errors(self.url), self._reader.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else _action_from_row(row)

    def get_action(self, action_id: str) -> Action:
        with _store_errors(self.url), self._reader.connect() as conn:
            row = _mapping(_SELECT_ACTION.run(conn, {"aid": action_id}))
        if row is None:
            raise NotFound(f"no action {action_id!r}")
        return _action_from_row(row)

    def list_actions(self, query: ActionFilter) -> list[Action]:
        where = and_(True, *_conditions(query))
        with _store_errors(self.url), self._reader.connect() as conn:
            if not query.urgent_first:
                order = (A.c.created_at, A.c.id) if query.oldest_first else (A.c.created_at.desc(), A.c.id.desc())
                stmt = select(A).where(where).order_by(*order).limit(query.limit).offset(query.offset)
                return [_action_from_row(row) for row in conn.execute(stmt).mappings()]
            # The inbox: high urgency first, then the rest, each oldest first. Two walks of ix_actions_inbox in
            # age order cost a page's worth of rows, where one ORDER BY over a CASE would sort every pending row.
            rows: list[Any] = []
            offset = query.offset
            for part in _URGENCY_PARTS:
                stmt = (
                    select(A)
                    .where(where, part)
                    .order_by(A.c.created_at, A.c.id)
                    .limit(query.limit - len(rows))
                    .offset(offset)
                )
                found = conn.execute(stmt).mappings().all()
                rows.extend(found)
                if len(rows) >= query.limit:
                    break
                if offset and not found:  # the page starts past this part: skip all of it
                    offset -= int(conn.execute(select(func.count()).select_from(A).where(where, part)).scalar_one())
                    offset = max(offset, 0)
                else:
                    offset = 0
            return [_action_from_row(row) for row in rows]

    def count_matching(self, query: ActionFilter) -> int:
        stmt = select(func.count()).select_from(A).where(and_(True, *_conditions(query)))
        with _store_errors(self.url), self._reader.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def count_actions(self) -> dict[tuple[str, str], int]:
        stmt = select(A.c.mode, A.c.status, func.count()).group_by(A.c.mode, A.c.status)
        with _store_errors(self.url), self._reader.connect() as conn:
            return {(mode, status): int(count) for mode, status, count in conn.execute(stmt)}

    def claim_due(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 500) -> list[Action]:
        moment = ts(now)
        free = or_(A.c.sweep_until.is_(None), A.c.sweep_until <= moment)
        oldest = select(A.c.id).where(_due(moment), free).order_by(_deadline(), A.c.id).limit(limit)
        with _store_errors(self.url), self._writer.begin() as conn:
            ids = [r[0] for r in conn.execute(oldest.with_for_update(skip_locked=True))]
            if not ids:
                return []
            # no version bump: a claim is not a change of the action, and must not fail a decision's compare-and-set
            conn.execute(update(A).where(A.c.id.in_(ids)).values(swept_by=worker, sweep_until=ts(lease_until)))
            rows = conn.execute(select(A).where(A.c.id.in_(ids)).order_by(_deadline(), A.c.id)).mappings()
            return [_action_from_row(row) for row in rows]

    def due_actions(self, now: datetime, *, limit: int = 500) -> list[Action]:
        stmt = select(A).where(_due(ts(now))).order_by(_deadline(), A.c.id).limit(limit)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [_action_from_row(row) for row in conn.execute(stmt).mappings()]

    # -- lanes -----------------------------------------------------------------------------------------------

    def lane_state(self, agent: str, tool: str, windows: dict[str, datetime]) -> LaneState:
        with _store_errors(self.url), self._reader.connect() as conn:
            return _lane_state(conn, agent, tool, windows)

    def breakers(self) -> list[Breaker]:
        stmt = select(L).where(L.c.breaker.is_not(None)).order_by(L.c.breaker_at)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [
                Breaker(agent=r.agent, tool=r.tool, limit=r.breaker, opened_at=_dt(r.breaker_at))
                for r in conn.execute(stmt)
            ]

    def close_breaker(self, agent: str, tool: str, event: EventDraft, *, at: datetime) -> bool:
        with _store_errors(self.url), self._writer.begin() as conn:
            closed = conn.execute(
                update(L)
                .where(L.c.agent == agent, L.c.tool == tool, L.c.breaker.is_not(None))
                .values(breaker=None, breaker_at=None)
            )
            if closed.rowcount != 1:
                return False
            _append(conn, [event], at)
            return True

    def set_level(
        self, agent: str, tool: str, level: Mode | None, events: Sequence[EventDraft], *, at: datetime
    ) -> None:
        value = level.value if level is not None else None
        with _store_errors(self.url), self._writer.begin() as conn:
            _lock_lane(conn, agent, tool)
            changed = conn.execute(update(L).where(L.c.agent == agent, L.c.tool == tool).values(level=value))
            if changed.rowcount == 0:
                conn.execute(insert(L).values(agent=agent, tool=tool, level=value, breaker=None, breaker_at=None))
            _append(conn, events, at)

    def lanes(self) -> list[tuple[str, str]]:
        with _store_errors(self.url), self._reader.connect() as conn:
            found = {(r.agent, r.tool) for r in conn.execute(select(L.c.agent, L.c.tool))}
            found |= {(r.agent, r.tool) for r in conn.execute(select(A.c.agent, A.c.tool).distinct())}
            shadow = select(S.c.agent, func.coalesce(S.c.agent_tool, S.c.human_tool)).where(S.c.agent.is_not(None))
            found |= {(agent, tool) for agent, tool in conn.execute(shadow.distinct()) if tool}
        return sorted(found)

    def add_incident(self, incident: Incident, agent: str, tool: str, events: Sequence[EventDraft]) -> None:
        row = {
            "id": new_id(),
            "action_id": incident.action_id,
            "agent": agent,
            "tool": tool,
            "note": incident.note,
            "by": incident.by,
            "at": ts(incident.at),
            "finding": incident.finding,
        }
        with _store_errors(self.url), self._writer.begin() as conn:
            conn.execute(insert(INC).values(row))
            _append(conn, events, incident.at)

    def incidents(self, agent: str, tool: str) -> list[Incident]:
        stmt = select(INC).where(INC.c.agent == agent, INC.c.tool == tool).order_by(INC.c.at)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [Incident(r.action_id, _dt(r.at), r.note, r.by, r.finding) for r in conn.execute(stmt)]

    # -- the notification outbox -------------------------------------------------------------------------------

    def outbox_cursor(self) -> int:
        with _store_errors(self.url), self._reader.connect() as conn:
            return int(conn.execute(select(OC.c.seq).where(OC.c.id == 1)).scalar() or 0)

    def outbox_fill(self, deliveries: Sequence[Delivery], *, after: int, upto: int) -> bool:
        with _store_errors(self.url), self._writer.begin() as conn:
            current = conn.execute(select(OC.c.seq).where(OC.c.id == 1).with_for_update()).scalar()
            if (current or 0) != after:
                return False
            if current is None:
                conn.execute(insert(OC).values(id=1, seq=upto))
            else:
                conn.execute(update(OC).where(OC.c.id == 1).values(seq=upto))
            if deliveries:
                conn.execute(insert(OB), [_delivery_row(d) for d in deliveries])
            return True

    def outbox_claim(self, now: datetime, *, worker: str, lease_until: datetime, limit: int = 50) -> list[Delivery]:
        moment = ts(now)
        due = or_(
            and_(OB.c.status == "pending", OB.c.next_at <= moment),
            and_(OB.c.status == "sending", OB.c.lease_until <= moment),
        )
        with _store_errors(self.url), self._writer.begin() as conn:
            # SKIP LOCKED: on PostgreSQL, two instances claiming at once take different rows (SQLite serialises).
            oldest = select(OB.c.id).where(due).order_by(OB.c.next_at, OB.c.id).limit(limit)
            ids = [r[0] for r in conn.execute(oldest.with_for_update(skip_locked=True))]
            if not ids:
                return []
            conn.execute(
                update(OB)
                .where(OB.c.id.in_(ids), due)
                .values(status="sending", claimed_by=worker, lease_until=ts(lease_until))
            )
            rows = conn.execute(select(OB).where(OB.c.id.in_(ids), OB.c.claimed_by == worker)).mappings()
            claimed = [_delivery_from_row(r) for r in rows]
        return sorted(claimed, key=lambda d: (d.next_at, d.id))

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
        stmt = (
            update(OB)
            .where(OB.c.id == delivery_id, OB.c.status == "sending", OB.c.claimed_by == worker)
            .values(
                status=status,
                attempts=attempts,
                next_at=ts(next_at),
                last_error=error,
                sent_at=ts(sent_at),
                claimed_by=None,
                lease_until=None,
            )
        )
        with _store_errors(self.url), self._writer.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def outbox_list(self, *, status: str | None = None, limit: int = 100) -> list[Delivery]:
        stmt = select(OB).order_by(OB.c.created_at.desc(), OB.c.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(OB.c.status == status)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [_delivery_from_row(r) for r in conn.execute(stmt).mappings()]

    def outbox_retry(self, delivery_id: str, *, now: datetime) -> Delivery:
        stmt = (
            update(OB)
            .where(OB.c.id == delivery_id, OB.c.status.in_(["dead", "skipped"]))
            .values(status="pending", attempts=0, next_at=ts(now), last_error=None)
        )
        with _store_errors(self.url), self._writer.begin() as conn:
            if not conn.execute(stmt).rowcount:
                raise NotFound(f"no dead or skipped delivery {delivery_id!r}")
            return _delivery_from_row(conn.execute(select(OB).where(OB.c.id == delivery_id)).mappings().one())

    def use_nonce(self, key: str, *, at: datetime) -> bool:
        # The primary key decides: of two instances spending one key at once, the second insert fails.
        try:
            with _store_errors(self.url), self._writer.begin() as conn:
                conn.execute(insert(NONCE).values(key=key, at=ts(at)))
        except DuplicateKey:
            return False
        return True

    def nonce_used(self, key: str) -> bool:
        with _store_errors(self.url), self._reader.connect() as conn:
            return conn.execute(select(NONCE.c.key).where(NONCE.c.key == key)).first() is not None

    def secret(self, name: str, *, value: str | None = None, replace: bool = False) -> str:
        made = value if value is not None else secrets.token_hex(32)
        if replace and value is not None:
            with _store_errors(self.url), self._writer.begin() as conn:
                if conn.execute(update(SECRET).where(SECRET.c.name == name).values(value=value)).rowcount:
                    return value
        with contextlib.suppress(DuplicateKey), _store_errors(self.url), self._writer.begin() as conn:
            conn.execute(insert(SECRET).values(name=name, value=made))  # the first instance to ask makes it
        with _store_errors(self.url), self._reader.connect() as conn:
            return str(conn.execute(select(SECRET.c.value).where(SECRET.c.name == name)).scalar_one())

    # -- pinned tool definitions --------------------------------------------------------------------------------

    def tool_pins(self, agent: str) -> dict[str, ToolPin]:
        with _store_errors(self.url), self._reader.connect() as conn:
            rows = conn.execute(select(PIN).where(PIN.c.agent == agent)).all()
        return {row.tool: _pin_from_row(row) for row in rows}

    def save_pin(self, pin: ToolPin, event: EventDraft, *, at: datetime, replaces: str | None = None) -> bool:
        values = {
            "digest": pin.digest,
            "definition": json.dumps(pin.definition, sort_keys=True),
            "pinned_at": ts(pin.pinned_at),
            "pinned_by": pin.pinned_by,
        }
        try:
            with _store_errors(self.url), self._writer.begin() as conn:
                if replaces is None:
                    conn.execute(insert(PIN).values(agent=pin.agent, tool=pin.tool, **values))
                else:
                    mine = and_(PIN.c.agent == pin.agent, PIN.c.tool == pin.tool, PIN.c.digest == replaces)
                    if conn.execute(update(PIN).where(mine).values(**values)).rowcount != 1:
                        return False  # nothing written: the pin had moved on
                _append(conn, [event], at)
        except DuplicateKey:
            return False
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
        lacking = S.c.has_agent == 0 if side == "agent" else S.c.has_human == 0
        find = select(S).where(S.c.subject == subject, lacking).order_by(S.c.created_at, S.c.id).limit(1)
        with _store_errors(self.url), self._writer.begin() as conn:
            row = conn.execute(find.with_for_update()).first()
            case = fill(_shadow_from_row(row) if row is not None else None)
            values = _shadow_row(case)
            if row is None:
                conn.execute(insert(S).values(values))
            else:
                conn.execute(update(S).where(S.c.id == case.id).values(values))
            _append(conn, events(case), at)
            return case

    def shadow_cases(self, query: ShadowFilter) -> list[ShadowCase]:
        conditions: list[ColumnElement[bool]] = []
        if query.subject is not None:
            conditions.append(S.c.subject == query.subject)
        if query.agent is not None:
            conditions.append(S.c.agent == query.agent)
        if query.tool is not None:
            conditions.append(
                or_(S.c.agent_tool == query.tool, and_(S.c.agent_tool.is_(None), S.c.human_tool == query.tool))
            )
        if query.compared is not None:
            conditions.append(S.c.result.is_not(None) if query.compared else S.c.result.is_(None))
        stmt = select(S).where(and_(True, *conditions)).order_by(S.c.created_at, S.c.id).limit(query.limit)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [_shadow_from_row(row) for row in conn.execute(stmt)]

    # -- tokens ----------------------------------------------------------------------------------------------

    def save_token(self, token: TokenRecord, event: EventDraft, *, at: datetime) -> None:
        row = {
            "id": token.id,
            "name": token.name,
            "role": token.role.value,
            "groups": json.dumps(list(token.groups)),
            "digest": token.digest,
            "created_at": ts(token.created_at),
            "revoked_at": ts(token.revoked_at),
        }
        with _store_errors(self.url), self._writer.begin() as conn:
            conn.execute(insert(T).values(row))
            _append(conn, [event], at)

    def get_token(self, token_id: str) -> TokenRecord | None:
        with _store_errors(self.url), self._reader.connect() as conn:
            row = conn.execute(select(T).where(T.c.id == token_id)).first()
        return None if row is None else _token_from_row(row)

    def list_tokens(self) -> list[TokenRecord]:
        with _store_errors(self.url), self._reader.connect() as conn:
            return [_token_from_row(r) for r in conn.execute(select(T).order_by(T.c.created_at, T.c.id))]

    def revoke_tokens(self, name_or_id: str, event: EventDraft, *, at: datetime) -> int:
        with _store_errors(self.url), self._writer.begin() as conn:
            revoked = conn.execute(
                update(T)
                .where(or_(T.c.id == name_or_id, T.c.name == name_or_id), T.c.revoked_at.is_(None))
                .values(revoked_at=ts(at))
            )
            if revoked.rowcount:
                _append(conn, [event], at)
            return int(revoked.rowcount)

    # -- audit -----------------------------------------------------------------------------------------------

    def append_events(self, events: Sequence[EventDraft], *, at: datetime) -> list[AuditEvent]:
        with _store_errors(self.url), self._writer.begin() as conn:
            return _append(conn, events, at)

    def audit_events(self, *, after: int = 0, limit: int | None = None) -> Iterator[AuditEvent]:
        """Stream in pages so verifying a long log needs little memory."""
        page = 1000 if limit is None else min(limit, 1000)
        remaining = limit
        cursor = after
        while remaining is None or remaining > 0:
            size = page if remaining is None else min(page, remaining)
            # Ordered by rowid-free seq; the primary key is the chain order a verifier expects.
            with _store_errors(self.url), self._reader.connect() as conn:
                rows = conn.execute(select(E).where(E.c.seq > cursor).order_by(E.c.seq).limit(size)).all()
            if not rows:
                return
            for row in rows:
                yield _event_from_row(row)
            cursor = rows[-1].seq
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < size:
                return

    def audit_head(self) -> Anchor:
        with _store_errors(self.url), self._reader.connect() as conn:
            row = conn.execute(select(H.c.seq, H.c.hash).where(H.c.id == 1)).one()
        return Anchor(row.seq, row.hash)

    def events_for(self, action_id: str) -> list[AuditEvent]:
        stmt = select(E).where(E.c.action_id == action_id).order_by(E.c.seq)
        with _store_errors(self.url), self._reader.connect() as conn:
            return [_event_from_row(row) for row in conn.execute(stmt)]

    def raw_connection(self) -> Connection:
        """A write connection for maintenance and tamper tests; the caller owns the transaction."""
        return self._writer.connect()


# -- helpers that run inside a transaction -------------------------------------------------------------------


def _deadline() -> ColumnElement[Any]:
    """The deadline of whichever timer an action has now."""
    return case(
        (A.c.status == Status.PENDING.value, A.c.expires_at),
        (A.c.status == Status.EXECUTED.value, A.c.window_ends_at),
        else_=A.c.lease_until,
    )


def _due(moment: float | None) -> ColumnElement[bool]:
    """A pending approval past its expiry, an override past its window, a run or undo past its lease, an approved
    action nobody ran in time (its ``lease_until``; a few rows at most, found through ``ix_actions_inbox``)."""
    return or_(
        and_(A.c.status == Status.PENDING.value, A.c.expires_at <= moment),
        and_(A.c.status == Status.EXECUTED.value, A.c.window_ends_at <= moment),
        and_(A.c.status.in_([Status.RUNNING.value, Status.UNDOING.value]), A.c.lease_until <= moment),
        and_(A.c.status == Status.APPROVED.value, A.c.lease_until <= moment),
    )


def _lock_lane(conn: Connection, agent: str, tool: str) -> None:
    """Serialise writers of one lane until the transaction ends, so a limit's usage is read and charged by one
    submit at a time and the lane's row is created once. SQLite's ``BEGIN IMMEDIATE`` already serialises every
    writer; PostgreSQL takes a transaction-scoped advisory lock on the lane."""
    if conn.dialect.name == "postgresql":
        _LOCK_LANE.run(conn, {"lane": f"{agent}/{tool}"})


_NOTIFY = _Prepared(select(func.pg_notify(CHANNEL, bindparam("seq"))))
_LOCK_LANE = _Prepared(select(func.pg_advisory_xact_lock(func.hashtextextended(bindparam("lane"), 0))))


def _lane_state(conn: Connection, agent: str, tool: str, windows: dict[str, datetime]) -> LaneState:
    row = _SELECT_LANE.run(conn, {"agent": agent, "tool": tool}).fetchone()
    usage: dict[str, float] = {}
    for limit, since in windows.items():
        params = {"limit_id": limit, "agent": agent, "tool": tool, "since": ts(since)}
        usage[limit] = float(_SUM_USAGE.run(conn, params).fetchone()[0])
    if row is None:
        return LaneState(usage=usage)
    level, breaker = row
    return LaneState(level=Mode(level) if level else None, breaker=breaker, usage=usage)


def _open_breaker(conn: Connection, agent: str, tool: str, limit: str, at: datetime) -> None:
    """The first trip wins: an already-open breaker keeps the limit and time that opened it."""
    exists = conn.execute(select(L.c.breaker).where(L.c.agent == agent, L.c.tool == tool)).first()
    if exists is not None:
        if exists.breaker is None:
            conn.execute(update(L).where(L.c.agent == agent, L.c.tool == tool).values(breaker=limit, breaker_at=ts(at)))
    else:
        conn.execute(insert(L).values(agent=agent, tool=tool, level=None, breaker=limit, breaker_at=ts(at)))


class _HeadCache:
    """The last head this connection wrote. Appending trusts it and checks it with a compare-and-set on the head
    row's sequence number *and* hash; when another writer moved the head in between, or a transaction that wrote
    it rolled back, the set fails and the head is read again (one extra query)."""

    def __init__(self) -> None:
        self.head: tuple[int, str] | None = None


def _append(conn: Connection, drafts: Sequence[EventDraft], at: datetime) -> list[AuditEvent]:
    if not drafts:
        return []
    cache: _HeadCache = conn.info.setdefault("tether_head", _HeadCache())
    stamp = iso(at) or ""
    bodies = [jsonable(d.body) for d in drafts]
    for attempt in range(2):
        if cache.head is None or attempt:
            seq_now, hash_now = _SELECT_HEAD.run(conn).fetchone()
            cache.head = (int(seq_now), str(hash_now))
        seq, prev = cache.head
        made: list[AuditEvent] = []
        for draft, body in zip(drafts, bodies, strict=True):
            made.append(
                chain(
                    seq=seq + len(made) + 1,
                    at=stamp,
                    actor=draft.actor,
                    kind=draft.kind,
                    action_id=draft.action_id,
                    body=body,
                    prev_hash=made[-1].hash if made else prev,
                )
            )
        moved = _ADVANCE_HEAD.run(
            conn, {"old_seq": seq, "old_hash": prev, "new_seq": made[-1].seq, "new_hash": made[-1].hash}
        )
        if moved.rowcount == 1:
            break
    else:
        raise StoreError("the audit head moved during an append although it was locked")
    _INSERT_EVENTS.many(
        conn,
        [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "kind": e.kind,
                "action_id": e.action_id,
                "body": json.dumps(e.body, sort_keys=True, separators=(",", ":")),
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in made
        ],
    )
    cache.head = (made[-1].seq, made[-1].hash)
    if conn.dialect.name == "postgresql":
        _NOTIFY.run(conn, {"seq": str(made[-1].seq)})  # delivered at commit: other instances' waiters wake
    return made


# -- rows <-> model ------------------------------------------------------------------------------------------


def _expect_params(expect: Collection[Status]) -> dict[str, str]:
    values = [s.value for s in expect]
    if not values or len(values) > _EXPECT_SLOTS:
        raise ValueError(f"a transition expects 1 to {_EXPECT_SLOTS} statuses, got {len(values)}")
    return {f"e{i}": values[min(i, len(values) - 1)] for i in range(_EXPECT_SLOTS)}


def _action_row(action: Action) -> dict[str, Any]:
    call = action.call
    return {
        "id": action.id,
        "created_at": ts(action.created_at),
        "updated_at": ts(action.updated_at),
        "agent": call.agent,
        "tool": call.tool,
        "thread": call.thread,
        "subject": call.subject,
        "call_id": call.call_id,
        "reasoning": call.reasoning,
        "confidence": call.confidence,
        "args": json.dumps(call.args),
        "verdict": json.dumps(verdict_to_dict(action.verdict)),
        "mode": action.verdict.mode.value,
        "urgency": action.verdict.urgency.value,
        "status": action.status.value,
        "policy_version": action.policy_version,
        "decision": json.dumps(decision_to_dict(action.decision)) if action.decision else None,
        "decided_at": ts(action.decided_at),
        "result": json.dumps(jsonable(action.result)) if action.result is not None else None,
        "error": action.error,
        "window_ends_at": ts(action.window_ends_at),
        "expires_at": ts(action.expires_at),
        "approvals": _column_value("approvals", action.approvals),
        "run_at": ts(action.run_at),
        "reviewers": action.reviewers,
        "escalations": action.escalations,
        "claimed_by": action.claimed_by,
        "lease_until": ts(action.lease_until),
        "undo": _column_value("undo", action.undo),
        "version": action.version,
        "swept_by": None,
        "sweep_until": None,
    }


_URGENCY_PARTS = (
    A.c.urgency == Urgency.HIGH.value,
    A.c.urgency.in_([u.value for u in Urgency if u is not Urgency.HIGH]),
)


def _conditions(query: ActionFilter) -> list[ColumnElement[bool]]:
    """``query`` as SQL conditions; ``tether.store._base.matches`` is the reference they follow."""
    conditions: list[ColumnElement[bool]] = []
    if query.status is not None:
        conditions.append(A.c.status.in_([s.value for s in query.status]))
    if query.agent is not None:
        conditions.append(A.c.agent == query.agent)
    if query.agents is not None:
        conditions.append(A.c.agent.in_(list(query.agents)))
    if query.tool is not None:
        conditions.append(A.c.tool == query.tool)
    if query.tools is not None:
        conditions.append(A.c.tool.in_(list(query.tools)))
    if query.modes is not None:
        conditions.append(A.c.mode.in_([m.value for m in query.modes]))
    if query.since is not None:
        conditions.append(A.c.created_at >= ts(query.since))
    if query.until is not None:
        conditions.append(A.c.created_at < ts(query.until))
    if query.reviewer is not None:
        # Decisions, approvals and undo records are JSON with a "by" key; a note that quotes it is escaped
        # (\"by\"), so only the key itself matches.
        pattern = "%" + _like_escape(f'"by": {json.dumps(query.reviewer)}') + "%"
        conditions.append(
            or_(*(column.like(pattern, escape="\\") for column in (A.c.decision, A.c.approvals, A.c.undo)))
        )
    return conditions


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _column_value(name: str, value: Any) -> Any:
    """A model field's value as its column stores it."""
    if value is None:
        return None
    if name in ("decided_at", "window_ends_at", "expires_at", "run_at", "lease_until"):
        return ts(value)
    if name == "decision":
        return json.dumps(decision_to_dict(value))
    if name == "approvals":
        return json.dumps(approvals_to_list(value)) if value else None
    if name == "result":
        return json.dumps(jsonable(value))
    if name == "undo":
        return json.dumps(jsonable(undo_to_dict(value)))
    return value


def _action_from_row(row: Any) -> Action:
    return Action(
        id=row["id"],
        call=ToolCall(
            tool=row["tool"],
            args=json.loads(row["args"]),
            agent=row["agent"],
            thread=row["thread"],
            reasoning=row["reasoning"],
            confidence=row["confidence"],
            subject=row["subject"],
            call_id=row["call_id"],
        ),
        verdict=verdict_from_dict(json.loads(row["verdict"])),
        status=Status(row["status"]),
        created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]),
        policy_version=row["policy_version"],
        decision=decision_from_dict(json.loads(row["decision"])) if row["decision"] else None,
        decided_at=from_ts(row["decided_at"]),
        result=json.loads(row["result"]) if row["result"] is not None else None,
        error=row["error"],
        window_ends_at=from_ts(row["window_ends_at"]),
        expires_at=from_ts(row["expires_at"]),
        approvals=approvals_from_list(json.loads(row["approvals"])) if row["approvals"] else (),
        run_at=from_ts(row["run_at"]),
        reviewers=row["reviewers"],
        escalations=row["escalations"],
        claimed_by=row["claimed_by"],
        lease_until=from_ts(row["lease_until"]),
        undo=undo_from_dict(json.loads(row["undo"])) if row["undo"] else None,
        version=row["version"],
    )


def _shadow_row(case: ShadowCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "subject": case.subject,
        "created_at": ts(case.created_at),
        "agent": case.agent,
        "has_agent": int(case.has_agent),
        "agent_tool": case.agent_tool,
        "agent_args": json.dumps(case.agent_args),
        "agent_action_id": case.agent_action_id,
        "agent_confidence": case.agent_confidence,
        "agent_error": case.agent_error,
        "has_human": int(case.has_human),
        "human_tool": case.human_tool,
        "human_args": json.dumps(case.human_args),
        "human_by": case.human_by,
        "result": case.result.value if case.result else None,
        "detail": case.detail,
        "compared_at": ts(case.compared_at),
    }


def _shadow_from_row(row: Any) -> ShadowCase:
    return ShadowCase(
        id=row.id,
        subject=row.subject,
        created_at=_dt(row.created_at),
        agent=row.agent,
        has_agent=bool(row.has_agent),
        agent_tool=row.agent_tool,
        agent_args=json.loads(row.agent_args),
        agent_action_id=row.agent_action_id,
        agent_confidence=row.agent_confidence,
        agent_error=row.agent_error,
        has_human=bool(row.has_human),
        human_tool=row.human_tool,
        human_args=json.loads(row.human_args),
        human_by=row.human_by,
        result=ShadowResult(row.result) if row.result else None,
        detail=row.detail,
        compared_at=from_ts(row.compared_at),
    )


def _token_from_row(row: Any) -> TokenRecord:
    return TokenRecord(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        groups=tuple(json.loads(row.groups)),
        digest=row.digest,
        created_at=_dt(row.created_at),
        revoked_at=from_ts(row.revoked_at),
    )


def _pin_from_row(row: Any) -> ToolPin:
    return ToolPin(
        agent=row.agent,
        tool=row.tool,
        digest=row.digest,
        definition=json.loads(row.definition),
        pinned_at=_dt(row.pinned_at),
        pinned_by=row.pinned_by,
    )


def _event_from_row(row: Any) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        kind=row.kind,
        action_id=row.action_id,
        body=json.loads(row.body),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _dt(value: float) -> datetime:
    moment = from_ts(value)
    assert moment is not None
    return moment


# -- engines -------------------------------------------------------------------------------------------------


def _engines(url: str, read_only: bool = False) -> tuple[Engine, Engine]:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        return _sqlite_engines(parts, read_only)
    if scheme in ("postgresql", "postgres"):
        engine = create_engine(
            urlunsplit(parts._replace(scheme="postgresql+psycopg")),
            pool_pre_ping=True,  # a connection that died with the database is replaced, not used
            pool_size=10,
            max_overflow=20,
        )
        # Reads are single statements: autocommit spares each a BEGIN/ROLLBACK, and keeps psycopg's prepared
        # statements (a ROLLBACK discards them). Measured by bench/postgres.py.
        return engine, engine.execution_options(isolation_level="AUTOCOMMIT")
    raise UsageError(f"unsupported database URL {url!r}: use sqlite:///path.db, postgresql://... or memory://")


def sqlite_file(url: str) -> Path | None:
    """The file an ``sqlite:///path`` URL names (``sqlite:////abs``: an absolute path), or None for other URLs."""
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] != "sqlite" or parts.path in ("", "/", "/:memory:"):
        return None
    return Path(parts.path[1:])


def is_read_only(url: str) -> bool:
    """Whether the URL asks for read-only access (``?mode=ro``) or names an SQLite file this process may not
    write: an archive, a copy on a read-only mount. Other stores are writable as far as the URL can tell."""
    if dict(parse_qsl(urlsplit(url).query)).get("mode") == "ro":
        return True
    path = sqlite_file(url)
    if path is None or not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _read_only_sqlite(path: Path) -> Callable[[], sqlite3.Connection]:
    """Connections that never write. Reading a WAL database needs its shared-memory file: in a directory we may
    not write, one without a write-ahead log is opened as immutable; one with a log but no shared-memory file
    cannot be read faithfully, and says so."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    options = "mode=ro"
    if not os.access(path.parent, os.W_OK):
        if wal.exists() and wal.stat().st_size and not shm.exists():
            raise UsageError(
                f"{path} has a write-ahead log ({wal.name}) but no {shm.name}, in a directory that cannot be "
                "written: copy it with both files, or checkpoint it before archiving (PRAGMA wal_checkpoint)"
            )
        if not wal.exists():
            options += "&immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?{options}"
    return lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)


def _sqlite_engines(parts: Any, read_only: bool = False) -> tuple[Engine, Engine]:
    options = dict(parse_qsl(parts.query))
    options.pop("mode", None)
    sync = options.pop("synchronous", "full").lower()
    if sync not in _SYNC_LEVELS:
        raise UsageError(f"synchronous={sync!r} in the database URL: use one of {', '.join(sorted(_SYNC_LEVELS))}")
    if parts.path in ("", "/", "/:memory:"):
        raise UsageError("an SQLite store needs a file: sqlite:///path/to/tether.db (use memory:// for no file)")
    clean = "sqlite://" + parts.path + (f"?{urlencode(options)}" if options else "")
    if read_only:
        if not Path(parts.path[1:]).exists():
            raise UsageError(f"no SQLite store at {parts.path[1:]} to read")
        engine = create_engine("sqlite://", creator=_read_only_sqlite(Path(parts.path[1:])), paramstyle="named")

        @event.listens_for(engine, "connect")
        def _read_only_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _read_only_begin(conn: Connection) -> None:
            conn.connection.cursor().execute("BEGIN")

        return engine, engine

    def build(begin: str) -> Engine:
        engine = create_engine(clean, paramstyle="named", connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun explicitly below
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={sync.upper()}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.connection.cursor().execute(begin)  # straight to the driver: this runs on every transaction

        return engine

    return build("BEGIN IMMEDIATE"), build("BEGIN")


class DuplicateKey(Exception):
    """Internal: an insert met a row with the same key (a spent nonce, a secret another instance made, a tool
    another gateway pinned first)."""


class _store_errors:
    """Turn driver failures into StoreError naming the store, so callers see why and nothing runs."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        # Hot-path statements run on the driver's cursor, so driver errors arrive unwrapped as well.
        driver = exc is not None and type(exc).__module__.split(".")[0] in ("sqlite3", "psycopg")
        if exc is None or not (isinstance(exc, SQLAlchemyError) or driver):
            return
        original = getattr(exc, "orig", None) or exc
        if type(original).__name__ in ("IntegrityError", "UniqueViolation"):
            if "call" in str(original):
                raise DuplicateCall(str(original)) from exc
            if any(table in str(original) for table in ("nonces", "secrets", "tool_pins")):
                raise DuplicateKey(str(original)) from exc
        reason = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        operational = isinstance(exc, OperationalError) or type(original).__name__ == "OperationalError"
        hint = _cause(reason, operational)
        raise StoreError(f"store {_redacted(self.url)} failed{f' ({hint})' if hint else ''}: {reason}") from exc


# What a driver's message means, said so a person knows what to check (every failure used to be "unreachable"):
# the words a message must all contain, and the cause.
_CAUSES: list[tuple[tuple[str, ...], str]] = [
    (("readonly database",), "it is read-only: check the file's and its directory's permissions"),
    (("read-only transaction",), "it is read-only: the server accepts no writes (a replica, or read-only mode?)"),
    (("unable to open database file",), "the file cannot be opened: does its directory exist, may you write there?"),
    (("database is locked",), "it is locked: another process held a write lock longer than the 30 s wait"),
    (("disk i/o error",), "the disk failed a read or write: check free space and the file system"),
    (("database or disk is full",), "the disk is full"),
    (("file is not a database",), "the file is not an SQLite database"),
    (("password authentication failed",), "the server refused the user or password"),
    (('database "', "does not exist"), "the server has no such database"),
    (('role "', "does not exist"), "the server has no such user"),
]


def _cause(reason: str, operational: bool) -> str:
    """The likely cause of a store failure, from the driver's message; "unreachable" for the rest of the
    operational errors (a refused or dropped connection)."""
    lowered = reason.lower()
    for needles, cause in _CAUSES:
        if all(needle in lowered for needle in needles):
            return cause
    return "the store is unreachable" if operational else ""


def _delivery_row(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "seq": d.seq,
        "action_id": d.action_id,
        "kind": d.kind,
        "channel": d.channel,
        "recipient": d.recipient,
        "status": d.status,
        "attempts": d.attempts,
        "created_at": ts(d.created_at),
        "next_at": ts(d.next_at),
        "only_if_pending": int(d.only_if_pending),
        "last_error": d.last_error,
        "sent_at": ts(d.sent_at),
        "claimed_by": d.claimed_by,
        "lease_until": ts(d.lease_until),
    }


def _delivery_from_row(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        seq=row["seq"],
        action_id=row["action_id"],
        kind=row["kind"],
        channel=row["channel"],
        recipient=row["recipient"],
        status=row["status"],
        attempts=row["attempts"],
        created_at=_dt(row["created_at"]),
        next_at=_dt(row["next_at"]),
        only_if_pending=bool(row["only_if_pending"]),
        last_error=row["last_error"],
        sent_at=from_ts(row["sent_at"]),
        claimed_by=row["claimed_by"],
        lease_until=from_ts(row["lease_until"]),
    )


def _libpq_dsn(url: str) -> str:
    """A SQLAlchemy-style PostgreSQL URL as libpq takes it (no ``+driver`` in the scheme)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url

"""The tamper-evident audit log: canonical JSON, a SHA-256 chain, verification and anchors.

Each event's hash covers its sequence number, content and the previous event's hash, so editing, deleting or
reordering any stored event breaks the chain at that event. Deleting the *tail* leaves a shorter chain that is
still valid; an anchor (the head exported earlier and kept elsewhere) catches that. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
REDACTED = "[redacted]"


def canonical_json(value: Any) -> str:
    """One byte-exact JSON form per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def jsonable(value: Any) -> Any:
    """Coerce what a tool returned (or was given) into plain JSON values; unknown objects become their repr."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return repr(value)


def redact(value: Any, fields: Iterable[str]) -> Any:
    """Replace the values of secret-looking keys at any depth: a key matches a field when the field is part of it,
    case and punctuation ignored (``api_key`` matches ``apiKey``, ``x-api-key``). Passwords inside URLs in any
    string (``postgresql://user:PASSWORD@host``) are replaced too."""
    needles = tuple(_plain(f) for f in fields if _plain(f))
    if not needles:
        return value
    return _redact(value, needles)


def _secret_key(key: str, needles: tuple[str, ...]) -> bool:
    plain = _plain(key)
    return any(needle in plain for needle in needles)


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/\s:@]*:)(?P<password>[^@\s/]+)(?P<at>@)", re.IGNORECASE)


def _redact(value: Any, needles: tuple[str, ...]) -> Any:
    if isinstance(value, Mapping):
        return {k: REDACTED if _secret_key(str(k), needles) else _redact(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, needles) for v in value]
    if isinstance(value, str) and "://" in value:
        return _URL_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}{m['at']}", value)
    return value


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One link of the chain. ``body`` holds what happened; ``actor`` is ``agent:<id>``, ``human:<id>`` or
    ``system``."""

    seq: int
    at: str  # ISO 8601 UTC
    actor: str
    kind: str
    action_id: str | None
    body: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "kind": self.kind,
            "action_id": self.action_id,
            "body": self.body,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def event_hash(
    *,
    seq: int,
    at: str,
    actor: str,
    kind: str,
    action_id: str | None,
    body: Mapping[str, Any],
    prev_hash: str,
) -> str:
    payload = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "kind": kind,
            "action_id": action_id,
            "body": body,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain(
    *, seq: int, at: str, actor: str, kind: str, action_id: str | None, body: dict[str, Any], prev_hash: str
) -> AuditEvent:
    """Make the next link: the store calls this inside the transaction that holds the head."""
    digest = event_hash(seq=seq, at=at, actor=actor, kind=kind, action_id=action_id, body=body, prev_hash=prev_hash)
    return AuditEvent(seq, at, actor, kind, action_id, body, prev_hash, digest)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The head of the log at one moment. Keep it somewhere the log's writer cannot reach."""

    seq: int
    hash: str

    def to_json(self) -> str:
        return canonical_json({"seq": self.seq, "hash": self.hash})

    @classmethod
    def from_json(cls, text: str) -> Anchor:
        try:
            data = json.loads(text)
            seq, digest = data["seq"], data["hash"]
        except (ValueError, KeyError, TypeError):
            raise ValueError('an anchor is JSON like {"seq": 42, "hash": "<64 hex digits>"}') from None
        valid_seq = isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
        valid_hash = isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
        if not (valid_seq and valid_hash):
            raise ValueError('an anchor is JSON like {"seq": 42, "hash": "<64 hex digits>"}')
        return cls(seq, digest)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    head: Anchor
    bad_seq: int | None = None
    problem: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} events, head {self.head.seq} {self.head.hash}"
        return f"audit log BROKEN at event {self.bad_seq}: {self.problem}"


def verify(events: Iterable[AuditEvent], anchor: Anchor | None = None) -> Verification:
    """Walk the chain in order and name the first event that does not fit.

    Events must come ordered by ``seq`` (the store's order). Gaps, edits, swaps and a tail shorter than the
    anchor are all reported at the first sequence number where the stored log departs from the true one.
    """
    expected_seq = 1
    prev = GENESIS
    checked = 0
    anchor_seen = anchor is None or anchor.seq == 0
    for event in events:
        if event.seq != expected_seq:
            problem = (
                f"event {expected_seq} is missing (the log jumps to {event.seq})"
                if event.seq > expected_seq
                else f"event {event.seq} appears out of order after {expected_seq - 1}"
            )
            return _broken(checked, prev, expected_seq, problem)
        if event.prev_hash != prev:
            return _broken(checked, prev, event.seq, "its previous-hash does not match the event before it")
        recomputed = event_hash(
            seq=event.seq,
            at=event.at,
            actor=event.actor,
            kind=event.kind,
            action_id=event.action_id,
            body=event.body,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return _broken(checked, prev, event.seq, "its contents do not match its hash (edited)")
        if anchor is not None and event.seq == anchor.seq:
            if event.hash != anchor.hash:
                return _broken(checked, prev, event.seq, "it differs from the anchor (the log was rewritten)")
            anchor_seen = True
        prev = event.hash
        checked += 1
        expected_seq += 1
    head = Anchor(checked, prev)
    if not anchor_seen and anchor is not None:
        return Verification(
            False,
            checked,
            head,
            bad_seq=checked + 1,
            problem=f"the log ends at event {checked} but the anchor is at event {anchor.seq} (truncated)",
        )
    return Verification(True, checked, head)


def _broken(checked: int, prev: str, seq: int, problem: str) -> Verification:
    return Verification(False, checked, Anchor(checked, prev), bad_seq=seq, problem=problem)

"""Who is calling: API tokens, roles and reviewer groups.

A token looks like ``tth_<id>_<secret>``. Only a SHA-256 digest of the secret is stored (the secret is random and
long, so a plain digest is enough), and it is compared in constant time. Roles:

- ``agent``: submits calls as itself, claims and reports only its own actions, never decides;
- ``viewer``: reads actions, the audit log and breakers;
- ``reviewer``: a viewer who decides and undoes actions whose reviewer group it belongs to (or that name none);
- ``admin``: a reviewer of every group who also manages tokens and breakers.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from tether._secrets import same
from tether.clock import Clock
from tether.errors import NotFound, Unauthenticated, UsageError
from tether.model import Role, TokenRecord
from tether.store._base import EventDraft, Store


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """The caller of one request, as the audit log names it."""

    name: str
    role: Role
    groups: tuple[str, ...] = field(default=())

    @property
    def can_read(self) -> bool:
        return self.role in (Role.VIEWER, Role.REVIEWER, Role.ADMIN)

    @property
    def can_decide(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)

    def may_decide_for(self, group: str | None) -> bool:
        """A reviewer decides for actions of its groups, and for actions that name no group."""
        return self.role is Role.ADMIN or (self.role is Role.REVIEWER and (group is None or group in self.groups))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(name: str, role: Role | str, groups: tuple[str, ...], *, now: datetime) -> tuple[TokenRecord, str]:
    """A fresh token record and the one-time secret string to hand to its owner."""
    if not name or not name.strip() or "/" in name or ":" in name:
        raise UsageError(f"a token name is a non-empty identity without '/' or ':', got {name!r}")
    try:
        parsed = Role(role)
    except ValueError:
        raise UsageError(f"unknown role {role!r}: use agent, viewer, reviewer or admin") from None
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = TokenRecord(
        id=token_id, name=name, role=parsed, groups=tuple(groups), digest=digest(secret), created_at=now
    )
    return record, f"tth_{token_id}_{secret}"


def split_token(presented: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a well-formed token string, else None."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "tth" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(record: TokenRecord, secret: str) -> bool:
    return record.revoked_at is None and same(record.digest, digest(secret))


class Tokens:
    """Issue, check and revoke API tokens in a store; every issue and revocation is in the audit log."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def issue(self, name: str, role: Role | str, groups: tuple[str, ...] = (), *, by: str) -> tuple[TokenRecord, str]:
        record, secret = new_token(name, role, groups, now=self.clock.now())
        body = {"token": record.id, "name": name, "role": record.role.value, "groups": list(record.groups)}
        self.store.save_token(record, EventDraft(f"human:{by}", "token.created", None, body), at=record.created_at)
        return record, secret

    def revoke(self, name_or_id: str, *, by: str) -> int:
        event = EventDraft(f"human:{by}", "token.revoked", None, {"token": name_or_id})
        count = self.store.revoke_tokens(name_or_id, event, at=self.clock.now())
        if not count:
            raise NotFound(f"no active token with id or name {name_or_id!r}")
        return count

    def person(self, name: str) -> Identity | None:
        """The reviewer or admin called ``name`` (their newest active token says their role and groups), or None:
        how a Slack user or an email recipient becomes the identity a decision is recorded under."""
        found = [
            t for t in self.store.list_tokens() if t.name == name and t.revoked_at is None and t.role != Role.AGENT
        ]
        if not found:
            return None
        record = found[-1]
        return Identity(name=record.name, role=record.role, groups=record.groups)

    def revoked_since(self, name: str) -> datetime | None:
        """When a token of ``name`` was last revoked, if ever: what that person was sent before then (an email
        link) is not theirs to use any more, even once they hold a new token."""
        revoked = [t.revoked_at for t in self.store.list_tokens() if t.name == name and t.revoked_at is not None]
        return max(revoked) if revoked else None

    def authenticate(self, presented: str | None) -> Identity:
        """The identity behind a token string; Unauthenticated (never a hint which part was wrong) otherwise."""
        parts = split_token(presented or "")
        record = self.store.get_token(parts[0]) if parts else None
        if parts is None or record is None or not matches(record, parts[1]):
            raise Unauthenticated("a valid API token is required (Authorization: Bearer tth_…)")
        return Identity(name=record.name, role=record.role, groups=record.groups)

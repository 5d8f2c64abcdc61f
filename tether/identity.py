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
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tether.errors import UsageError


class Role(StrEnum):
    AGENT = "agent"
    VIEWER = "viewer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


@dataclass(frozen=True, kw_only=True, slots=True)
class TokenRecord:
    id: str
    name: str
    role: Role
    groups: tuple[str, ...] = ()
    digest: str
    created_at: datetime
    revoked_at: datetime | None = None


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
    return record.revoked_at is None and hmac.compare_digest(record.digest, digest(secret))

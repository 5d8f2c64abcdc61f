"""Dashboard sessions and CSRF tokens.

A person logs in to the dashboard with an API token once; the server answers with a session cookie
(``HttpOnly``, ``SameSite=Strict``) that names the token and an expiry, signed with a key derived from the token's
stored digest. Nothing about sessions is kept server-side, so any instance on the same store accepts the cookie,
and revoking the token ends every session made from it at the next request.

Every state-changing dashboard request carries a CSRF token bound to the session (a form field or the
``X-CSRF-Token`` header), and a request whose ``Origin`` names another site is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from tether._secrets import same
from tether.clock import Clock
from tether.errors import Forbidden, Unauthenticated
from tether.model import Role, TokenRecord
from tether.notify._keys import SigningKeys
from tether.plane._identity import Identity, matches, split_token
from tether.store import Store

SESSION_COOKIE = "tether_session"
SESSION_TTL = timedelta(hours=12)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in person: who they are, the cookie that proves it, and the CSRF token their forms carry."""

    identity: Identity
    cookie: str
    csrf: str
    expires: int  # epoch seconds


class Sessions:
    """Make and check session cookies for one store."""

    def __init__(self, store: Store, clock: Clock, keys: SigningKeys, ttl: timedelta = SESSION_TTL) -> None:
        self.store = store
        self.clock = clock
        self.keys = keys
        self.ttl = ttl

    def login(self, presented: str) -> Session:
        """A new session for a valid reviewer, viewer or admin token; Unauthenticated or Forbidden otherwise."""
        parts = split_token(presented or "")
        record = self.store.get_token(parts[0]) if parts else None
        if parts is None or record is None or not matches(record, parts[1]):
            raise Unauthenticated("that token is not valid (it may have been revoked); ask an admin for one")
        if record.role is Role.AGENT:
            raise Forbidden(f"{record.name} is an agent token: agents act over the API, people log in here")
        expires = int(self.clock.now().timestamp() + self.ttl.total_seconds())
        payload = f"{record.id}.{expires}"
        return self._session(record, f"{payload}.{_sign(self.keys, record, 'session', payload)}", expires)

    def check(self, cookie: str | None) -> Session:
        """The session behind a cookie; Unauthenticated when it is missing, forged, expired or its token revoked."""
        token_id, _, rest = (cookie or "").partition(".")
        expires_text, _, signature = rest.partition(".")
        record = self.store.get_token(token_id) if token_id and expires_text.isdigit() else None
        if (
            record is None
            or record.revoked_at is not None
            or record.role is Role.AGENT
            or not same(_sign(self.keys, record, "session", f"{token_id}.{expires_text}"), signature)
        ):
            raise Unauthenticated("please log in")
        expires = int(expires_text)
        if expires <= self.clock.now().timestamp():
            raise Unauthenticated("your session has expired; please log in again")
        if self.store.nonce_used(_signed_out(cookie or "")):
            raise Unauthenticated("you logged out of that session; please log in again")
        return self._session(record, cookie or "", expires)

    def logout(self, session: Session) -> None:
        """End the session on the server, not only in this browser: its cookie is refused from now on, wherever it
        was copied to."""
        self.store.use_nonce(_signed_out(session.cookie), at=self.clock.now())

    @staticmethod
    def csrf_ok(session: Session, presented: str | None) -> bool:
        return bool(presented) and same(session.csrf, presented)

    def _session(self, record: TokenRecord, cookie: str, expires: int) -> Session:
        identity = Identity(name=record.name, role=record.role, groups=record.groups)
        return Session(identity=identity, cookie=cookie, csrf=_sign(self.keys, record, "csrf", cookie), expires=expires)


def _signed_out(cookie: str) -> str:
    """The single-use key that marks a session cookie as logged out (a digest: the cookie itself is a credential)."""
    return "logout:" + hashlib.sha256(cookie.encode("utf-8", "surrogatepass")).hexdigest()


def _sign(keys: SigningKeys, record: TokenRecord, purpose: str, payload: str) -> str:
    """HMAC-SHA256 with the key for this purpose and token: from the signing secret (``tether.notify._keys``), so a
    copy of the database, which holds the token's digest, cannot sign a session."""
    return hmac.new(keys.key(purpose, record.digest), payload.encode(), hashlib.sha256).hexdigest()

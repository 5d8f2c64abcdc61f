"""The keys that sign dashboard sessions and email links, from a secret kept outside the database.

Tokens are stored as digests, so a copy of the database (a backup, a read replica) must grant nothing. Keys derived
from what the database holds would undo that: whoever has the file could sign an admin's session cookie or an
approval link. So the signing secret comes from the environment — ``TETHER_SECRET``, or ``TETHER_SECRET_FILE``
naming a file that holds it — and every key is an HMAC of it. Each instance, worker and CLI command that signs or
checks must have the same secret: the database records its fingerprint (a hash, useless for signing), and a
process with another secret refuses to start instead of minting links nobody can use.

Without a secret, Tether signs with keys kept in the database, as releases before this one did, and says so: a
copy of the database can then forge sessions and links (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from pathlib import Path

from tether._secrets import same
from tether.errors import ConfigError
from tether.store import Store

SECRET_ENV = "TETHER_SECRET"
SECRET_FILE_ENV = "TETHER_SECRET_FILE"
FINGERPRINT = "signing-secret-fingerprint"
LINK_SECRET = "email-links"  # the database-held link key, without a signing secret
MIN_LENGTH = 32
log = logging.getLogger("tether")


class SigningKeys:
    """Keys for one purpose each (``session``, ``csrf``, ``links``), from the signing secret if there is one."""

    def __init__(self, store: Store, secret: str | None) -> None:
        self.store = store
        self.secret = secret

    @classmethod
    def from_env(cls, store: Store, env: Mapping[str, str]) -> SigningKeys:
        """The keys for ``env``'s secret, once the database has confirmed it is the secret it was set up with."""
        secret = read_secret(env)
        if secret is None:
            log.warning(
                "no %s set: sessions and email links are signed with keys kept in the database, so a copy of the "
                "database could forge them (see docs/security.md)",
                SECRET_ENV,
            )
            return cls(store, None)
        recorded = store.secret(FINGERPRINT, value=fingerprint(secret))
        if not same(recorded, fingerprint(secret)):
            raise ConfigError(
                f"{SECRET_ENV} is not the signing secret this database was set up with (fingerprint "
                f"{fingerprint(secret)[:12]}…, the database expects {recorded[:12]}…): give every instance, worker "
                "and command the same secret, or run `tether secret adopt` after rotating it",
                key=SECRET_ENV,
            )
        return cls(store, secret)

    def key(self, purpose: str, material: str = "") -> bytes:
        """The key for ``purpose`` (and, for sessions, the token it is for)."""
        if self.secret is None:  # the database-held keys of earlier releases
            if purpose == "links":
                return self.store.secret(LINK_SECRET).encode()
            return hashlib.sha256(f"tether-{purpose}:{material}".encode()).digest()
        return hmac.new(self.secret.encode(), f"{purpose}:{material}".encode(), hashlib.sha256).digest()


def read_secret(env: Mapping[str, str]) -> str | None:
    """The signing secret from ``TETHER_SECRET`` or the file ``TETHER_SECRET_FILE`` names; None if neither is set."""
    value = env.get(SECRET_ENV)
    path = env.get(SECRET_FILE_ENV)
    if value and path:
        raise ConfigError(f"set {SECRET_ENV} or {SECRET_FILE_ENV}, not both", key=SECRET_ENV)
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            why = f"{SECRET_FILE_ENV} names {path}, which cannot be read: {exc}"
            raise ConfigError(why, key=SECRET_FILE_ENV) from None
    if not value:
        return None
    if len(value) < MIN_LENGTH:
        raise ConfigError(
            f"the signing secret must be at least {MIN_LENGTH} characters (it has {len(value)}); make one with "
            "`tether secret generate`",
            key=SECRET_ENV,
        )
    return value


def fingerprint(secret: str) -> str:
    """What the database keeps of the secret: enough to recognise it, useless to sign with."""
    return hashlib.sha256(f"tether-fingerprint:{secret}".encode()).hexdigest()

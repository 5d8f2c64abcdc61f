"""Signatures on what Tether sends and what it accepts back.

- Webhooks carry ``Tether-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``, keyed by the
  channel's secret. A receiver recomputes it over the raw body, compares in constant time, and refuses a
  timestamp more than five minutes away from its clock (``verify_webhook`` does all three).
- Slack signs interactivity requests ``v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`` with the app's signing
  secret (``verify_slack``).
- Email links are tokens ``<base64url JSON>.<hex HMAC-SHA256>`` keyed by a secret kept in the store, naming one
  action, one reviewer, one verb, an expiry and a nonce that is spent when the link is used (``LinkSigner``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from tether._secrets import same

TOLERANCE_SECONDS = 300


class Refused(Exception):
    """A signature, timestamp or link that must not be acted on; the message says why (for the audit log)."""


def _hmac(key: str | bytes, message: bytes) -> str:
    secret = key.encode() if isinstance(key, str) else key
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign_webhook(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={_hmac(secret, str(timestamp).encode() + b'.' + body)}"


def verify_webhook(secret: str, body: bytes, header: str, now: float, tolerance: int = TOLERANCE_SECONDS) -> None:
    """Raise Refused unless ``header`` is a valid, fresh Tether-Signature of ``body``."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        raise Refused("the Tether-Signature header has no timestamp") from None
    if abs(now - timestamp) > tolerance:
        raise Refused(f"the signature's timestamp is {int(now - timestamp)} s away from now (stale or replayed)")
    expected = _hmac(secret, str(timestamp).encode() + b"." + body)
    if not same(expected, parts.get("v1")):
        raise Refused("the signature does not match the body")


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "v0=" + _hmac(secret, b"v0:" + timestamp.encode() + b":" + body)


def verify_slack(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> None:
    """Raise Refused unless the request is signed by Slack with ``secret`` within the last five minutes."""
    if not timestamp or not signature:
        raise Refused("the request is not signed (X-Slack-Request-Timestamp / X-Slack-Signature missing)")
    try:
        moment = int(timestamp)
    except ValueError:
        raise Refused("X-Slack-Request-Timestamp is not a number") from None
    if abs(now - moment) > TOLERANCE_SECONDS:
        raise Refused(f"the request was signed {int(now - moment)} s ago (stale or replayed)")
    if not same(slack_signature(secret, timestamp, body), signature):
        raise Refused("the Slack signature does not match (forged, or signed with another secret)")


@dataclass(frozen=True, slots=True)
class Link:
    """What an email link lets one person do to one action, until when."""

    action_id: str
    reviewer: str
    verb: str  # approve | reject | undo
    expires: int  # unix seconds
    nonce: str
    issued: float = 0.0  # unix seconds; a link older than its reviewer's latest revocation is refused


class LinkSigner:
    def __init__(self, key: str | bytes) -> None:
        self.key = key

    def make(self, action_id: str, reviewer: str, verb: str, expires: int, *, issued: float = 0.0) -> str:
        payload = {
            "a": action_id,
            "r": reviewer,
            "v": verb,
            "e": expires,
            "n": secrets.token_urlsafe(12),
            "i": issued,
        }
        data = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{data}.{_hmac(self.key, data.encode())}"

    def read(self, token: str, now: datetime) -> Link:
        """The link a token stands for; Refused if it is malformed, forged or expired."""
        data, _, signature = token.partition(".")
        if not data or not same(_hmac(self.key, data.encode("utf-8", "surrogatepass")), signature):
            raise Refused("the link is not one Tether signed (altered or forged)")
        try:
            payload = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
            link = Link(
                str(payload["a"]),
                str(payload["r"]),
                str(payload["v"]),
                int(payload["e"]),
                str(payload["n"]),
                float(payload.get("i", 0.0)),
            )
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise Refused("the link is malformed") from None
        if link.expires <= now.timestamp():
            raise Refused("the link has expired")
        return link

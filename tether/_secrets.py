"""Comparing secrets: one constant-time comparison for every signature, digest and token Tether checks.

``hmac.compare_digest`` raises ``TypeError`` for a ``str`` that is not ASCII, and what an attacker sends (a link's
signature, a Slack header, a cookie, a CSRF field) can be anything; so every comparison goes through ``same``,
which compares UTF-8 bytes and is simply false for a mismatch, whatever the characters. A test keeps
``compare_digest`` out of the rest of the code base.
"""

from __future__ import annotations

import hmac


def same(expected: str, presented: str | None) -> bool:
    """Whether ``presented`` is ``expected``, in time that does not depend on where they differ."""
    if presented is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), presented.encode("utf-8", "surrogatepass"))

"""How the plane tells humans about actions that need them. Channels (Slack, email, webhooks) plug in behind
``Notifier``; ``tether.notify`` re-exports both names.

They live here, not in ``tether.notify``, because the notify package's channels act through the plane: the plane
must not import them back. A notifier must never break or slow the agent: the plane calls it after the state change
has committed and swallows (and logs) whatever it raises.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Protocol

from tether.model import Action

log = logging.getLogger("tether.notify")


class Notifier(Protocol):
    def notify(self, kind: str, action: Action) -> None:
        """``kind`` is the event: approval_needed, executed_with_alert, override_window_open, breaker_opened."""


class LogNotifier:
    """Writes each notification to the ``tether.notify`` logger; the default until channels are configured."""

    def __init__(self) -> None:
        self.sent: deque[tuple[str, str]] = deque(maxlen=1000)  # the most recent, for tests and debugging

    def notify(self, kind: str, action: Action) -> None:
        self.sent.append((kind, action.id))
        log.info(
            "%s: %s by %s (action %s): %s",
            kind,
            action.call.tool,
            action.call.agent,
            action.id,
            "; ".join(action.verdict.explain()),
        )


__all__ = ["LogNotifier", "Notifier"]

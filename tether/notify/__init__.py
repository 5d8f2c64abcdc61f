"""How humans hear about actions that need them: channels (Slack, email, webhooks, apprise), signed links, the
outbox and digests.

``Notifier`` and ``LogNotifier`` are defined in ``tether.plane`` (the plane calls a notifier, and this package's
channels act through the plane, so the plane must not import this package) and re-exported here, where users look.
"""

from __future__ import annotations

from tether.plane._notifier import LogNotifier, Notifier

__all__ = ["LogNotifier", "Notifier"]

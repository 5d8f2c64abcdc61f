"""The durable outbox: notifications follow the audit log, are delivered by a worker, retried with backoff.

``fill`` turns new audit events into deliveries and moves a cursor, atomically and at most once across instances
(the audit events were written in the same transaction as the state change they record, so nothing is lost
between a commit and a send). ``deliver`` claims due deliveries under a lease, sends them, and records the result:
sent, retried later (doubling backoff), skipped (an escalation whose approval was decided meanwhile), or dead once
out of attempts — dead letters are listed by ``tether outbox`` and the dashboard, and can be retried.
Nothing here ever blocks or fails an agent: it runs in the server's sweeper, not in the agent's call.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta

from tether.audit import AuditEvent
from tether.errors import NotFound
from tether.model import Action, Status
from tether.notify._channels import Sender, build_senders
from tether.notify._keys import SigningKeys
from tether.notify._messages import Message, build
from tether.notify._routing import backoff, plan, trigger
from tether.notify._signing import LinkSigner
from tether.plane import ControlPlane
from tether.store import Delivery

log = logging.getLogger("tether.notify")


class Outbox:
    def __init__(
        self,
        plane: ControlPlane,
        *,
        env: Mapping[str, str] | None = None,
        senders: Mapping[str, Sender] | None = None,
        lease: timedelta = timedelta(seconds=60),
        keys: SigningKeys | None = None,
    ) -> None:
        self.plane = plane
        self.config = plane.policy.config.notify
        self.keys = keys or SigningKeys.from_env(plane.store, env or {})
        self.links = LinkSigner(self.keys.key("links"))
        if senders is None:
            senders = build_senders(self.config, env or {}, self.links, plane.clock)
        self.senders = dict(senders)
        self.lease = lease
        self.worker = f"outbox-{secrets.token_hex(4)}"

    # -- filling ------------------------------------------------------------------------------------------------

    def fill(self, batch: int = 500) -> int:
        """Turn audit events after the cursor into deliveries; returns how many deliveries were added."""
        store = self.plane.store
        after = store.outbox_cursor()
        events = list(self.plane.audit_events(after=after, limit=batch))
        if not events:
            return 0
        deliveries = self._plan(events) if self.config.routes else []
        if not store.outbox_fill(deliveries, after=after, upto=events[-1].seq):
            return 0  # another instance filled these events first
        return len(deliveries)

    def _plan(self, events: list[AuditEvent]) -> list[Delivery]:
        now = self.plane.clock.now()
        tools = self.plane.policy.config.tools
        actions: dict[str, Action | None] = {}
        deliveries = []
        for event in events:
            action = self._action(event.action_id, actions)
            notification = trigger(event, action)
            if notification is None:
                continue
            tool = action.call.tool if action else str(event.body.get("lane", "/")).split("/", 1)[-1]
            known = tools.get(tool)
            planned = plan(
                notification,
                tool=tool,
                risk=known.risk if known else None,
                urgency=action.verdict.urgency if action else None,
                config=self.config,
                now=now,
            )
            for target in planned:
                deliveries.append(
                    Delivery(
                        id=secrets.token_hex(12),
                        seq=event.seq,
                        action_id=event.action_id,
                        kind=notification,
                        channel=target.channel,
                        recipient=target.recipient,
                        created_at=now,
                        next_at=target.due,
                        only_if_pending=target.only_if_pending,
                    )
                )
        return deliveries

    def _action(self, action_id: str | None, cache: dict[str, Action | None]) -> Action | None:
        if action_id is None:
            return None
        if action_id not in cache:
            try:
                cache[action_id] = self.plane.store.get_action(action_id)
            except NotFound:
                cache[action_id] = None
        return cache[action_id]

    # -- delivering ---------------------------------------------------------------------------------------------

    def deliver(self, limit: int = 50) -> int:
        """Send what is due; returns how many were sent."""
        store, now = self.plane.store, self.plane.clock.now()
        sent = 0
        for delivery in store.outbox_claim(now, worker=self.worker, lease_until=now + self.lease, limit=limit):
            sent += self._deliver_one(delivery)
        return sent

    def _deliver_one(self, delivery: Delivery) -> bool:
        store, now = self.plane.store, self.plane.clock.now()
        attempts = delivery.attempts + 1
        try:
            action = self._action(delivery.action_id, {})
            if delivery.only_if_pending and (action is None or action.status is not Status.PENDING):
                store.outbox_settle(delivery.id, worker=self.worker, status="skipped", attempts=0, next_at=now)
                return False
            sender = self.senders.get(delivery.channel)
            if sender is None:
                raise RuntimeError(f"channel {delivery.channel!r} is not configured any more")
            sender.send(self.message(delivery, action), delivery)
        except Exception as exc:  # any failure of a channel: retry later, never raise into the sweeper
            dead = attempts >= self.config.max_attempts
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("delivery %s to %s failed (attempt %d): %s", delivery.id, delivery.channel, attempts, reason)
            later = now if dead else now + backoff(attempts, self.config.backoff)
            store.outbox_settle(
                delivery.id,
                worker=self.worker,
                status="dead" if dead else "pending",
                attempts=attempts,
                next_at=later,
                error=reason,
            )
            return False
        store.outbox_settle(delivery.id, worker=self.worker, status="sent", attempts=attempts, next_at=now, sent_at=now)
        return True

    def message(self, delivery: Delivery, action: Action | None) -> Message:
        event = next(iter(self.plane.audit_events(after=delivery.seq - 1, limit=1)))
        return build(
            delivery.kind,
            event,
            action,
            redact_fields=self.plane.policy.config.audit.redact,
            base_url=self.config.base_url,
        )

    def run_once(self) -> tuple[int, int]:
        """One pass: fill, then deliver. Returns (deliveries added, deliveries sent)."""
        return self.fill(), self.deliver()

"""The policy in force, API tokens and notification deliveries, on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.model import Reversibility, Risk, Role, TokenRecord
from tether.store import Delivery
from tether.wire._base import JSONObject, Moment, WireModel

DeliveryStatus = Literal["pending", "sending", "sent", "skipped", "dead"]


class PolicyOut(WireModel):
    """The policy as its file would say it: ``Policy.from_dict(config)`` rebuilds the same policy and version (for an
    agent's token, without the ``[notify]`` section: people's addresses and channel secrets are not an agent's)."""

    version: str
    source: str
    config: JSONObject
    lease_seconds: float = Field(description="How long a silent run is presumed alive; renew leases well within it.")


class PolicyToolOut(WireModel):
    """How the policy classifies one tool; an unknown tool has null risk and reversibility (and is held)."""

    tool: str
    known: bool
    risk: Risk | None
    reversible: Reversibility | None
    policy_version: str


class TokenOut(WireModel):
    """A token without its secret."""

    id: str
    name: str
    role: Role
    groups: list[str]
    created_at: Moment
    revoked_at: Moment | None

    @classmethod
    def of(cls, record: TokenRecord) -> TokenOut:
        return cls(
            id=record.id,
            name=record.name,
            role=record.role,
            groups=list(record.groups),
            created_at=record.created_at,
            revoked_at=record.revoked_at,
        )


class TokenCreated(WireModel):
    """A new token; ``token`` is its secret, shown this once and stored only as a hash."""

    id: str
    name: str
    role: Role
    groups: list[str]
    token: str


class TokenList(WireModel):
    tokens: list[TokenOut]


class RevokedOut(WireModel):
    revoked: int = Field(description="How many tokens were revoked.")


class DeliveryOut(WireModel):
    """One notification to one channel (and recipient), from the outbox."""

    id: str
    event: str = Field(description="What it tells: approval_needed, override_executed, escalated, ...")
    seq: int = Field(description="The audit event that caused it.")
    action_id: str | None
    channel: str
    recipient: str | None
    status: DeliveryStatus
    attempts: int
    created_at: Moment
    next_at: Moment
    last_error: str | None
    sent_at: Moment | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls.model_validate(
            {
                "id": d.id,
                "event": d.kind,
                "seq": d.seq,
                "action_id": d.action_id,
                "channel": d.channel,
                "recipient": d.recipient,
                "status": d.status,
                "attempts": d.attempts,
                "created_at": d.created_at,
                "next_at": d.next_at,
                "last_error": d.last_error,
                "sent_at": d.sent_at,
            }
        )


class DeliveryList(WireModel):
    deliveries: list[DeliveryOut]

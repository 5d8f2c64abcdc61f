"""The audit log on the wire: events exactly as they were hashed, pages of them, the head and a verification."""

from __future__ import annotations

from tether.audit import Anchor, AuditEvent, Verification
from tether.wire._base import JSONObject, WireModel


class EventOut(WireModel):
    """One link of the chain. ``at`` is the very ISO 8601 text that was hashed, so it stays a string."""

    seq: int
    at: str
    actor: str
    kind: str
    action_id: str | None
    body: JSONObject
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: AuditEvent) -> EventOut:
        return cls.model_validate(event.to_dict())

    def to_event(self) -> AuditEvent:
        return AuditEvent(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            kind=self.kind,
            action_id=self.action_id,
            body=dict(self.body),
            prev_hash=self.prev_hash,
            hash=self.hash,
        )


class StreamEventOut(EventOut):
    """The data of one server-sent event on ``/v1/events``: the audit event and its action's lane, if any."""

    agent: str | None
    tool: str | None


class AuditPage(WireModel):
    """Events in chain order; read on from ``next_after``."""

    events: list[EventOut]
    next_after: int


class AnchorOut(WireModel):
    """The head of the chain at one moment: keep it where the log's writer cannot reach."""

    seq: int
    hash: str

    @classmethod
    def of(cls, anchor: Anchor) -> AnchorOut:
        return cls(seq=anchor.seq, hash=anchor.hash)

    def to_anchor(self) -> Anchor:
        return Anchor(self.seq, self.hash)


class VerificationOut(WireModel):
    """The chain recomputed: ``bad_seq`` names the first broken event, ``problem`` says how."""

    ok: bool
    checked: int
    head: AnchorOut
    bad_seq: int | None
    problem: str | None

    @classmethod
    def of(cls, report: Verification) -> VerificationOut:
        return cls(
            ok=report.ok,
            checked=report.checked,
            head=AnchorOut.of(report.head),
            bad_seq=report.bad_seq,
            problem=report.problem,
        )

    def to_verification(self) -> Verification:
        return Verification(self.ok, self.checked, self.head.to_anchor(), bad_seq=self.bad_seq, problem=self.problem)

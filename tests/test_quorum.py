"""Quorum: N distinct reviewers approve before anything runs; any rejection rejects; nobody counts twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates import RecordingGate

from tether import (
    AlreadyDecided,
    Approve,
    Edit,
    Executed,
    Gate,
    Pending,
    Policy,
    Reject,
    Rejected,
    SeparationOfDuties,
    Status,
    ToolCall,
    UsageError,
)
from tether.errors import DecisionError
from tether.plane import ControlPlane
from tether.store import Store, open_store

POLICY = {"tools": {"transfer_funds": {"risk": "critical", "reversible": "no", "quorum": 2}}}


@pytest.fixture
def gate(store: Store) -> RecordingGate:
    g = RecordingGate(Policy.from_dict(POLICY), store)

    @g.tool
    def transfer_funds(account: str, amount: float) -> str:
        g.ran.append((account, amount))
        return f"sent {amount} to {account}"

    return g


def held(gate: Gate) -> str:
    out = gate.call(ToolCall(tool="transfer_funds", args={"account": "A-1", "amount": 900.0}, agent="bot"))
    assert isinstance(out, Pending)
    assert out.quorum == 2
    return out.action_id


def test_one_approval_of_two_does_not_run_anything(gate: RecordingGate) -> None:
    action_id = held(gate)
    after = gate.decide(action_id, Approve(by="alice"))
    assert after.status is Status.PENDING
    out = gate.resume(action_id)
    assert isinstance(out, Pending)
    assert "It needs 2 approvals (1 so far)" in out.to_tool_result()
    assert gate.ran == []


def test_two_distinct_approvals_run_it_once(gate: RecordingGate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    after = gate.decide(action_id, Approve(by="bob"))
    assert after.status is Status.APPROVED
    assert [a.by for a in after.approvals] == ["alice", "bob"]
    assert isinstance(gate.resume(action_id), Executed)
    assert gate.ran == [("A-1", 900.0)]


def test_one_reviewer_never_counts_twice(gate: Gate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    with pytest.raises(AlreadyDecided, match="alice has already approved"):
        gate.decide(action_id, Approve(by="alice"))
    assert gate.get(action_id).status is Status.PENDING
    assert len(gate.get(action_id).approvals) == 1


def test_any_rejection_rejects_even_after_approvals(gate: Gate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    gate.decide(action_id, Reject(by="bob", note="too large"))
    out = gate.resume(action_id)
    assert isinstance(out, Rejected)
    assert out.note == "too large"
    with pytest.raises(AlreadyDecided, match="reject by bob"):
        gate.decide(action_id, Approve(by="carol"))


def test_an_edit_restarts_the_count_for_the_new_arguments(gate: RecordingGate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    edited = gate.decide(action_id, Edit(by="bob", args={"account": "A-1", "amount": 90.0}, note="cap"))
    assert edited.status is Status.PENDING  # alice approved 900, not 90
    assert [a.by for a in edited.approvals] == ["bob"]
    gate.decide(action_id, Approve(by="alice"))
    assert isinstance(gate.resume(action_id), Executed)
    assert gate.ran == [("A-1", 90.0)]


def test_the_proposing_agent_cannot_count_toward_the_quorum(gate: Gate) -> None:
    action_id = held(gate)
    with pytest.raises(SeparationOfDuties):
        gate.decide(action_id, Approve(by="bot"))


def test_each_approval_is_in_the_audit_log_with_its_progress(gate: Gate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    gate.decide(action_id, Approve(by="bob"))
    approvals = [e for e in gate.plane.timeline(action_id) if e.kind == "action.approved"]
    assert [(e.actor, e.body["approvals"], e.body["outcome"]) for e in approvals] == [
        ("human:alice", 1, "pending"),
        ("human:bob", 2, "approved"),
    ]


def test_only_the_proposing_agent_withdraws_a_held_call_and_it_is_then_rejected(tmp_path: Path) -> None:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(f"sqlite:///{tmp_path / 'w.db'}"))
    try:
        action = plane.submit(ToolCall(tool="transfer_funds", args={"amount": 5}, agent="bot"))
        with pytest.raises(SeparationOfDuties, match="only bot, which proposed action"):
            plane.withdraw(action.id, agent="other-bot", note="no")
        with pytest.raises(UsageError, match="needs a note"):
            plane.withdraw(action.id, agent="bot", note=" ")
        withdrawn = plane.withdraw(action.id, agent="bot", note="the user said no")
        assert withdrawn.status is Status.REJECTED
        assert withdrawn.decision == Reject(by="bot", note="the user said no")
        with pytest.raises(DecisionError):
            plane.decide(action.id, Approve(by="alice"))
    finally:
        plane.close()

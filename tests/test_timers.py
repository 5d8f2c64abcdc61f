"""Durable timers: approvals expire or escalate, windows finalise, dead leases become `unknown` — once each,
even when nothing was running when they fell due, and with one winner against a racing decision."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from gates import RecordingGate

from tether import (
    Approve,
    Executed,
    FakeClock,
    Forbidden,
    Gate,
    NotDecidable,
    Pending,
    Policy,
    Rejected,
    Status,
    ToolCall,
)
from tether.notify import LogNotifier
from tether.store import Store

POLICY = {
    "tools": {
        "transfer_funds": {"risk": "critical", "reversible": "no", "timeout": "1h"},
        "pay_invoice": {
            "risk": "critical",
            "reversible": "no",
            "timeout": "1h",
            "on_timeout": "escalate",
            "escalate_to": "finance-leads",
            "reviewers": "finance",
        },
    }
}


def make_gate(store: Store | str, clock: FakeClock, notifier: LogNotifier | None = None) -> RecordingGate:
    gate = RecordingGate(Policy.from_dict(POLICY), store, clock=clock, notifier=notifier)
    gate.tool(lambda account, amount: gate.ran.append(amount) or "sent", name="transfer_funds")
    gate.tool(lambda invoice: gate.ran.append(invoice) or "paid", name="pay_invoice")
    return gate


def transfer() -> ToolCall:
    return ToolCall(tool="transfer_funds", args={"account": "A-1", "amount": 5.0}, agent="bot")


def test_an_approval_expires_when_its_timeout_passes(store: Store, clock: FakeClock) -> None:
    notifier = LogNotifier()
    gate = make_gate(store, clock, notifier)
    held = gate.call(transfer())
    assert isinstance(held, Pending)
    clock.advance(timedelta(minutes=59))
    assert gate.plane.sweep() == []
    clock.advance(timedelta(minutes=2))
    fired = gate.plane.sweep()
    assert [(f.kind, f.action.id) for f in fired] == [("expired", held.action_id)]
    out = gate.resume(held.action_id)
    assert isinstance(out, Rejected)
    assert "expired" in out.to_tool_result()
    assert ("expired", held.action_id) in notifier.sent
    assert gate.ran == []


def test_an_expired_timer_fires_once_however_often_it_is_swept(store: Store, clock: FakeClock) -> None:
    gate = make_gate(store, clock)
    held = gate.call(transfer())
    clock.advance(timedelta(hours=2))
    assert len(gate.plane.sweep()) == 1
    assert gate.plane.sweep() == []
    expired = [e for e in gate.plane.timeline(held.action_id) if e.kind == "action.expired"]
    assert len(expired) == 1


def test_a_timer_that_fell_due_while_nothing_ran_fires_on_the_next_start(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    first = make_gate(url, clock)
    held = first.call(transfer())
    first.close()  # nothing runs for a while
    clock.advance(timedelta(hours=3))
    restarted = make_gate(url, clock)  # starting sweeps
    assert restarted.get(held.action_id).status is Status.EXPIRED
    again = make_gate(url, clock)
    kinds = [e.kind for e in again.plane.timeline(held.action_id)]
    assert kinds.count("action.expired") == 1
    assert again.plane.verify().ok


def test_a_decision_after_the_deadline_loses_to_expiry(store: Store, clock: FakeClock) -> None:
    gate = make_gate(store, clock)
    held = gate.call(transfer())
    clock.advance(timedelta(hours=1))  # exactly at the deadline: expired
    with pytest.raises(NotDecidable, match="expired at"):
        gate.decide(held.action_id, Approve(by="alice"))
    assert gate.get(held.action_id).status is Status.EXPIRED
    assert gate.ran == []


def test_a_decision_racing_expiry_has_exactly_one_winner(tmp_path: Path) -> None:
    for round_ in range(10):
        _a_decision_racing_expiry_has_exactly_one_winner_once(tmp_path, round_)


def _a_decision_racing_expiry_has_exactly_one_winner_once(tmp_path: Path, round_: int) -> None:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path / f'race-{round_}.db'}"
    gate = make_gate(url, clock)
    sweeper = make_gate(url, clock)
    held = gate.call(transfer())
    clock.advance(timedelta(minutes=59, seconds=59, microseconds=999_999))
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def decide(gate: Gate = gate, action_id: str = held.action_id) -> None:
        barrier.wait()
        try:
            gate.decide(action_id, Approve(by="alice"))
        except NotDecidable as exc:
            errors.append(exc)

    def expire(sweeper: Gate = sweeper) -> None:
        barrier.wait()
        clock.advance(timedelta(microseconds=1))
        sweeper.plane.sweep()

    threads = [threading.Thread(target=decide), threading.Thread(target=expire)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = gate.get(held.action_id)
    assert final.status in (Status.APPROVED, Status.EXPIRED)
    kinds = [e.kind for e in gate.plane.timeline(held.action_id)]
    assert kinds.count("action.approved") + kinds.count("action.expired") == 1
    assert (final.status is Status.EXPIRED) == bool(errors)
    gate.close()
    sweeper.close()


def test_escalation_moves_the_request_to_another_group_with_a_new_deadline(store: Store, clock: FakeClock) -> None:
    notifier = LogNotifier()
    gate = make_gate(store, clock, notifier)
    held = gate.call(ToolCall(tool="pay_invoice", args={"invoice": "INV-1"}, agent="bot"))
    assert gate.get(held.action_id).reviewers == "finance"
    clock.advance(timedelta(hours=1, minutes=1))
    [fired] = gate.plane.sweep()
    assert fired.kind == "escalated"
    escalated = gate.get(held.action_id)
    assert escalated.status is Status.PENDING
    assert escalated.reviewers == "finance-leads"
    assert escalated.expires_at == clock.now() + timedelta(hours=1)
    assert ("escalated", held.action_id) in notifier.sent
    gate.decide(held.action_id, Approve(by="lead"))
    assert isinstance(gate.resume(held.action_id), Executed)


def test_an_escalated_request_that_times_out_again_expires(store: Store, clock: FakeClock) -> None:
    gate = make_gate(store, clock)
    held = gate.call(ToolCall(tool="pay_invoice", args={"invoice": "INV-1"}, agent="bot"))
    clock.advance(timedelta(hours=1, minutes=1))
    gate.plane.sweep()
    clock.advance(timedelta(hours=1, minutes=1))
    [fired] = gate.plane.sweep()
    assert fired.kind == "expired"
    kinds = [e.kind for e in gate.plane.timeline(held.action_id)]
    assert kinds == ["action.proposed", "action.escalated", "action.expired"]


def test_pending_tells_the_agent_when_the_request_expires(store: Store, clock: FakeClock) -> None:
    gate = make_gate(store, clock)
    held = gate.call(transfer())
    assert isinstance(held, Pending)
    assert held.expires_at == clock.now() + timedelta(hours=1)
    assert held.expires_at.isoformat() in held.to_tool_result()


def test_escalate_without_a_group_to_escalate_to_is_a_config_error() -> None:
    from tether import ConfigError

    with pytest.raises(ConfigError, match="escalate_to"):
        Policy.from_dict({"tools": {"x": {"risk": "high", "reversible": "no", "on_timeout": "escalate"}}})


def test_a_human_resolves_an_action_a_crash_left_unknown(store: Store, clock: FakeClock) -> None:
    from tether import Failed, NotDecidable
    from tether.plane import ControlPlane

    plane = ControlPlane(Policy.from_dict(POLICY), store, clock=clock)
    held = plane.submit(transfer(), worker="w1")
    plane.decide(held.id, Approve(by="alice"))
    plane.claim(held.id, worker="w1")  # ...and the worker dies
    clock.advance(timedelta(minutes=5))
    [fired] = plane.sweep()
    assert fired.kind == "unknown"
    resolved = plane.resolve_unknown(held.id, ran=False, by="bob", note="no transfer in the bank statement")
    assert resolved.status is Status.FAILED
    outcome = plane.outcome(resolved)
    assert isinstance(outcome, Failed)
    assert "bob checked: it did not run" in outcome.error
    with pytest.raises(NotDecidable, match="only an unknown action"):
        plane.resolve_unknown(held.id, ran=True, by="bob")
    assert [e.kind for e in plane.timeline(held.id)][-1] == "action.resolved"


def test_an_approved_action_nobody_runs_is_reported_not_run_once_and_still_runs_later(
    store: Store, clock: FakeClock
) -> None:
    """Approved is not done: if the agent (or gateway) that runs it is gone, its reviewers hear so after
    ``not_run_after``, once; the approval stands, and the action runs when its runner comes back."""
    gate = make_gate(store, clock)
    held = gate.call(transfer())
    assert isinstance(held, Pending)
    gate.plane.decide(held.action_id, Approve(by="alice"))
    clock.advance(gate.plane._core.not_run_after - timedelta(seconds=1))
    assert gate.plane.sweep() == []
    clock.advance(timedelta(seconds=1))
    (fired,) = gate.plane.sweep()
    assert (fired.kind, fired.action.id, fired.action.status) == ("not_run", held.action_id, Status.APPROVED)
    (event,) = [e for e in gate.plane.timeline(held.action_id) if e.kind == "action.not_run"]
    assert event.actor == "system"
    clock.advance(timedelta(hours=5))
    assert gate.plane.sweep() == []  # said once
    assert gate.ran == []
    assert isinstance(gate.resume(held.action_id), Executed)
    assert gate.ran == [5.0]


def test_an_approved_action_run_in_time_is_never_reported(store: Store, clock: FakeClock) -> None:
    gate = make_gate(store, clock)
    held = gate.call(transfer())
    assert isinstance(held, Pending)
    gate.plane.decide(held.action_id, Approve(by="alice"))
    assert isinstance(gate.resume(held.action_id), Executed)
    clock.advance(timedelta(hours=1))
    assert gate.plane.sweep() == []
    assert all(e.kind != "action.not_run" for e in gate.plane.timeline(held.action_id))


def test_a_decision_by_the_group_an_overdue_request_escalates_away_from_is_refused_and_not_recorded(
    store: Store, clock: FakeClock
) -> None:
    """The reviewer read the action while it was still finance's; the decision fires the overdue escalation first
    and is then checked against the group the action is for now (finance-leads), so it is refused."""
    gate = make_gate(store, clock)
    held = gate.call(ToolCall(tool="pay_invoice", args={"invoice": "INV-9"}, agent="bot"))
    assert isinstance(held, Pending)
    clock.advance(timedelta(hours=1))  # overdue; no sweep has run yet

    def finance_only(group: str | None) -> bool:
        return group == "finance"

    with pytest.raises(Forbidden, match="it is for reviewer group 'finance-leads' \\(it has just been escalated\\)"):
        gate.plane.decide(held.action_id, Approve(by="fiona"), may_decide_for=finance_only)
    action = gate.plane.get(held.action_id)
    assert (action.status, action.reviewers, action.approvals) == (Status.PENDING, "finance-leads", ())
    kinds = [e.kind for e in gate.plane.timeline(held.action_id)]
    assert "action.escalated" in kinds
    assert "action.approved" not in kinds
    gate.plane.decide(held.action_id, Approve(by="lee"), may_decide_for=lambda group: group == "finance-leads")
    assert isinstance(gate.resume(held.action_id), Executed)


def test_a_crashed_retry_is_noticed_when_its_own_lease_lapses_not_the_sweepers_claim(
    store: Store, clock: FakeClock
) -> None:
    """The sweeper that turned the first run unknown held a 60 s claim on it; the retry's own 30 s lease is what
    says when the retry is presumed dead, so the next sweep after 30 s finds it."""
    from tether.plane import ControlPlane

    policy = Policy.from_dict({"tools": {"sync_crm": {"risk": "low", "reversible": "yes"}}})
    plane = ControlPlane(policy, store, clock=clock)
    action = plane.submit(ToolCall(tool="sync_crm", args={"id": 7}, agent="bot"), worker="w1")  # w1 dies
    clock.advance(timedelta(seconds=31))
    [first] = plane.sweep()
    assert first.kind == "unknown"
    plane.retry(first.action, worker="w2")  # ...and w2 dies too
    clock.advance(timedelta(seconds=31))
    [second] = plane.sweep()
    assert (second.kind, second.action.id) == ("unknown", action.id)


def test_a_waiting_resume_fires_its_own_actions_lapsed_lease(tmp_path: Path) -> None:
    """A caller waiting on a run whose worker died learns it is unknown when the lease lapses, without a sweep."""
    from tether import Failed

    gate = Gate(Policy.from_dict(POLICY), f"sqlite:///{tmp_path / 'lease.db'}", lease=timedelta(seconds=0.3))
    try:
        gate.tool(lambda account, amount: "sent", name="transfer_funds")
        held = gate.call(transfer())
        assert isinstance(held, Pending)
        gate.plane.decide(held.action_id, Approve(by="alice"))
        gate.plane.claim(held.action_id, worker="a-worker-that-dies")
        outcome = gate.resume(held.action_id, wait=30)  # returns as soon as the lease lapses
        assert isinstance(outcome, Failed)
        assert "a human must check whether it took effect" in outcome.error
        assert gate.plane.get(held.action_id).status is Status.UNKNOWN
    finally:
        gate.close()

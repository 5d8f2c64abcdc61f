"""Waiting for a decision: block until decided, or get Pending when the wait ends; resume from anywhere."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from gates import RecordingGate
from waiting import wait_until

from tether import (
    Approve,
    Decision,
    Executed,
    FakeClock,
    Gate,
    Pending,
    Policy,
    Reject,
    Rejected,
    Respond,
    Responded,
    Store,
    ToolCall,
    UsageError,
)

POLICY = {
    "tools": {
        "transfer_funds": {"risk": "critical", "reversible": "no", "timeout": "1h"},
        "classify_ticket": {"risk": "low", "reversible": "yes"},
    }
}


def transfer(amount: float = 10.0) -> ToolCall:
    return ToolCall(tool="transfer_funds", args={"account": "A-1", "amount": amount}, agent="bot")


def make_gate(store: Store | str = "memory://", clock: FakeClock | None = None) -> RecordingGate:
    gate = RecordingGate(Policy.from_dict(POLICY), store, clock=clock, poll_interval=0.01)

    @gate.tool
    def transfer_funds(account: str, amount: float) -> str:
        gate.ran.append(amount)
        return f"sent {amount}"

    return gate


def decide_soon(gate: Gate, decision: Decision, when: Callable[[], object] = lambda: True) -> threading.Thread:
    """A reviewer who decides the only pending action, from another thread, once it is pending and ``when``
    holds."""

    def review() -> None:
        wait_until(gate.pending, timeout=5, message="nothing became pending")
        wait_until(when, timeout=5)
        gate.decide(gate.pending()[0].id, decision)

    thread = threading.Thread(target=review)
    thread.start()
    return thread


def test_wait_zero_returns_pending_at_once() -> None:
    gate = make_gate()
    started = time.monotonic()
    out = gate.call(transfer(), wait=0)
    assert isinstance(out, Pending)
    assert time.monotonic() - started < 1


def test_a_waiting_call_runs_as_soon_as_it_is_approved() -> None:
    gate = make_gate()
    reviewer = decide_soon(gate, Approve(by="alice"))
    out = gate.call(transfer(), wait=timedelta(seconds=10))
    reviewer.join()
    assert isinstance(out, Executed)
    assert out.result == "sent 10.0"
    assert gate.ran == [10.0]


def test_a_waiting_call_gets_the_rejection_note() -> None:
    gate = make_gate()
    reviewer = decide_soon(gate, Reject(by="alice", note="wrong account"))
    out = gate.call(transfer(), wait=10)
    reviewer.join()
    assert isinstance(out, Rejected)
    assert out.to_tool_result() == "Action rejected: wrong account"
    assert gate.ran == []


def test_a_waiting_call_gets_the_reviewers_response() -> None:
    gate = make_gate()
    reviewer = decide_soon(gate, Respond(by="alice", message="ask the customer first"))
    out = gate.call(transfer(), wait=10)
    reviewer.join()
    assert isinstance(out, Responded)
    assert "ask the customer first" in out.to_tool_result()


def test_a_wait_that_ends_first_returns_pending_with_the_expiry() -> None:
    gate = make_gate()
    started = time.monotonic()
    out = gate.call(transfer(), wait=0.2)
    assert isinstance(out, Pending)
    assert 0.15 < time.monotonic() - started < 5
    assert out.expires_at is not None
    assert "expires at" in out.to_tool_result()


def test_a_request_that_expires_while_waiting_is_rejected() -> None:
    clock = FakeClock()
    gate = make_gate(clock=clock)

    def time_passes() -> None:
        wait_until(gate.pending, message="the call was never held")
        clock.advance(timedelta(hours=2))

    mover = threading.Thread(target=time_passes)
    mover.start()
    out = gate.call(transfer(), wait=timedelta(hours=3))
    mover.join()
    assert isinstance(out, Rejected)
    assert "expired" in out.to_tool_result()
    assert gate.ran == []


def test_acall_waits_without_blocking_the_event_loop() -> None:
    gate = make_gate()

    async def scenario() -> tuple[object, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.create_task(ticker())
        reviewer = decide_soon(gate, Approve(by="alice"), when=lambda: ticks >= 5)
        out = await gate.acall(transfer(), wait=10)
        tick_task.cancel()
        await asyncio.to_thread(reviewer.join)
        return out, ticks

    out, ticks = asyncio.run(scenario())
    assert isinstance(out, Executed)
    assert ticks >= 5  # the loop kept running while the call waited


def test_a_negative_wait_is_a_usage_error() -> None:
    gate = make_gate()
    with pytest.raises(UsageError, match="must not be negative"):
        gate.call(transfer(), wait=-1)


def test_an_agent_in_another_process_sees_a_decision_made_elsewhere(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    agent = make_gate(url)
    reviewer = make_gate(url)  # a separate plane on the same file: no in-process wake-up, only polling

    def review() -> None:
        wait_until(reviewer.pending, timeout=5, message="the agent's call never reached the shared file")
        reviewer.decide(reviewer.pending()[0].id, Approve(by="alice"))

    thread = threading.Thread(target=review)
    thread.start()
    out = agent.call(transfer(), wait=10)
    thread.join()
    assert isinstance(out, Executed)
    assert agent.ran == [10.0]
    assert reviewer.ran == []


def test_resume_with_wait_blocks_until_approved(tmp_path: Path) -> None:
    gate = make_gate()
    held = gate.call(transfer())
    reviewer = decide_soon(gate, Approve(by="alice"))
    out = gate.resume(held.action_id, wait=10)
    reviewer.join()
    assert isinstance(out, Executed)
    assert isinstance(gate.resume(held.action_id), Executed)
    assert gate.ran == [10.0]

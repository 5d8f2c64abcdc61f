"""Edges where a naive gate loses work: async compensators, cancelled waits, stale claims, edits made elsewhere,
aliased arguments and compensators that could never be called."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from waiting import until

from tether import (
    Approve,
    ConfigError,
    Edit,
    Executed,
    Failed,
    FakeClock,
    Gate,
    Policy,
    Status,
    ToolCall,
    UsageError,
)
from tether.plane import ControlPlane
from tether.store import ActionFilter, Store

POLICY = {
    "tools": {
        "draft": {"risk": "medium", "reversible": "yes"},
        "pay": {"risk": "critical", "reversible": "no"},
        "tag": {"risk": "low", "reversible": "yes"},
    }
}


def test_an_async_compensator_is_awaited_by_aundo(store: Store) -> None:
    gate = Gate(Policy.from_dict(POLICY), store)
    recalled: list[str] = []

    async def delete(text: str, result: str) -> str:
        await asyncio.sleep(0)
        recalled.append(result)
        return "deleted"

    gate.tool(lambda text: f"draft {text}", name="draft", undo=delete)
    out = gate.call(ToolCall(tool="draft", args={"text": "hi"}, agent="bot"))

    async def scenario() -> Status:
        with pytest.raises(UsageError, match="aundo"):
            gate.undo(out.action_id, by="alice")  # the blocking undo cannot await inside a running loop
        return (await gate.aundo(out.action_id, by="alice")).status

    assert asyncio.run(scenario()) is Status.UNDONE
    assert recalled == ["draft hi"]


def test_a_cancelled_acall_still_records_the_run_it_started(store: Store) -> None:
    gate = Gate(Policy.from_dict(POLICY), store)
    started, release = threading.Event(), threading.Event()

    def tag(item: str) -> str:
        started.set()
        release.wait(5)
        return f"tagged {item}"

    gate.tool(tag, name="tag")

    def finished() -> bool:
        return [a.status for a in gate.plane.actions(ActionFilter())] == [Status.EXECUTED]

    async def scenario() -> None:
        task = asyncio.create_task(gate.acall(ToolCall(tool="tag", args={"item": "x"}, agent="bot")))
        assert await asyncio.to_thread(started.wait, 5), "the tool never started"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        await until(finished, message="the shielded run never finished on its own")

    asyncio.run(scenario())
    [action] = gate.plane.actions(ActionFilter())
    assert action.status is Status.EXECUTED
    assert action.result == "tagged x"


def test_a_compensator_that_could_never_be_called_is_refused_at_registration() -> None:
    gate = Gate(Policy.from_dict(POLICY))
    with pytest.raises(UsageError, match="needs 'order_id', which it would never get"):
        gate.tool(lambda order, amount: "ok", name="draft", undo=lambda order_id: None)


def test_what_runs_is_what_was_recorded_even_if_the_caller_changes_its_dict(store: Store) -> None:
    gate = Gate(Policy.from_dict(POLICY), store)
    ran: list[float] = []
    gate.tool(lambda to, amount: ran.append(amount) or "paid", name="pay")
    args: dict[str, object] = {"to": "A-1", "amount": 50}
    held = gate.call(ToolCall(tool="pay", args=args, agent="bot"))
    args["amount"] = 5000  # the agent reuses its dict
    gate.decide(held.action_id, Approve(by="alice"))
    gate.resume(held.action_id)
    assert ran == [50]


def test_an_edit_made_where_the_tool_is_unknown_fails_cleanly_without_running(store: Store) -> None:
    plane_gate = Gate(Policy.from_dict(POLICY), store)
    ran: list[object] = []
    plane_gate.tool(lambda to, amount: ran.append(amount) or "paid", name="pay")
    held = plane_gate.call(ToolCall(tool="pay", args={"to": "A-1", "amount": 50}, agent="bot"))
    reviewer = ControlPlane(plane_gate.policy, store)  # e.g. the CLI: it does not know pay's signature
    reviewer.decide(held.action_id, Edit(by="alice", args={"to": "A-1", "amnt": 5}))
    out = plane_gate.resume(held.action_id)
    assert isinstance(out, Failed)
    assert "do not fit pay" in out.error
    assert ran == []


def test_zero_windows_and_timeouts_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"defaults\.window: must be longer than zero"):
        Policy.from_dict({"defaults": {"window": "0s"}})
    with pytest.raises(ConfigError, match=r"tools.x.timeout: must be longer than zero"):
        Policy.from_dict({"tools": {"x": {"risk": "high", "reversible": "no", "timeout": 0}}})


def test_separation_of_duties_is_not_fooled_by_case_or_spaces(store: Store) -> None:
    from tether import SeparationOfDuties

    gate = Gate(Policy.from_dict(POLICY), store)
    gate.tool(lambda to, amount: "paid", name="pay")
    held = gate.call(ToolCall(tool="pay", args={"to": "A", "amount": 1}, agent="bot"))
    with pytest.raises(SeparationOfDuties):
        gate.decide(held.action_id, Approve(by=" Bot "))


def test_a_bad_wait_is_a_usage_error() -> None:
    gate = Gate(Policy.from_dict(POLICY))
    gate.tool(lambda to, amount: "paid", name="pay")
    with pytest.raises(UsageError, match="wait is a timedelta"):
        gate.call(ToolCall(tool="pay", args={"to": "A", "amount": 1}, agent="bot"), wait="5")  # type: ignore[arg-type]


def test_a_stale_run_of_the_same_gate_cannot_record_over_a_newer_claim() -> None:
    clock = FakeClock()
    gate = Gate(Policy.from_dict(POLICY), clock=clock, lease=timedelta(seconds=30))
    first_run_may_finish = threading.Event()
    runs: list[str] = []

    def tag(item: str, idempotency_key: str) -> str:
        runs.append(item)
        if len(runs) == 1:
            first_run_may_finish.wait(5)
            return "stale"
        return "fresh"

    gate.tool(tag, name="tag")
    outcome: list[object] = []
    slow = threading.Thread(
        target=lambda: outcome.append(gate.call(ToolCall(tool="tag", args={"item": "x"}, agent="bot")))
    )
    slow.start()
    while not runs:
        pass
    clock.advance(timedelta(minutes=5))  # the first run's lease runs out while it is still running
    assert gate.work() >= 1  # the sweep marks it unknown and the worker retries it (reversible, idempotent)
    [action] = gate.plane.actions(ActionFilter())
    assert (action.status, action.result) == (Status.EXECUTED, "fresh")
    first_run_may_finish.set()
    slow.join(5)
    after = gate.get(action.id)
    assert (after.status, after.result) == (Status.EXECUTED, "fresh")  # the stale result did not overwrite it
    assert isinstance(outcome[0], Executed)
    assert outcome[0].result == "fresh"  # the stale caller is told what was recorded
    assert runs == ["x", "x"]

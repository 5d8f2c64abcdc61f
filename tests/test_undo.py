"""The async override pattern: run at once, undo inside the window (exactly once), veto a deferred run."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from waiting import wait_until

from tether import (
    AlreadyDecided,
    Deferred,
    Executed,
    FakeClock,
    Gate,
    Policy,
    Rejected,
    SeparationOfDuties,
    Status,
    ToolCall,
    UndoRefused,
    UsageError,
)
from tether.notify import LogNotifier
from tether.store import ActionFilter, Store

POLICY = {
    "tools": {
        "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "post_update": {"risk": "medium", "reversible": "yes", "window": "5m"},
        "classify_ticket": {"risk": "low", "reversible": "yes"},
    }
}


class Mailer:
    """A tool with a compensator, both recording what they did."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.recalled: list[tuple[list[str], str]] = []
        self.fail_recall = False

    def send_email(self, to: list[str], subject: str) -> str:
        self.sent.append({"to": to, "subject": subject})
        return f"msg-{len(self.sent)}"

    def recall_email(self, to: list[str], result: str) -> str:
        if self.fail_recall:
            raise ConnectionError("mail server down")
        self.recalled.append((to, result))
        return f"recalled {result}"


def make_gate(store: Store | str, clock: FakeClock, mailer: Mailer | None, notifier: LogNotifier | None = None) -> Gate:
    gate = Gate(Policy.from_dict(POLICY), store, clock=clock, notifier=notifier)
    if mailer is not None:
        gate.tool(mailer.send_email, name="send_email", undo=mailer.recall_email)
    else:
        gate.tool(lambda to, subject: "sent elsewhere", name="send_email")
    return gate


def send(gate: Gate) -> Executed:
    out = gate.call(ToolCall(tool="send_email", args={"to": ["a@x.io"], "subject": "Hi"}, agent="bot"))
    assert isinstance(out, Executed)
    return out


@pytest.fixture
def mailer() -> Mailer:
    return Mailer()


def test_an_override_call_runs_at_once_and_returns_its_window(store: Store, clock: FakeClock, mailer: Mailer) -> None:
    notifier = LogNotifier()
    gate = make_gate(store, clock, mailer, notifier)
    out = send(gate)
    assert out.result == "msg-1"
    assert out.window_ends_at == clock.now() + timedelta(minutes=10)
    assert ("override_window_open", out.action_id) in notifier.sent


def test_undo_inside_the_window_runs_the_compensator_once_with_the_arguments_and_result(
    store: Store, clock: FakeClock, mailer: Mailer
) -> None:
    gate = make_gate(store, clock, mailer)
    out = send(gate)
    clock.advance(timedelta(minutes=9))
    undone = gate.undo(out.action_id, by="alice")
    assert undone.status is Status.UNDONE
    assert mailer.recalled == [(["a@x.io"], "msg-1")]
    assert undone.undo is not None
    assert undone.undo.result == "recalled msg-1"
    with pytest.raises(AlreadyDecided, match="already requested by alice"):
        gate.undo(out.action_id, by="bob")
    assert mailer.recalled == [(["a@x.io"], "msg-1")]
    kinds = [e.kind for e in gate.plane.timeline(out.action_id)]
    assert kinds[-3:] == ["action.undo_requested", "action.undo_started", "action.undone"]


def test_undo_after_the_window_is_refused_naming_when_it_closed(store: Store, clock: FakeClock, mailer: Mailer) -> None:
    gate = make_gate(store, clock, mailer)
    out = send(gate)
    assert out.window_ends_at is not None
    clock.advance(timedelta(minutes=10))
    with pytest.raises(UndoRefused, match=re.escape(f"closed at {out.window_ends_at.isoformat()}")):
        gate.undo(out.action_id, by="alice")
    assert mailer.recalled == []


def test_a_window_that_passes_finalises_the_action(store: Store, clock: FakeClock, mailer: Mailer) -> None:
    gate = make_gate(store, clock, mailer)
    out = send(gate)
    clock.advance(timedelta(minutes=11))
    [fired] = gate.plane.sweep()
    assert (fired.kind, fired.action.status) == ("finalized", Status.FINALIZED)
    assert isinstance(gate.resume(out.action_id), Executed)
    with pytest.raises(UndoRefused, match="closed at"):
        gate.undo(out.action_id, by="alice")


def test_an_action_without_a_window_cannot_be_undone(store: Store, clock: FakeClock) -> None:
    gate = Gate(Policy.from_dict(POLICY), store, clock=clock)
    gate.tool(lambda ticket: "billing", name="classify_ticket")
    out = gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent="bot"))
    with pytest.raises(UndoRefused, match="without an undo window"):
        gate.undo(out.action_id, by="alice")


def test_the_agent_cannot_undo_its_own_action(store: Store, clock: FakeClock, mailer: Mailer) -> None:
    gate = make_gate(store, clock, mailer)
    out = send(gate)
    with pytest.raises(SeparationOfDuties):
        gate.undo(out.action_id, by="bot")


def test_a_failing_compensator_is_recorded_and_alerts(store: Store, clock: FakeClock, mailer: Mailer) -> None:
    notifier = LogNotifier()
    gate = make_gate(store, clock, mailer, notifier)
    mailer.fail_recall = True
    out = send(gate)
    after = gate.undo(out.action_id, by="alice")
    assert after.status is Status.UNDO_FAILED
    assert after.undo is not None
    assert after.undo.error == "ConnectionError: mail server down"
    assert ("undo_failed", out.action_id) in notifier.sent


def test_an_undo_asked_while_the_owner_is_down_runs_when_it_comes_back(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'undo.db'}"
    first_life = Mailer()
    agent = make_gate(url, clock, first_life)
    out = send(agent)
    agent.close()  # the agent process is gone

    reviewer = make_gate(url, clock, mailer=None)  # e.g. the CLI or the server: no compensator here
    requested = reviewer.undo(out.action_id, by="alice")
    assert requested.status is Status.UNDO_REQUESTED
    clock.advance(timedelta(hours=1))  # long after the window: the request was made in time, so it still runs
    reviewer.plane.sweep()
    assert reviewer.get(out.action_id).status is Status.UNDO_REQUESTED

    second_life = Mailer()
    back = make_gate(url, clock, second_life)
    assert back.work() == 1
    assert second_life.recalled == [(["a@x.io"], "msg-1")]
    assert back.get(out.action_id).status is Status.UNDONE
    assert back.work() == 0  # exactly once


def test_an_undo_racing_the_end_of_the_window_has_one_winner(tmp_path: Path) -> None:
    for round_ in range(10):
        _an_undo_racing_the_end_of_the_window_has_one_winner_once(tmp_path, round_)


def _an_undo_racing_the_end_of_the_window_has_one_winner_once(tmp_path: Path, round_: int) -> None:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path / f'race-{round_}.db'}"
    mailer = Mailer()
    gate = make_gate(url, clock, mailer)
    sweeper = make_gate(url, clock, None)
    out = send(gate)
    clock.advance(timedelta(minutes=9, seconds=59, microseconds=999_999))
    barrier = threading.Barrier(2)
    refused: list[Exception] = []

    def undo(gate: Gate = gate, action_id: str = out.action_id) -> None:
        barrier.wait()
        try:
            gate.undo(action_id, by="alice")
        except UndoRefused as exc:
            refused.append(exc)

    def window_ends(sweeper: Gate = sweeper) -> None:
        barrier.wait()
        clock.advance(timedelta(microseconds=1))
        sweeper.plane.sweep()

    threads = [threading.Thread(target=undo), threading.Thread(target=window_ends)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = gate.get(out.action_id).status
    assert final in (Status.UNDONE, Status.FINALIZED)
    assert (final is Status.FINALIZED) == bool(refused)
    assert len(mailer.recalled) == (1 if final is Status.UNDONE else 0)
    gate.close()
    sweeper.close()


# -- deferred: an override tool without a compensator ---------------------------------------------------------


def deferred_gate(store: Store | str, clock: FakeClock, ran: list[str]) -> Gate:
    gate = Gate(Policy.from_dict(POLICY), store, clock=clock)
    gate.tool(lambda text: ran.append(text) or "posted", name="post_update")
    return gate


def test_an_override_tool_without_a_compensator_is_deferred_and_the_agent_is_told(
    store: Store, clock: FakeClock
) -> None:
    ran: list[str] = []
    gate = deferred_gate(store, clock, ran)
    out = gate.call(ToolCall(tool="post_update", args={"text": "v2 is out"}, agent="bot"))
    assert isinstance(out, Deferred)
    assert out.run_at == clock.now() + timedelta(minutes=5)
    assert "unless a human vetoes it" in out.to_tool_result()
    assert ran == []


def test_a_deferred_action_runs_when_its_window_passes(store: Store, clock: FakeClock) -> None:
    ran: list[str] = []
    gate = deferred_gate(store, clock, ran)
    out = gate.call(ToolCall(tool="post_update", args={"text": "v2 is out"}, agent="bot"))
    assert gate.work() == 0
    clock.advance(timedelta(minutes=5))
    assert gate.work() == 1
    assert ran == ["v2 is out"]
    assert isinstance(gate.resume(out.action_id), Executed)
    assert gate.work() == 0
    assert ran == ["v2 is out"]


def test_a_vetoed_deferred_action_never_runs(store: Store, clock: FakeClock) -> None:
    ran: list[str] = []
    gate = deferred_gate(store, clock, ran)
    out = gate.call(ToolCall(tool="post_update", args={"text": "oops"}, agent="bot"))
    vetoed = gate.undo(out.action_id, by="alice")
    assert vetoed.status is Status.VETOED
    clock.advance(timedelta(hours=1))
    gate.work()
    assert ran == []
    outcome = gate.resume(out.action_id)
    assert isinstance(outcome, Rejected)
    assert "vetoed by alice" in outcome.to_tool_result()


def test_a_veto_after_the_window_is_refused(store: Store, clock: FakeClock) -> None:
    ran: list[str] = []
    gate = deferred_gate(store, clock, ran)
    out = gate.call(ToolCall(tool="post_update", args={"text": "v2"}, agent="bot"))
    clock.advance(timedelta(minutes=5))
    with pytest.raises(UndoRefused, match="closed at"):
        gate.undo(out.action_id, by="alice")


def test_a_waiting_call_runs_its_deferred_action_itself(store: Store, clock: FakeClock) -> None:
    ran: list[str] = []
    gate = deferred_gate(store, clock, ran)
    gate.poll_interval = 0.01

    def time_passes() -> None:
        wait_until(lambda: gate.plane.actions(ActionFilter()), message="the call never reached the plane")
        clock.advance(timedelta(minutes=6))

    mover = threading.Thread(target=time_passes)
    mover.start()
    out = gate.call(ToolCall(tool="post_update", args={"text": "v2"}, agent="bot"), wait=timedelta(minutes=30))
    mover.join()
    assert isinstance(out, Executed)
    assert ran == ["v2"]


def test_two_gates_with_a_tool_of_the_same_name_run_only_their_own_agents_deferred_calls(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Two services (or MCP gateways) on one database, each with its own ``post_update``: each worker runs the
    deferred calls of the agents it acts for, never the other's call with its own function."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ran_a: list[str] = []
    ran_b: list[str] = []
    gate_a = Gate(Policy.from_dict(POLICY), url, clock=clock, agents=["bot-a"])
    gate_a.tool(lambda text: ran_a.append(text) or "posted by a", name="post_update")
    gate_b = Gate(Policy.from_dict(POLICY), url, clock=clock, agents=["bot-b"])
    gate_b.tool(lambda text: ran_b.append(text) or "posted by b", name="post_update")
    try:
        from_a = gate_a.call(ToolCall(tool="post_update", args={"text": "from a"}, agent="bot-a"))
        from_b = gate_b.call(ToolCall(tool="post_update", args={"text": "from b"}, agent="bot-b"))
        assert isinstance(from_a, Deferred)
        assert isinstance(from_b, Deferred)
        clock.advance(timedelta(minutes=5))
        assert gate_a.work() == 1  # a's worker first: it takes its own call only
        assert (ran_a, ran_b) == (["from a"], [])
        assert gate_b.work() == 1
        assert (ran_a, ran_b) == (["from a"], ["from b"])
        assert gate_a.get(from_b.action_id).result == "posted by b"
    finally:
        gate_a.close()
        gate_b.close()


def test_agents_must_name_an_agent(clock: FakeClock) -> None:
    with pytest.raises(UsageError, match="agents= names at least one agent"):
        Gate(Policy.from_dict(POLICY), clock=clock, agents=[])


@pytest.mark.parametrize(("ran", "status"), [(True, Status.UNDONE), (False, Status.UNDO_FAILED)])
def test_an_undo_a_crash_left_unknown_is_resolved_for_the_undo_and_never_reopens_the_window(
    store: Store, clock: FakeClock, mailer: Mailer, ran: bool, status: Status
) -> None:
    """The compensator's worker died mid-undo. "It ran" means undone; "it did not" means the tool's effect stands
    and needs a human (undo_failed) — never `executed` again with a window in which a second undo would run the
    compensator twice, and never `failed`, which would say the tool did not run."""
    gate = make_gate(store, clock, mailer)
    sent = send(gate)
    plane = gate.plane
    requested = plane.request_undo(sent.action_id, by="alice")
    plane.claim_undo(requested, worker="w-undo")  # ...and that worker dies
    clock.advance(timedelta(minutes=1))
    (fired,) = plane.sweep()
    assert (fired.kind, fired.action.status) == ("unknown", Status.UNKNOWN)
    resolved = plane.resolve_unknown(sent.action_id, ran=ran, by="bob", note="checked the mail server")
    assert resolved.status is status
    assert resolved.undo is not None
    resolved_event = plane.timeline(sent.action_id)[-1]
    assert (resolved_event.kind, resolved_event.body["phase"]) == ("action.resolved", "undo")
    with pytest.raises((UndoRefused, AlreadyDecided)):
        plane.request_undo(sent.action_id, by="carol")
    gate.work()
    assert mailer.recalled == []  # the compensator never ran again (it was never run here at all)

"""Races have one winner: concurrent reviewers, concurrent resumes, across threads and SQLite connections."""

from __future__ import annotations

import threading
from pathlib import Path

from gates import RecordingGate

from tether import AlreadyDecided, Approve, Executed, Gate, Pending, Policy, Reject, ToolCall
from tether.store import Store

THREADS = 8


def held(gate: Gate) -> str:
    out = gate.call(ToolCall(tool="transfer_funds", args={"account": "A-1", "amount": 5.0}, agent="bot"))
    assert isinstance(out, Pending)
    return out.action_id


def run_together(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(timeout=30)


def test_reviewers_deciding_at_once_have_exactly_one_winner(gate: Gate) -> None:
    action_id = held(gate)
    won: list[str] = []
    lost: list[str] = []
    barrier = threading.Barrier(THREADS)

    def review(n: int) -> None:
        decision = Approve(by=f"r{n}") if n % 2 else Reject(by=f"r{n}", note="no")
        barrier.wait()
        try:
            gate.decide(action_id, decision)
            won.append(f"r{n}")
        except AlreadyDecided:
            lost.append(f"r{n}")

    run_together([threading.Thread(target=review, args=(n,)) for n in range(THREADS)])
    assert len(won) == 1
    assert len(lost) == THREADS - 1
    decided = [e for e in gate.plane.timeline(action_id) if e.actor.startswith("human:")]
    assert [e.actor for e in decided] == [f"human:{won[0]}"]
    assert gate.plane.verify().ok


def test_concurrent_resumes_run_the_tool_once(gate: RecordingGate) -> None:
    action_id = held(gate)
    gate.decide(action_id, Approve(by="alice"))
    outcomes: list[object] = []
    barrier = threading.Barrier(THREADS)

    def resume() -> None:
        barrier.wait()
        outcomes.append(gate.resume(action_id))

    run_together([threading.Thread(target=resume) for _ in range(THREADS)])
    assert gate.ran == [("transfer_funds", "A-1", 5.0)]
    assert sum(isinstance(o, Executed) for o in outcomes) >= 1
    assert len(outcomes) == THREADS


def test_two_gates_on_one_sqlite_file_resume_once(tmp_path: Path, policy: Policy) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ran: list[int] = []
    gates = [Gate(policy, url) for _ in range(4)]
    for n, g in enumerate(gates):
        g.tool(lambda account, amount, n=n: ran.append(n) or "sent", name="transfer_funds")
    action_id = held(gates[0])
    gates[1].decide(action_id, Approve(by="alice"))
    barrier = threading.Barrier(len(gates))

    def resume(g: Gate) -> None:
        barrier.wait()
        g.resume(action_id)

    run_together([threading.Thread(target=resume, args=(g,)) for g in gates])
    assert len(ran) == 1
    assert gates[2].plane.verify().ok
    for g in gates:
        g.close()


def test_concurrent_calls_on_one_lane_never_slip_under_a_limit(store: Store) -> None:
    policy = Policy.from_dict(
        {
            "tools": {"ping": {"risk": "low", "reversible": "yes"}},
            "limits": [{"id": "ping-rate", "tool": "ping", "max": 5, "per": "1h"}],
        }
    )
    gate = Gate(policy, store)
    gate.tool(lambda: "pong", name="ping")
    outcomes: list[object] = []
    barrier = threading.Barrier(THREADS * 2)

    def ping() -> None:
        barrier.wait()
        outcomes.append(gate.call(ToolCall(tool="ping", agent="bot")))

    run_together([threading.Thread(target=ping) for _ in range(THREADS * 2)])
    assert sum(isinstance(o, Executed) for o in outcomes) == 5
    assert gate.plane.verify().ok

"""Tests that kill: a real agent process is SIGKILLed at each step of an approved call and restarted.

The tools write every effect to an fsynced ledger, so after the dust settles the test can prove that no decision
was lost and no effect happened twice: an irreversible tool that may have run is left `unknown` for a human,
never re-run; a reversible tool that takes the idempotency key is retried, and the key makes the repeat harmless.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tether import Approve, Policy
from tether.plane import ControlPlane
from tether.store import open_store

AGENT = Path(__file__).parent / "crash_agent.py"
POLICY = {
    "tools": {
        "transfer_funds": {"risk": "critical", "reversible": "no"},
        "refund_payment": {"risk": "critical", "reversible": "yes"},
    }
}


def start_agent(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(AGENT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def reviewer(db: Path) -> ControlPlane:
    return ControlPlane(Policy.from_dict(POLICY), open_store(f"sqlite:///{db}"))


def effects(ledger: Path, prefix: str) -> list[str]:
    lines = ledger.read_text().splitlines() if ledger.exists() else []
    return [line for line in lines if line.startswith(prefix)]


def run_until_killed(db: Path, ledger: Path, tool: str, crash_at: str) -> str:
    """Start the agent, approve its call from this process, and return the action id once the agent is dead."""
    agent = start_agent("call", str(db), str(ledger), tool, crash_at)
    assert agent.stdout is not None
    first = json.loads(agent.stdout.readline())
    assert first["kind"] == "pending"
    plane = reviewer(db)
    plane.decide(first["action_id"], Approve(by="alice"))
    plane.store.close()
    agent.wait(timeout=60)
    assert agent.returncode == -signal.SIGKILL, agent.stderr.read() if agent.stderr else ""
    return str(first["action_id"])


def recover(db: Path, ledger: Path, action_id: str) -> dict[str, str]:
    restarted = subprocess.run(
        [sys.executable, str(AGENT), "recover", str(db), str(ledger), action_id],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr
    report: dict[str, str] = json.loads(restarted.stdout.splitlines()[-1])
    return report


def timeline(db: Path, action_id: str) -> list[str]:
    plane = reviewer(db)
    try:
        assert plane.verify().ok
        return [e.kind for e in plane.timeline(action_id)]
    finally:
        plane.store.close()


def test_an_agent_that_is_not_killed_runs_the_approved_call_once(tmp_path: Path) -> None:
    db, ledger = tmp_path / "t.db", tmp_path / "ledger"
    agent = start_agent("call", str(db), str(ledger), "transfer_funds", "none")
    assert agent.stdout is not None
    first = json.loads(agent.stdout.readline())
    reviewer(db).decide(first["action_id"], Approve(by="alice"))
    second = json.loads(agent.stdout.readline())
    agent.wait(timeout=60)
    assert second["kind"] == "executed"
    assert effects(ledger, "effect") == ["effect transfer A-1 50.0"]


def test_killed_after_the_decision_the_restarted_agent_runs_it_exactly_once(tmp_path: Path) -> None:
    db, ledger = tmp_path / "t.db", tmp_path / "ledger"
    action_id = run_until_killed(db, ledger, "transfer_funds", "after_decision")
    assert effects(ledger, "effect") == []  # it died before starting anything
    report = recover(db, ledger, action_id)
    assert (report["kind"], report["status"]) == ("executed", "executed")
    assert effects(ledger, "effect") == ["effect transfer A-1 50.0"]
    report = recover(db, ledger, action_id)  # and again: nothing runs twice
    assert effects(ledger, "effect") == ["effect transfer A-1 50.0"]
    assert "action.approved" in timeline(db, action_id)


@pytest.mark.parametrize(("crash_at", "effect_count"), [("after_claim", 0), ("inside_tool", 1), ("after_tool", 1)])
def test_an_irreversible_tool_killed_mid_run_is_left_unknown_and_never_rerun(
    tmp_path: Path, crash_at: str, effect_count: int
) -> None:
    db, ledger = tmp_path / "t.db", tmp_path / "ledger"
    action_id = run_until_killed(db, ledger, "transfer_funds", crash_at)
    assert len(effects(ledger, "effect")) == effect_count
    report = recover(db, ledger, action_id)
    assert (report["kind"], report["status"]) == ("failed", "unknown")
    recover(db, ledger, action_id)
    assert len(effects(ledger, "effect")) == effect_count  # never re-run, however often it restarts
    kinds = timeline(db, action_id)
    assert kinds.count("action.unknown") == 1
    assert kinds.count("action.started") == 1


@pytest.mark.parametrize("crash_at", ["after_claim", "inside_tool", "after_tool"])
def test_a_reversible_idempotent_tool_killed_mid_run_is_retried_with_the_same_key(
    tmp_path: Path, crash_at: str
) -> None:
    db, ledger = tmp_path / "t.db", tmp_path / "ledger"
    action_id = run_until_killed(db, ledger, "refund_payment", crash_at)
    report = recover(db, ledger, action_id)
    assert (report["kind"], report["status"]) == ("executed", "executed")
    applied = effects(ledger, "effect refund")
    assert len(applied) == 1  # one effect, whatever the number of attempts
    attempts = effects(ledger, "attempt refund")
    assert {line.split()[-1] for line in attempts} == {applied[0].split()[-1]}  # every attempt had the same key
    kinds = timeline(db, action_id)
    assert kinds.count("action.retried") == 1
    assert kinds[-1] == "action.executed"


def test_a_lease_kept_alive_by_the_heartbeat_is_not_mistaken_for_a_crash(tmp_path: Path) -> None:
    from datetime import timedelta

    from tether import Gate, ToolCall

    url = f"sqlite:///{tmp_path / 't.db'}"
    gate = Gate(Policy.from_dict(POLICY), url, lease=timedelta(seconds=0.3))
    watcher = Gate(Policy.from_dict(POLICY), url, lease=timedelta(seconds=0.3))

    @gate.tool
    def transfer_funds(account: str, amount: float) -> str:
        for _ in range(10):  # a slow tool: 1 s, several leases long
            time.sleep(0.1)
            watcher.plane.sweep()
        return "sent"

    held = gate.call(ToolCall(tool="transfer_funds", args={"account": "A", "amount": 1.0}, agent="bot"))
    gate.decide(held.action_id, Approve(by="alice"))
    assert gate.resume(held.action_id).kind == "executed"
    assert "action.unknown" not in [e.kind for e in gate.plane.timeline(held.action_id)]

"""A real agent process for the kill tests (tests/test_crash.py), killed with SIGKILL at a chosen step.

    python crash_agent.py call DB LEDGER TOOL CRASH_AT     submit one call, wait for the decision, run it
    python crash_agent.py recover DB LEDGER ACTION_ID      a restarted agent: sweep, retry what is safe, resume

CRASH_AT is one of: none, after_decision (before the claim), after_claim, inside_tool (after the effect),
after_tool (before the result is recorded). The tools write every effect to LEDGER and fsync it, so the test
can count effects after the process is dead.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from tether import Gate, Policy, ToolCall

POLICY = {
    "tools": {
        # irreversible: never retried after a crash
        "transfer_funds": {"risk": "critical", "reversible": "no"},
        # reversible and idempotent: a crashed run may be retried, and the key makes the repeat harmless
        "refund_payment": {"risk": "critical", "reversible": "yes"},
    }
}
LEASE = timedelta(seconds=float(os.environ.get("TETHER_TEST_LEASE", "0.5")))


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class Ledger:
    """Append-only, fsynced record of effects, keyed so a test can tell a repeat from a new effect."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def write(self, line: str) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def lines(self) -> list[str]:
        return self.path.read_text().splitlines() if self.path.exists() else []


def build(db: str, ledger: Ledger, crash_at: str) -> Gate:
    gate = Gate(Policy.from_dict(POLICY), f"sqlite:///{db}", lease=LEASE, poll_interval=0.01)

    @gate.tool
    def transfer_funds(account: str, amount: float) -> str:
        ledger.write(f"effect transfer {account} {amount}")
        if crash_at == "inside_tool":
            die()
        return f"sent {amount}"

    @gate.tool
    def refund_payment(order: str, amount: float, idempotency_key: str) -> str:
        ledger.write(f"attempt refund {idempotency_key}")
        if f"effect refund {idempotency_key}" not in ledger.lines():
            ledger.write(f"effect refund {idempotency_key}")
        if crash_at == "inside_tool":
            die()
        return f"refunded {amount}"

    plane: Any = gate.plane
    claim, finish = plane.claim, plane.finish

    def crashing_claim(*args: Any, **kwargs: Any) -> Any:
        if crash_at == "after_decision":
            die()
        claimed = claim(*args, **kwargs)
        if crash_at == "after_claim":
            die()
        return claimed

    def crashing_finish(*args: Any, **kwargs: Any) -> Any:
        if crash_at == "after_tool":
            die()
        return finish(*args, **kwargs)

    plane.claim, plane.finish = crashing_claim, crashing_finish
    return gate


def main() -> None:
    command, db, ledger_path = sys.argv[1:4]
    ledger = Ledger(ledger_path)
    if command == "call":
        tool, crash_at = sys.argv[4:6]
        gate = build(db, ledger, crash_at)
        args = {"account": "A-1", "amount": 50.0} if tool == "transfer_funds" else {"order": "O-1", "amount": 50.0}
        held = gate.call(ToolCall(tool=tool, args=args, agent="crash-bot"))
        print(json.dumps({"action_id": held.action_id, "kind": held.kind}), flush=True)
        out = gate.resume(held.action_id, wait=60)
        print(json.dumps({"action_id": held.action_id, "kind": out.kind}), flush=True)
    elif command == "recover":
        action_id = sys.argv[4]
        gate = build(db, ledger, "none")
        time.sleep(LEASE.total_seconds() * 1.5)  # let a dead worker's lease run out
        gate.work()
        out = gate.resume(action_id)
        print(json.dumps({"action_id": action_id, "kind": out.kind, "status": gate.get(action_id).status.value}))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()

"""Approval round trip: from ``decide(Approve)`` committed to the waiting agent's tool starting.

In-process: the agent waits in a thread (``gate.call(..., wait=...)``) and the reviewer decides through the same
Gate, whose plane wakes the waiter at once. From a second process: the agent runs in a subprocess on the same
SQLite file and sees the decision by polling (``poll_interval``). Wall-clock nanoseconds (``time.time_ns``) are
compared across the two processes; both run on one machine. The reviewer decides after a random pause, so
the decision lands at a random point of the agent's polling cycle, as a human's would.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tether import Approve, Gate, Policy, ToolCall
from tether.plane import ControlPlane
from tether.store import open_store

POLICY = {"tools": {"pay": {"risk": "critical", "reversible": "no"}}}


def new_call() -> ToolCall:
    """A new call each round: the same call_id twice would be the same action."""
    return ToolCall(tool="pay", args={"amount": 1}, agent="bench-agent")


def in_process(rounds: int, db: str) -> list[float]:
    gate = Gate(Policy.from_dict(POLICY), db)
    started: list[int] = []
    gate.tool(lambda amount: started.append(time.perf_counter_ns()), name="pay")
    samples = []
    for _ in range(rounds):
        agent = threading.Thread(target=gate.call, args=(new_call(),), kwargs={"wait": 30})
        agent.start()
        while not (held := gate.pending()):
            time.sleep(0.001)
        time.sleep(0.002)  # the agent is parked in its wait
        gate.decide(held[0].id, Approve(by="reviewer"))
        committed = time.perf_counter_ns()
        agent.join()
        samples.append((started[-1] - committed) / 1e6)
    gate.close()
    return samples


def second_process(rounds: int, db: str, poll: float) -> list[float]:
    agent = subprocess.Popen(
        [sys.executable, __file__, "agent", db, str(rounds), str(poll)], stdout=subprocess.PIPE, text=True
    )
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(db))
    decided: list[int] = []
    for _ in range(rounds):
        while not (held := plane.pending()):
            time.sleep(0.0005)
        time.sleep(random.uniform(0.002, 0.05))  # a human decides at no particular moment of the agent's poll
        plane.decide(held[0].id, Approve(by="reviewer"))
        decided.append(time.time_ns())
        while plane.pending():
            time.sleep(0.0005)
    assert agent.stdout is not None
    starts = json.loads(agent.stdout.read())
    agent.wait(timeout=60)
    plane.store.close()
    return [(start - done) / 1e6 for start, done in zip(starts, decided, strict=True)]


def agent_main(db: str, rounds: int, poll: float) -> None:
    gate = Gate(Policy.from_dict(POLICY), db, poll_interval=poll)
    starts: list[int] = []
    gate.tool(lambda amount: starts.append(time.time_ns()), name="pay")
    for _ in range(rounds):
        gate.call(new_call(), wait=30)
    print(json.dumps(starts))


def run() -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory(dir=Path.cwd(), prefix=".bench-") as tmp:
        rows.append(("decide → tool start, in-process", statistics.median(in_process(100, f"sqlite:///{tmp}/a.db"))))
        for poll in (0.02, 0.005):
            samples = second_process(60, f"sqlite:///{tmp}/b{poll}.db", poll)
            rows.append(
                (f"decide → tool start, second process (poll {poll * 1000:.0f} ms)", statistics.median(samples))
            )
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "agent":
        agent_main(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        for name, ms in run():
            print(f"| {name} | {ms:.2f} ms |")

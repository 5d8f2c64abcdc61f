"""The server's background sweeper: due timers fire without anyone asking, and a backlog of them drains at once
instead of one batch per interval."""

from __future__ import annotations

from datetime import timedelta

from serving import AppServer
from waiting import wait_until

from tether import FakeClock, Policy
from tether.model import Status, ToolCall
from tether.plane import ControlPlane
from tether.server._app import SWEEP_BATCH
from tether.store import ActionFilter, MemoryStore

POLICY = {"tools": {"wire": {"risk": "critical", "reversible": "no", "timeout": "1h"}}}


def test_a_backlog_of_due_timers_drains_without_waiting_out_the_interval() -> None:
    clock = FakeClock()
    plane = ControlPlane(Policy.from_dict(POLICY), MemoryStore(), clock=clock)
    backlog = 2 * SWEEP_BATCH + 200  # three sweeps' worth
    for n in range(backlog):
        plane.submit(ToolCall(tool="wire", args={"n": n}, agent="bot"))
    clock.advance(timedelta(hours=2))  # every approval's deadline has passed
    server = AppServer(plane, sweep_interval=3600)  # after a batch that was not full: an hour's pause
    try:
        pending = ActionFilter(status={Status.PENDING})
        wait_until(
            lambda: plane.store.count_matching(pending) == 0,
            timeout=60,
            message="the sweeper paused between full batches: due timers waited for the interval",
        )
    finally:
        server.stop()
    expired = [e for e in plane.audit_events(after=0, limit=None) if e.kind == "action.expired"]
    assert len(expired) == backlog
    assert plane.verify().ok

"""`tether demo` as a newcomer meets it: a real server process with the dashboard, a scripted agent feeding it,
and the logins it prints working in the dashboard within seconds."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from serving import free_port, log_in

from tether import Policy
from tether.model import Status
from tether.plane import ControlPlane
from tether.store import ActionFilter, open_store


def test_the_demo_serves_the_dashboard_and_shows_every_pattern_within_a_minute(tmp_path: Path) -> None:
    port = free_port()
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {k: v for k, v in os.environ.items() if k not in ("TETHER_CONFIG", "TETHER_DB")}
    process = subprocess.Popen(
        [sys.executable, "-m", "tether.cli", "--db", db, "demo", "--port", str(port), "--for", "60", "--pace", "0.05"],
        cwd=tmp_path,
        env={**env, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while not any("SCRIPT" in line for line in seen):
            assert time.monotonic() < deadline, "".join(seen)
            seen.append(process.stdout.readline())
        printed = "".join(seen)
        assert f"dashboard at http://127.0.0.1:{port}/" in printed
        assert "SCRIPT" in printed  # clearly labelled as scripted
        alice = re.search(r"log in as alice \(reviewer, groups finance\): (tth_\S+)", printed)
        assert alice is not None
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        while True:  # the opening act takes a few seconds at this pace
            while "burst" not in "".join(seen):
                assert time.monotonic() < deadline + 30, "".join(seen)
                seen.append(process.stdout.readline())
            login = log_in(http, alice.group(1), origin=str(http.base_url))
            assert login.status_code in (200, 303)
            inbox = http.get("/inbox").text
            if "scripted-support-bot" in inbox and "refund-email-burst" in http.get("/alerts").text:
                break
            time.sleep(0.2)
        assert "transfer_funds" in inbox
        assert "0 of 2 approvals" in inbox
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    plane = ControlPlane(Policy.from_file(tmp_path / ".tether-demo" / "tether-demo.toml"), open_store(db))
    try:
        modes = {a.verdict.mode.value for a in plane.actions(ActionFilter(limit=1000))}
        assert {"auto", "notify", "override", "approve", "shadow"} <= modes
        statuses = {a.status for a in plane.actions(ActionFilter(limit=1000))}
        assert {Status.EXECUTED, Status.PENDING, Status.SHADOWED} <= statuses
        urgent = plane.actions(ActionFilter(status={Status.PENDING}, urgent_first=True, limit=1))
        assert urgent[0].verdict.urgency.value == "high"  # the low-confidence call leads the inbox
        assert [b.limit for b in plane.breakers()] == ["refund-email-burst"]
        assert plane.shadow_report(by="tool")[0].cases >= 3
        assert plane.verify().ok
    finally:
        plane.close()

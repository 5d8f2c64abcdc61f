"""Several stateless `tether serve` instances on one PostgreSQL: waits wake across instances, every due timer fires
exactly once however the instances split the sweep, and an instance killed mid-sweep loses nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from instances import Instance
from postgres import pg_server
from sqlalchemy import create_engine, text
from waiting import wait_until

from tether import Policy
from tether.model import Role, Status, ToolCall
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.store import ActionFilter, open_store

POLICY = """
[tools.wire]
risk = "critical"
reversible = "no"
timeout = "1h"

[tools.lookup]
risk = "low"
reversible = "yes"
"""


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, str, ControlPlane]]:
    config = tmp_path / "tether.toml"
    config.write_text(POLICY, encoding="utf-8")
    url = pg_server().fresh_database()
    plane = ControlPlane(Policy.from_file(config), open_store(url))
    yield config, url, plane
    plane.close()


def listening(url: str) -> int:
    """Sessions of this database whose listener thread has run LISTEN and now waits for notifications."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def token(plane: ControlPlane, name: str, role: Role) -> dict[str, str]:
    _, secret = Tokens(plane.store, plane.clock).issue(name, role, by="test")
    return {"Authorization": f"Bearer {secret}"}


def test_a_change_on_one_instance_wakes_watchers_on_another(database: tuple[Path, str, ControlPlane]) -> None:
    config, url, first = database
    second = ControlPlane(Policy.from_file(config), open_store(url))
    try:
        woke = threading.Event()
        first.on_change(woke.set)  # only LISTEN/NOTIFY can call this: nothing polls on its behalf
        wait_until(lambda: listening(url) >= 2, message="the planes' listeners never connected")  # both planes
        woke.clear()
        second.submit(ToolCall(tool="wire", args={"account": "A"}, agent="bot"))
        assert woke.wait(10), "no notification crossed from one plane to the other"
    finally:
        second.close()


def test_an_agent_waiting_on_one_instance_resumes_when_a_reviewer_approves_on_another(
    database: tuple[Path, str, ControlPlane], tmp_path: Path
) -> None:
    config, url, plane = database
    agent, alice = token(plane, "bot", Role.AGENT), token(plane, "alice", Role.REVIEWER)
    a, b = Instance(config, url, log=tmp_path / "a.log"), Instance(config, url, log=tmp_path / "b.log")
    try:
        a.wait_ready()
        b.wait_ready()
        held = httpx.post(f"{a.url}/v1/actions", json={"tool": "wire", "args": {"account": "A"}}, headers=agent)
        assert held.status_code == 201, held.text
        action = held.json()["action"]
        result: dict[str, object] = {}

        def wait_on_a() -> None:
            response = httpx.get(
                f"{a.url}/v1/actions/{action['id']}/wait",
                params={"version": action["version"], "timeout": 30},
                headers=agent,
                timeout=40,
            )
            result["status"] = response.json()["action"]["status"]
            result["at"] = time.monotonic()

        waiter = threading.Thread(target=wait_on_a)
        waiter.start()
        time.sleep(0.5)  # the long poll is open on A
        decided_at = time.monotonic()
        decision = httpx.post(
            f"{b.url}/v1/actions/{action['id']}/decision", json={"kind": "approve"}, headers=alice, timeout=10
        )
        assert decision.status_code == 200, decision.text
        waiter.join(timeout=35)
        assert result["status"] == "approved"
        assert float(result["at"]) - decided_at < 20  # woken, not timed out (the poll allowed 30 s)
    finally:
        a.stop()
        b.stop()


def _due_now(url: str, count: int, plane: ControlPlane) -> list[str]:
    """``count`` held approvals whose deadline has already passed, made before any server runs."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(
            pool.map(
                lambda n: plane.submit(ToolCall(tool="wire", args={"n": n}, agent="bot")).id,
                range(count),
            )
        )
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE actions SET expires_at = :past WHERE status = 'pending'"), {"past": time.time() - 1})
    engine.dispose()
    return ids


def _wait_until_none_pending(plane: ControlPlane, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while plane.store.count_matching(ActionFilter(status={Status.PENDING})):
        assert time.monotonic() < deadline, "timers still due"
        time.sleep(0.25)


def _expired_once_each(plane: ControlPlane, ids: list[str]) -> None:
    fired = [e.action_id for e in plane.audit_events() if e.kind == "action.expired"]
    assert len(fired) == len(ids)
    assert sorted(fired) == sorted(ids)
    assert plane.verify().ok


def test_ten_thousand_timers_due_at_once_fire_exactly_once_across_two_instances(
    database: tuple[Path, str, ControlPlane], tmp_path: Path
) -> None:
    config, url, plane = database
    ids = _due_now(url, 10_000, plane)
    a, b = Instance(config, url, log=tmp_path / "a.log"), Instance(config, url, log=tmp_path / "b.log")
    try:
        _wait_until_none_pending(plane, timeout=300)
    finally:
        a.stop()
        b.stop()
    _expired_once_each(plane, ids)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        sweepers = conn.execute(text("SELECT COUNT(DISTINCT swept_by) FROM actions")).scalar_one()
    engine.dispose()
    assert sweepers >= 2  # both instances took a share


def test_killing_an_instance_mid_sweep_loses_nothing(database: tuple[Path, str, ControlPlane], tmp_path: Path) -> None:
    config, url, plane = database
    ids = _due_now(url, 1_500, plane)  # three of an instance's 500-timer batches: killed with claims in hand
    doomed = Instance(config, url, sweep_lease=2.0, log=tmp_path / "doomed.log")
    deadline = time.monotonic() + 120
    while not any(e.kind == "action.expired" for e in plane.audit_events(after=0, limit=None)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    doomed.kill()  # mid-sweep: it holds claims on timers it never fired
    left = plane.store.count_matching(ActionFilter(status={Status.PENDING}))
    assert 0 < left < len(ids)
    survivor = Instance(config, url, sweep_lease=2.0, log=tmp_path / "survivor.log")
    try:
        _wait_until_none_pending(plane, timeout=300)
    finally:
        survivor.stop()
    _expired_once_each(plane, ids)

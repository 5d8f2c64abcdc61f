"""When PostgreSQL goes away: nothing that needs the store runs, agents get a clear error, the server says it is
not ready; when the database returns, work resumes with nothing lost. The database server process is really
stopped and started."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from instances import Instance
from postgres import PgServer

from tether import Gate, Policy
from tether.errors import StoreError
from tether.model import Role, Status, ToolCall
from tether.plane import ControlPlane
from tether.plane._identity import Tokens
from tether.store import open_store

POLICY = """
[tools.wire]
risk = "critical"
reversible = "no"

[tools.lookup]
risk = "low"
reversible = "yes"
"""


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    server = PgServer()  # its own: this test stops it
    yield server
    server.destroy()


def test_an_unreachable_database_stops_work_and_loses_nothing(own_server: PgServer, tmp_path: Path) -> None:
    config = tmp_path / "tether.toml"
    config.write_text(POLICY, encoding="utf-8")
    url = own_server.fresh_database()
    plane = ControlPlane(Policy.from_file(config), open_store(url))
    issuer = Tokens(plane.store, plane.clock)
    agent = {"Authorization": f"Bearer {issuer.issue('bot', Role.AGENT, by='test')[1]}"}
    alice = {"Authorization": f"Bearer {issuer.issue('alice', Role.REVIEWER, by='test')[1]}"}
    ran: list[str] = []
    gate = Gate(Policy.from_file(config), url)
    gate.tool(lambda q: ran.append(q) or "found", name="lookup")
    instance = Instance(config, url, log=tmp_path / "serve.log")
    try:
        instance.wait_ready()
        before = httpx.post(f"{instance.url}/v1/actions", json={"tool": "wire", "args": {"a": 1}}, headers=agent)
        assert before.status_code == 201
        held_id = before.json()["action"]["id"]

        own_server.stop()

        ready = httpx.get(f"{instance.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["ready"] is False
        assert "unreachable" in ready.json()["reason"] or "failed" in ready.json()["reason"]
        refused = httpx.post(
            f"{instance.url}/v1/actions", json={"tool": "lookup", "args": {"q": "x"}}, headers=agent, timeout=30
        )
        assert refused.status_code == 503
        assert refused.json()["error"]["type"] == "store_unavailable"
        assert "postgresql://tether@127.0.0.1" in refused.json()["error"]["message"]
        with pytest.raises(StoreError):
            gate.call(ToolCall(tool="lookup", args={"q": "during the outage"}, agent="bot"))
        assert ran == []  # fail closed: not even an auto tool runs without its audit record

        own_server.start()
        own_server.wait_ready()

        deadline = time.monotonic() + 30
        while httpx.get(f"{instance.url}/readyz", timeout=10).status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover"
            time.sleep(0.2)
        approved = httpx.post(
            f"{instance.url}/v1/actions/{held_id}/decision", json={"kind": "approve"}, headers=alice, timeout=10
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["action"]["status"] == "approved"
        after = gate.call(ToolCall(tool="lookup", args={"q": "after"}, agent="bot"))
        assert after.kind == "executed"
        assert ran == ["after"]
    finally:
        instance.stop()
        gate.close()
    assert plane.get(held_id).status is Status.APPROVED
    assert plane.verify().ok
    plane.close()

"""`tether serve` as an operator runs it, `tether token` to hand out access, and an agent using tether.connect."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_runner import tether as cli  # the CLI in-process; `tether serve` below is a real process
from otlp_collector import Collector
from serving import free_port
from waiting import wait_until

import tether
from tether import Approve, Executed, Pending, StoreError, ToolCall
from tether.agent._remote import RemotePlane


def start_serve(cwd: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, list[str]]:
    """`tether serve --port 0` in ``cwd``: the process, the URL it said it serves (with the port the system chose),
    and what it said on stderr up to that line; returns once the server answers /readyz."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tether.cli", "serve", "--port", "0"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    said: list[str] = []
    while not said or "tether serving" not in said[-1]:
        line = process.stderr.readline()
        if not line:  # it exited before saying where it serves
            process.wait(timeout=10)
            raise RuntimeError(f"tether serve did not start: {''.join(said)}")
        said.append(line)
    found = re.search(r"on (http://127\.0\.0\.1:(\d+))", said[-1])
    assert found, said[-1]
    assert found.group(2) != "0", said[-1]  # the port it really got, not the one asked for
    url = found.group(1)
    wait_until(lambda: _ready(url), timeout=20, message="tether serve never answered /readyz")
    return process, url, said


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz").status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    assert cli(tmp_path, "init").returncode == 0
    process, url, said = start_serve(tmp_path)
    assert not any("warning" in line for line in said), said  # it loaded the policy `init` wrote
    yield url, tmp_path
    process.terminate()
    process.wait(timeout=10)


def test_without_a_policy_file_serve_says_it_runs_the_default_that_holds_everything(tmp_path: Path) -> None:
    process, _, said = start_serve(tmp_path)
    process.terminate()
    process.wait(timeout=10)
    assert "built-in default policy, which holds every call for a human" in "".join(said).replace("\n", " ")
    assert "(policy <default>)" in said[-1]


def test_a_taken_port_is_one_clear_error_before_anything_is_said(tmp_path: Path, taken_port: int) -> None:
    result = cli(tmp_path, "serve", "--port", str(taken_port))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: port {taken_port} on 127.0.0.1 is already in use")
    assert "--port" in result.stderr
    assert "serving" not in result.stderr + result.stdout
    assert not (tmp_path / "tether.db").exists()  # nothing was opened


def token(cwd: Path, name: str, role: str, groups: str = "") -> str:
    result = cli(cwd, "token", "create", "--name", name, "--role", role, "--groups", groups, "--json")
    assert result.returncode == 0, result.stderr
    value: str = json.loads(result.stdout)["token"]
    return value


def test_an_agent_connects_calls_waits_and_runs_what_a_reviewer_approved(served: tuple[str, Path]) -> None:
    url, cwd = served
    gate = tether.connect(url, token(cwd, "support-bot", "agent"))
    reviewer = RemotePlane(url, token(cwd, "alice", "reviewer", "finance"))
    second = RemotePlane(url, token(cwd, "bob", "reviewer", "finance"))
    ran: list[float] = []
    gate.tool(lambda account, amount: ran.append(amount) or "sent", name="transfer_funds")

    held = gate.call(ToolCall(tool="transfer_funds", args={"account": "A-1", "amount": 50.0}, agent="support-bot"))
    assert isinstance(held, Pending)
    assert held.quorum == 2  # the example policy asks two reviewers for transfers
    reviewer.decide(held.action_id, Approve(by="alice"))
    second.decide(held.action_id, Approve(by="bob"))
    out = gate.resume(held.action_id)
    assert isinstance(out, Executed)
    assert gate.resume(held.action_id) == Executed(action_id=held.action_id, result="sent")
    assert ran == [50.0]
    assert reviewer.verify().ok
    gate.close()


def test_token_list_and_revoke_from_the_cli(served: tuple[str, Path]) -> None:
    url, cwd = served
    secret = token(cwd, "victor", "viewer")
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{url}/v1/audit/head", headers=headers).status_code == 200
    listed = json.loads(cli(cwd, "token", "list", "--json").stdout)
    assert [(t["name"], t["role"]) for t in listed] == [("victor", "viewer")]
    assert "digest" not in listed[0]
    assert cli(cwd, "token", "revoke", "victor").returncode == 0
    assert httpx.get(f"{url}/v1/audit/head", headers=headers).status_code == 401
    assert cli(cwd, "token", "revoke", "victor").returncode == 1


def test_a_bad_role_is_a_usage_error(tmp_path: Path) -> None:
    result = cli(tmp_path, "token", "create", "--name", "x", "--role", "god")
    assert result.returncode == 2
    assert "unknown role" in result.stderr


def test_an_unreachable_server_is_a_store_error_at_connect() -> None:
    with pytest.raises(StoreError, match="unreachable"):
        tether.connect(f"http://127.0.0.1:{free_port()}", "tth_x_y")


def test_a_server_that_goes_away_is_a_store_error_and_nothing_runs(tmp_path: Path) -> None:
    from serving import LiveServer

    from tether import Policy
    from tether.model import Role
    from tether.plane import ControlPlane
    from tether.store import open_store

    policy = Policy.from_dict({"tools": {"classify_ticket": {"risk": "low", "reversible": "yes"}}})
    server = LiveServer(ControlPlane(policy, open_store(f"sqlite:///{tmp_path / 't.db'}")), sweep_interval=0)
    gate = tether.connect(server.url, server.token("bot", Role.AGENT))
    ran: list[str] = []
    gate.tool(lambda ticket: ran.append(ticket), name="classify_ticket")
    assert gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent="bot")).kind == "executed"
    server.stop()
    with pytest.raises(StoreError, match="unreachable"):
        gate.call(ToolCall(tool="classify_ticket", args={"ticket": "T-2"}, agent="bot"))
    assert ran == ["T-1"]


def test_serve_exports_its_spans_over_otlp_when_the_environment_asks(tmp_path: Path) -> None:
    assert cli(tmp_path, "init").returncode == 0
    collector = Collector()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "TETHER_"))}
    env |= {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_SERVICE_NAME": "tether-ops",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
    }
    process, url, _ = start_serve(tmp_path, env)
    try:
        assert process.stderr is not None
        assert process.stderr.readline().strip() == f"traces: OTLP to {collector.url}"
        trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
        traceparent = f"00-{trace_id}-00f067aa0ba902b7-01"  # an agent's trace, as W3C trace context carries it
        assert httpx.get(f"{url}/healthz", headers={"traceparent": traceparent}).status_code == 200
        found = wait_until(
            lambda: [s for s in collector.spans if s[2]["trace_id"] == trace_id and s[1] == "GET /healthz"],
            timeout=20,
            message="the request's span never reached the collector",
        )
        assert found[0][0] == "tether-ops"
    finally:
        process.terminate()
        process.wait(timeout=30)
        collector.stop()

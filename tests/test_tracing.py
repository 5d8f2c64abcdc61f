"""OpenTelemetry: a gated call is an ``execute_tool`` span with the verdict, the human wait is a child span with the
decision, and the trace continues from an agent through ``tether.connect`` into the server.

Spans go to OpenTelemetry's in-memory exporter, installed as the process's tracer provider the way an agent would
install its own; the remote case runs a real server on loopback, so trace context crosses real HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_runner import tether as cli
from databases import sqlite_url
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from otlp_collector import Collector
from serving import LiveServer
from waiting import wait_until

import tether
from tether import Approve, Gate, Reject, ToolCall
from tether.errors import ConfigError
from tether.model import Role
from tether.plane import ControlPlane
from tether.policy import Policy
from tether.server import export_from_env
from tether.store import open_store

POLICY = {
    "tools": {
        "lookup": {"risk": "low", "reversible": "yes"},
        "pay": {"risk": "critical", "reversible": "no"},
    }
}
ROOT = Path(__file__).parents[1]
EXPORTER = InMemorySpanExporter()


class WhileRecording(SimpleSpanProcessor):
    """Exports only while a test here records, so the other tests of this process keep nothing."""

    recording = False

    def on_end(self, span: ReadableSpan) -> None:
        if self.recording:
            super().on_end(span)


PROCESSOR = WhileRecording(EXPORTER)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The process's tracer provider, exporting to memory (set once: OpenTelemetry allows one per process)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(PROCESSOR)
        trace.set_tracer_provider(provider)
    EXPORTER.clear()
    PROCESSOR.recording = True
    yield EXPORTER
    PROCESSOR.recording = False
    EXPORTER.clear()


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def one(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    found = named(exporter, name)
    assert len(found) == 1, f"{name}: {[s.name for s in exporter.get_finished_spans()]}"
    return found[0]


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


@pytest.fixture
def gate() -> Iterator[Gate]:
    local = Gate(Policy.from_dict(POLICY))
    local.tool(lambda order: f"order {order}: shipped", name="lookup")

    @local.tool
    def pay(account: str, amount: float) -> str:
        return f"paid {amount} to {account}"

    yield local
    local.close()


def call_in_thread(gate: Gate, call: ToolCall, wait: float) -> tuple[threading.Thread, list[Any]]:
    got: list[Any] = []
    caller = threading.Thread(target=lambda: got.append(gate.call(call, wait=wait)))
    caller.start()
    return caller, got


def test_an_auto_call_is_one_execute_tool_span_with_the_verdict(spans: InMemorySpanExporter, gate: Gate) -> None:
    call = ToolCall(tool="lookup", args={"order": "O-1"}, agent="support-bot", confidence=0.95)
    assert gate.call(call).kind == "executed"
    span = one(spans, "execute_tool lookup")
    assert attrs(span) | {"tether.action.id": "…"} == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "lookup",
        "gen_ai.tool.call.id": call.call_id,
        "gen_ai.tool.type": "function",
        "gen_ai.agent.name": "support-bot",
        "tether.action.id": "…",
        "tether.agent": "support-bot",
        "tether.verdict.mode": "auto",
        "tether.verdict.reasons": ("risk low, reversible yes → auto",),
        "tether.verdict.urgency": "normal",
        "tether.lane": "support-bot/lookup",
        "tether.lane.level": "auto",
        "tether.confidence": 0.95,
        "tether.outcome": "executed",
    }
    assert span.status.status_code is StatusCode.UNSET
    assert named(spans, "await_human lookup") == []


def test_a_held_call_shows_the_human_wait_as_a_child_span_with_the_decision(
    spans: InMemorySpanExporter, gate: Gate
) -> None:
    caller, got = call_in_thread(gate, ToolCall(tool="pay", args={"account": "A-1", "amount": 5}, agent="bot"), 30)
    held = wait_until(gate.pending, message="the call was never held")[0]
    gate.decide(held.id, Approve(by="alice", note="matches the invoice"))
    caller.join(timeout=30)
    assert got[0].kind == "executed"

    tool = one(spans, "execute_tool pay")
    wait = one(spans, "await_human pay")
    assert wait.parent is not None
    assert wait.parent.span_id == tool.context.span_id
    assert wait.context.trace_id == tool.context.trace_id
    assert tool.start_time <= wait.start_time
    assert wait.end_time <= tool.end_time
    assert attrs(wait)["tether.decision"] == "approve"
    assert attrs(wait)["tether.decision.by"] == "alice"
    assert attrs(wait)["tether.status"] == "approved"
    assert attrs(tool)["tether.verdict.mode"] == "approve"
    assert attrs(tool)["tether.outcome"] == "executed"
    assert attrs(tool)["tether.approved_by"] == ("alice",)


def test_a_rejection_ends_the_wait_with_the_reviewer_and_the_outcome(spans: InMemorySpanExporter, gate: Gate) -> None:
    caller, got = call_in_thread(gate, ToolCall(tool="pay", args={"account": "A-2", "amount": 9}, agent="bot"), 30)
    held = wait_until(gate.pending, message="the call was never held")[0]
    gate.decide(held.id, Reject(by="bob", note="wrong account"))
    caller.join(timeout=30)
    assert got[0].kind == "rejected"
    wait = one(spans, "await_human pay")
    assert (attrs(wait)["tether.decision"], attrs(wait)["tether.decision.by"]) == ("reject", "bob")
    assert attrs(one(spans, "execute_tool pay"))["tether.outcome"] == "rejected"


def test_a_call_that_does_not_wait_has_no_human_wait_span(spans: InMemorySpanExporter, gate: Gate) -> None:
    out = gate.call(ToolCall(tool="pay", args={"account": "A-3", "amount": 1}, agent="bot"))
    assert out.kind == "pending"
    assert attrs(one(spans, "execute_tool pay"))["tether.outcome"] == "pending"
    assert named(spans, "await_human pay") == []
    gate.decide(out.action_id, Approve(by="alice"))
    assert gate.resume(out.action_id).kind == "executed"
    resumed = named(spans, "execute_tool pay")[-1]
    assert attrs(resumed)["tether.resumed"] is True
    assert attrs(resumed)["tether.outcome"] == "executed"


def test_a_failing_tool_marks_its_span_as_an_error(spans: InMemorySpanExporter, gate: Gate) -> None:
    def broken(order: str) -> str:
        raise ValueError(f"no order {order}")

    gate.tool(broken, name="lookup_broken", risk="low", reversible="yes")
    gate.plane.policy = Policy.from_dict({"tools": {**POLICY["tools"], "lookup_broken": POLICY["tools"]["lookup"]}})
    out = gate.call(ToolCall(tool="lookup_broken", args={"order": "O-9"}, agent="bot"))
    assert out.kind == "failed"
    span = one(spans, "execute_tool lookup_broken")
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == "ValueError"


def test_the_trace_continues_from_a_remote_agent_into_the_server(spans: InMemorySpanExporter, tmp_path: Path) -> None:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "traced.db")))
    server = LiveServer(plane, sweep_interval=0)
    remote = tether.connect(server.url, server.token("support-bot", Role.AGENT))
    alice = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.token('alice', Role.REVIEWER)}"}
    )
    try:

        @remote.tool
        def pay(account: str, amount: float) -> str:
            return f"paid {amount} to {account}"

        def agent_turn() -> None:
            with trace.get_tracer("an-agent").start_as_current_span("invoke_agent support-bot"):
                remote.call(ToolCall(tool="pay", args={"account": "A-1", "amount": 5}, agent="support-bot"), wait=30)

        caller = threading.Thread(target=agent_turn)
        caller.start()
        held = wait_until(plane.pending, message="the remote call was never held")[0]
        assert alice.post(f"/v1/actions/{held.id}/decision", json={"kind": "approve"}).status_code == 200
        caller.join(timeout=30)
        turn = wait_until(lambda: named(spans, "invoke_agent support-bot"), message="the agent's span never ended")[0]
    finally:
        alice.close()
        remote.close()
        server.stop()
        plane.store.close()

    tool = one(spans, "execute_tool pay")
    assert tool.parent is not None
    assert tool.parent.span_id == turn.context.span_id
    assert attrs(tool)["tether.verdict.mode"] == "approve"
    assert (attrs(tool)["tether.decision"], attrs(tool)["tether.decision.by"]) == ("approve", "alice")
    assert attrs(one(spans, "await_human pay"))["tether.decision.by"] == "alice"

    submitted = one(spans, "POST /v1/actions")
    assert submitted.kind is SpanKind.SERVER
    assert submitted.context.trace_id == tool.context.trace_id  # the server's work is in the agent's trace
    assert submitted.parent is not None
    assert submitted.parent.span_id == tool.context.span_id
    assert attrs(submitted)["http.response.status_code"] == 201
    assert attrs(submitted)["tether.verdict.mode"] == "approve"  # the server's verdict, for agents in any language
    assert named(spans, "fastapi.endpoint") == []  # one span per request, not four
    claimed = one(spans, "POST /v1/actions/{action_id}/claim")
    assert claimed.context.trace_id == tool.context.trace_id
    decided = one(spans, "POST /v1/actions/{action_id}/decision")
    assert decided.context.trace_id != tool.context.trace_id  # alice's request is her own trace


def test_serve_exports_only_when_asked_and_says_what_is_wrong_otherwise() -> None:
    assert export_from_env({}) is None
    assert export_from_env({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"}) is None
    assert export_from_env({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"}) is None
    with pytest.raises(
        ConfigError, match="OTEL_TRACES_EXPORTER='zipkin': tether serve exports traces with 'otlp' only"
    ):
        export_from_env({"OTEL_TRACES_EXPORTER": "zipkin"})


def test_a_wrong_exporter_stops_serve_with_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(tmp_path, "init").returncode == 0
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "jaeger")
    done = cli(tmp_path, "serve", "--port", "0")
    assert done.returncode == 2
    assert "OTEL_TRACES_EXPORTER='jaeger'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_documented_agent_exports_its_gate_spans_over_otlp(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "tracing.md").read_text(encoding="utf-8")
    code = page.split("Save as `traced_agent.py`", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "traced_agent.py").write_text(code)
    assert cli(tmp_path, "init").returncode == 0
    collector = Collector()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "TETHER_"))}
    env |= {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_SERVICE_NAME": "support-bot"}
    try:
        done = subprocess.run(
            [sys.executable, "traced_agent.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        collector.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "executed T-42 filed under billing"
    spans = {name: (service, values) for service, name, values in collector.spans}
    service, tool = spans["execute_tool classify_ticket"]
    assert service == "support-bot"
    assert tool["tether.verdict.mode"] == "auto"
    assert tool["tether.outcome"] == "executed"
    assert tool["trace_id"] == spans["invoke_agent support-bot"][1]["trace_id"]

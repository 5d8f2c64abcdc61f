"""The durable outbox against a real webhook receiver on loopback: signed deliveries, retries with backoff, dead
letters, escalation, and fills and claims that happen once however many workers run."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from databases import sqlite_url

from tether import FakeClock, Policy
from tether.errors import ConfigError
from tether.model import Approve, Status, ToolCall
from tether.notify._outbox import Outbox
from tether.notify._signing import Refused, verify_webhook
from tether.plane import ControlPlane
from tether.store import open_store

SECRET = "whsec-test-1"


class Receiver:
    """A webhook endpoint that checks every signature as the docs tell receivers to, and fails on demand."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_webhook(receiver.secret, body, self.headers.get("Tether-Signature", ""), time.time())
                except Refused as exc:
                    receiver.refused.append(str(exc))
                    self.send_response(401)
                    self.end_headers()
                    return
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.received.append({**json.loads(body), "_event": self.headers["Tether-Event"]})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # a short poll: shutdown() waits for the loop to look (the default half second was most of each test)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[str]:
        return [r["event"] for r in self.received]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def pager() -> Iterator[Receiver]:
    receiver = Receiver("pager-secret")
    yield receiver
    receiver.stop()


def policy(hooks: Receiver, pager: Receiver | None = None, **notify: Any) -> Policy:
    channels: dict[str, Any] = {"hooks": {"type": "webhook", "url": hooks.url, "secret_env": "HOOK_SECRET"}}
    if pager is not None:
        channels["pager"] = {"type": "webhook", "url": pager.url, "secret_env": "PAGER_SECRET"}
    routes = notify.pop(
        "routes",
        [
            {
                "events": [
                    "approval_needed",
                    "override_executed",
                    "alert_executed",
                    "escalated",
                    "breaker_opened",
                    "lane_demoted",
                    "unknown",
                    "not_run",
                ],
                "channels": ["hooks"],
            }
        ],
    )
    return Policy.from_dict(
        {
            "tools": {
                "wire": {"risk": "critical", "reversible": "no", "timeout": "1h", "on_timeout": "escalate"}
                | {"escalate_to": "finance-leads"},
                "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
                "cancel_order": {"risk": "high", "reversible": "partial"},
                "lookup": {"risk": "low", "reversible": "yes"},
            },
            "limits": [{"id": "email-burst", "tool": "send_email", "max": 1, "per": "1h"}],
            "notify": {"channels": channels, "routes": routes, **notify},
        }
    )


ENV = {"HOOK_SECRET": SECRET, "PAGER_SECRET": "pager-secret"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_plane(tmp_path: Path, policy: Policy, clock: FakeClock) -> ControlPlane:
    return ControlPlane(policy, open_store(sqlite_url(tmp_path / "notify.db")), clock=clock)


def held(plane: ControlPlane, tool: str = "wire") -> str:
    return plane.submit(ToolCall(tool=tool, args={"account": "A-1", "api_key": "sk-9"}, agent="bot")).id


def test_each_event_kind_becomes_one_signed_delivery(tmp_path: Path, clock: FakeClock, hooks: Receiver) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    outbox = Outbox(plane, env=ENV)
    wire = held(plane)
    sent = plane.submit(ToolCall(tool="send_email", args={"to": "a@x"}, agent="bot"), worker="w")
    plane.finish(sent, result="sent")
    plane.submit(ToolCall(tool="send_email", args={"to": "b@x"}, agent="bot"))  # over the limit: breaker opens
    cancel = plane.submit(ToolCall(tool="cancel_order", args={"order": "O-1"}, agent="bot"), worker="w")
    plane.finish(cancel, result="cancelled")
    crashed = plane.submit(ToolCall(tool="lookup", args={"q": "x"}, agent="bot"), worker="w")
    plane.submit(ToolCall(tool="lookup", args={"q": "y"}, agent="bot"), worker="w")
    plane.submit(ToolCall(tool="lookup", args={"q": "z"}, agent="bot"), worker="w")
    clock.advance(timedelta(minutes=2))  # the lookups' leases lapse: unknown
    plane.sweep()
    assert plane.get(crashed.id).status is Status.UNKNOWN
    added, delivered = outbox.run_once()
    assert added == delivered == len(hooks.received)
    assert sorted(set(hooks.events())) == sorted(
        ["approval_needed", "override_executed", "breaker_opened", "alert_executed", "unknown"]
    )
    assert hooks.refused == []
    approval = next(r for r in hooks.received if r["event"] == "approval_needed" and r["action"]["id"] == wire)
    assert approval["action"]["args"] == {"account": "A-1", "api_key": "[redacted]"}
    assert approval["_event"] == "approval_needed"
    assert approval["action"]["reasons"]
    assert outbox.run_once() == (0, 0)  # nothing twice
    clock.advance(timedelta(hours=1))  # nobody decided the wire transfer: it escalates to finance-leads
    plane.sweep()
    plane.demote("bot/send_email", by="ada")
    outbox.run_once()
    latest = {r["event"]: r for r in hooks.received[-2:]}
    assert sorted(latest) == ["escalated", "lane_demoted"]
    assert latest["escalated"]["action"]["reviewers"] == "finance-leads"
    assert latest["lane_demoted"]["lane"]["lane"] == "bot/send_email"


def test_an_approved_action_nobody_ran_is_told_to_the_routes_of_not_run(
    tmp_path: Path, clock: FakeClock, hooks: Receiver
) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    outbox = Outbox(plane, env=ENV)
    wire = held(plane)
    plane.decide(wire, Approve(by="alice"))
    clock.advance(timedelta(minutes=10))  # the agent that would run it is gone
    plane.sweep()
    outbox.run_once()
    (told,) = [r for r in hooks.received if r["event"] == "not_run"]
    assert told["action"]["id"] == wire
    assert told["action"]["status"] == "approved"


def test_a_failing_receiver_is_retried_with_doubling_backoff_and_never_blocks_the_agent(
    tmp_path: Path, clock: FakeClock, hooks: Receiver
) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    outbox = Outbox(plane, env=ENV)
    hooks.fail_next = 2
    action_id = held(plane)  # the agent's call returns whatever the receiver does
    assert plane.get(action_id).status is Status.PENDING
    assert outbox.run_once() == (1, 0)
    [delivery] = plane.store.outbox_list()
    assert (delivery.status, delivery.attempts, delivery.next_at) == ("pending", 1, clock.now() + timedelta(seconds=30))
    assert "HTTP 503" in (delivery.last_error or "")
    assert outbox.deliver() == 0  # not due yet
    clock.advance(timedelta(seconds=30))
    assert outbox.deliver() == 0
    [delivery] = plane.store.outbox_list()
    assert delivery.next_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    assert outbox.deliver() == 1
    [delivery] = plane.store.outbox_list()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 3, clock.now())
    assert hooks.events() == ["approval_needed"]


def test_out_of_attempts_is_a_dead_letter_that_can_be_retried(
    tmp_path: Path, clock: FakeClock, hooks: Receiver
) -> None:
    plane = make_plane(tmp_path, policy(hooks, max_attempts=2, backoff="1s"), clock)
    outbox = Outbox(plane, env=ENV)
    hooks.fail_next = 10
    held(plane)
    outbox.run_once()
    clock.advance(timedelta(seconds=1))
    outbox.deliver()
    [dead] = plane.store.outbox_list(status="dead")
    assert dead.attempts == 2
    clock.advance(timedelta(hours=5))
    assert outbox.deliver() == 0  # dead letters stay dead until a human retries them
    hooks.fail_next = 0
    plane.store.outbox_retry(dead.id, now=clock.now())
    assert outbox.deliver() == 1
    assert hooks.events() == ["approval_needed"]


def test_a_forged_or_wrong_secret_is_refused_by_the_receiver(tmp_path: Path, clock: FakeClock, hooks: Receiver) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    outbox = Outbox(plane, env={**ENV, "HOOK_SECRET": "not-the-receivers-secret"})
    held(plane)
    outbox.run_once()
    assert hooks.received == []
    assert hooks.refused == ["the signature does not match the body"]
    assert plane.store.outbox_list()[0].status == "pending"


def test_unanswered_approvals_escalate_to_the_next_channel(
    tmp_path: Path, clock: FakeClock, hooks: Receiver, pager: Receiver
) -> None:
    route = {"events": ["approval_needed"], "channels": ["hooks"], "escalate_after": "30m", "escalate_to": ["pager"]}
    plane = make_plane(tmp_path, policy(hooks, pager, routes=[route]), clock)
    outbox = Outbox(plane, env=ENV)
    decided, ignored = held(plane), held(plane)
    outbox.run_once()
    assert len(hooks.received) == 2
    assert pager.received == []
    plane.decide(decided, Approve(by="alice"))
    clock.advance(timedelta(minutes=29))
    outbox.run_once()
    assert pager.received == []
    clock.advance(timedelta(minutes=1))
    outbox.run_once()
    assert [r["action"]["id"] for r in pager.received] == [ignored]
    assert {d.status for d in plane.store.outbox_list() if d.channel == "pager"} == {"sent", "skipped"}


def test_routes_filter_by_tool_risk_and_urgency(tmp_path: Path, clock: FakeClock, hooks: Receiver) -> None:
    routes = [{"events": ["approval_needed"], "channels": ["hooks"], "risk": ["high"], "urgency": "high"}]
    plane = make_plane(tmp_path, policy(hooks, routes=routes), clock)
    outbox = Outbox(plane, env=ENV)
    held(plane)  # critical risk: not routed
    plane.submit(ToolCall(tool="cancel_order", args={"order": "O-2"}, agent="bot", confidence=0.7))  # not urgent
    urgent = plane.submit(ToolCall(tool="cancel_order", args={"order": "O-3"}, agent="bot", confidence=0.5))
    outbox.run_once()
    assert [r["action"]["id"] for r in hooks.received] == [urgent.id]


def test_many_workers_fill_and_deliver_each_notification_once(
    tmp_path: Path, clock: FakeClock, hooks: Receiver
) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    workers = [Outbox(plane, env=ENV) for _ in range(4)]
    ids = {held(plane) for _ in range(20)}
    start = threading.Barrier(len(workers))
    failures: list[BaseException] = []

    def work(outbox: Outbox) -> None:
        try:
            start.wait(timeout=10)
            for _ in range(5):
                outbox.run_once()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(r["action"]["id"] for r in hooks.received) == sorted(ids)
    assert len(plane.store.outbox_list(limit=1000)) == 20


def test_a_missing_secret_is_a_configuration_error_naming_channel_and_variable(
    tmp_path: Path, clock: FakeClock, hooks: Receiver
) -> None:
    plane = make_plane(tmp_path, policy(hooks), clock)
    with pytest.raises(ConfigError, match=r"notify\.channels\.hooks: the environment variable HOOK_SECRET is not set"):
        Outbox(plane, env={})


def test_routes_must_name_defined_channels() -> None:
    with pytest.raises(ConfigError, match="routes\\[0\\] names channel 'nowhere'"):
        Policy.from_dict({"notify": {"routes": [{"events": ["approval_needed"], "channels": ["nowhere"]}]}})
    with pytest.raises(ConfigError, match="escalate_after and escalate_to go together"):
        Policy.from_dict(
            {
                "notify": {
                    "channels": {"h": {"type": "webhook", "url": "http://127.0.0.1:1/", "secret_env": "S"}},
                    "routes": [{"events": ["approval_needed"], "channels": ["h"], "escalate_after": "5m"}],
                }
            }
        )


def test_a_flood_of_refused_requests_is_capped_in_the_audit_log(tmp_path: Path, clock: FakeClock) -> None:
    from tether.notify import _acting as acting

    plane = make_plane(tmp_path, Policy.from_dict({}), clock)
    for n in range(acting.REFUSALS_PER_MINUTE + 15):
        acting.refuse(plane, "slack", f"forged {n}")
    refused = [e for e in plane.audit_events() if e.kind == "notify.refused"]
    assert len(refused) == acting.REFUSALS_PER_MINUTE
    acting.budget_of(plane).window.clear()  # a minute later
    acting.refuse(plane, "slack", "forged again")
    last = [e for e in plane.audit_events() if e.kind == "notify.refused"][-1]
    assert last.body["unaudited_before"] == 15

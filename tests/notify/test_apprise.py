"""Apprise channels against a real receiver on loopback: apprise's json:// posts the notification to a local HTTP
server; a receiver answering 500 makes the delivery retry with backoff, then die, and a retry brings it back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from http_peers import Peer

from tether import FakeClock, Policy
from tether.model import Status, ToolCall
from tether.notify._outbox import Outbox
from tether.plane import ControlPlane
from tether.store import Delivery, open_store

HOOK = "/hooks/tether"
pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")  # inside apprise


class Receiver:
    """What the local json:// receiver answers: 200, or 500 while ``failing``."""

    def __init__(self) -> None:
        self.failing = False

    def __call__(self, path: str) -> tuple[int, Any]:
        if path != HOOK:
            return 404, {"error": "not here"}
        return (500, {"error": "down"}) if self.failing else (200, {"ok": True})


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def peer(receiver: Receiver) -> Iterator[Peer]:
    made = Peer(receiver)
    yield made
    made.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def plane(tmp_path: Path, clock: FakeClock) -> Iterator[ControlPlane]:
    policy = {
        "tools": {"transfer_funds": {"risk": "critical", "reversible": "no"}},
        "notify": {
            "max_attempts": 2,
            "backoff": "30s",
            "channels": {"pager": {"type": "apprise", "urls_env": "TETHER_APPRISE_URLS"}},
            "routes": [{"events": ["approval_needed"], "channels": ["pager"]}],
        },
    }
    made = ControlPlane(Policy.from_dict(policy), open_store(f"sqlite:///{tmp_path / 'apprise.db'}"), clock=clock)
    yield made
    made.store.close()


@pytest.fixture
def outbox(plane: ControlPlane, peer: Peer) -> Outbox:
    return Outbox(plane, env={"TETHER_APPRISE_URLS": f"json://127.0.0.1:{peer.port}{HOOK}"})


def hold(plane: ControlPlane) -> str:
    call = ToolCall(
        tool="transfer_funds",
        args={"account": "A-1", "amount": 900.0, "api_key": "sk-live-SECRET-123"},
        agent="bot",
        reasoning="Vendor invoice 42 is due today",
        confidence=0.9,
    )
    action = plane.submit(call)
    assert action.status is Status.PENDING
    return action.id


def only(plane: ControlPlane) -> Delivery:
    [delivery] = plane.store.outbox_list()
    return delivery


def test_an_approval_reaches_the_apprise_receiver(plane: ControlPlane, outbox: Outbox, peer: Peer) -> None:
    action_id = hold(plane)
    assert outbox.run_once() == (1, 1)

    [request] = peer.to(HOOK)
    assert request.headers["content-type"].startswith("application/json")
    notification = request.json()
    assert "Approval needed" in notification["title"]
    assert "transfer_funds" in notification["message"]
    assert "Approval needed" in notification["message"]
    assert "Vendor invoice 42 is due today" in notification["message"]
    assert b"sk-live-SECRET-123" not in request.body  # redacted, as everywhere a message leaves Tether
    delivery = only(plane)
    assert (delivery.status, delivery.channel, delivery.kind, delivery.action_id) == (
        "sent",
        "pager",
        "approval_needed",
        action_id,
    )
    assert outbox.run_once() == (0, 0)
    assert len(peer.to(HOOK)) == 1


def test_a_failing_receiver_is_retried_then_dead_then_retried_by_hand(
    plane: ControlPlane, clock: FakeClock, outbox: Outbox, peer: Peer, receiver: Receiver
) -> None:
    receiver.failing = True
    hold(plane)
    assert outbox.run_once() == (1, 0)
    assert len(peer.to(HOOK)) == 1  # it was tried, and the receiver said 500

    first = only(plane)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.last_error is not None
    assert "apprise could not deliver" in first.last_error
    assert first.next_at == clock.now() + timedelta(seconds=30)

    assert outbox.deliver() == 0  # not due yet: nothing is sent before the backoff has passed
    assert len(peer.to(HOOK)) == 1

    clock.advance(timedelta(seconds=30))
    assert outbox.deliver() == 0  # the second attempt of max_attempts = 2 fails too
    assert len(peer.to(HOOK)) == 2
    dead = only(plane)
    assert (dead.status, dead.attempts) == ("dead", 2)
    assert dead.last_error is not None

    clock.advance(timedelta(hours=2))
    assert outbox.deliver() == 0  # a dead letter stays dead
    assert len(peer.to(HOOK)) == 2

    receiver.failing = False
    back = plane.store.outbox_retry(dead.id, now=clock.now())
    assert (back.status, back.attempts) == ("pending", 0)
    assert outbox.deliver() == 1
    assert len(peer.to(HOOK)) == 3
    sent = only(plane)
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert "Approval needed" in json.loads(peer.to(HOOK)[-1].body)["title"]

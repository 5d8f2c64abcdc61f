"""Email notifications end to end: a real SMTP server (aiosmtpd) receives the mail, and the test follows its links
over HTTP to a live Tether server — confirmation page first, the POST from it acts, once, for that reviewer only."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from serving import LiveServer, free_port

from tether import FakeClock, Policy
from tether.model import Role, Status, ToolCall
from tether.notify._outbox import Outbox
from tether.plane import ControlPlane
from tether.store import open_store


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@dataclass
class World:
    server: LiveServer
    plane: ControlPlane
    outbox: Outbox
    clock: FakeClock
    box: Mailbox

    def links(self, address: str) -> dict[str, str]:
        [mail] = self.box.to(address)[-1:]
        body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
        return dict(re.findall(r"^(Approve|Reject|Undo): (\S+?)\r?$", body, flags=re.M))

    def follow(self, link: str, *, post: bool = False, origin: str | None = None) -> httpx.Response:
        if not post:
            return httpx.get(link, timeout=10)
        return httpx.post(link, headers={"Origin": origin or self.server.url}, timeout=10)

    def refusals(self) -> list[str]:
        return [e.body["reason"] for e in self.plane.audit_events() if e.kind == "notify.refused"]


@pytest.fixture
def world(tmp_path: Path, mailbox: tuple[Mailbox, int]) -> Iterator[World]:
    box, smtp_port = mailbox
    port = free_port()
    policy = Policy.from_dict(
        {
            "tools": {
                "wire": {"risk": "critical", "reversible": "no"},
                "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
            },
            "notify": {
                "base_url": f"http://127.0.0.1:{port}",
                "channels": {
                    "mail": {
                        "type": "email",
                        "to": ["alice", "bob"],
                        "sender": "tether@example.com",
                        "smtp": f"smtp://127.0.0.1:{smtp_port}",
                    }
                },
                "people": {"alice": {"email": "alice@example.com"}, "bob": {"email": "bob@example.com"}},
                "routes": [{"events": ["approval_needed", "override_executed"], "channels": ["mail"]}],
            },
        }
    )
    clock = FakeClock()
    plane = ControlPlane(policy, open_store(f"sqlite:///{tmp_path / 'mail.db'}"), clock=clock)
    server = LiveServer(plane, sweep_interval=0, port=port)
    server.token("alice", Role.REVIEWER)
    server.token("bob", Role.REVIEWER)
    yield World(server, plane, Outbox(plane, env={}), clock, box)
    server.stop()
    plane.store.close()


def deliver(world: World, expected: int) -> None:
    world.outbox.run_once()
    deadline = time.monotonic() + 10
    while len(world.box.messages) < expected:
        assert time.monotonic() < deadline, f"{len(world.box.messages)} of {expected} mails arrived"
        time.sleep(0.02)


def test_each_reviewer_gets_their_own_links_and_opening_one_changes_nothing(world: World) -> None:
    action = world.plane.submit(ToolCall(tool="wire", args={"account": "A-1"}, agent="bot", reasoning="refund"))
    deliver(world, 2)
    [mail] = world.box.to("alice@example.com")
    assert "[Tether] Approval needed: wire by bot" in mail["Subject"]
    alice, bob = world.links("alice@example.com"), world.links("bob@example.com")
    assert set(alice) == {"Approve", "Reject"}
    assert alice["Approve"] != bob["Approve"]
    for _ in range(2):  # a mail scanner opening the link, then the person
        page = world.follow(alice["Approve"])
        assert page.status_code == 200
        assert "alice, approve this action?" in page.text
    assert world.plane.get(action.id).status is Status.PENDING
    done = world.follow(alice["Approve"], post=True)
    assert done.status_code == 200, done.text
    assert "alice approved it" in done.text
    decided = world.plane.get(action.id)
    assert decided.status is Status.APPROVED
    assert decided.decision is not None
    assert decided.decision.by == "alice"


def test_a_used_link_a_forged_link_and_a_foreign_post_are_refused_with_an_audit_event(world: World) -> None:
    first = world.plane.submit(ToolCall(tool="wire", args={"account": "A-1"}, agent="bot"))
    deliver(world, 2)
    links = world.links("alice@example.com")
    assert world.follow(links["Reject"], post=True).status_code == 200
    assert world.plane.get(first.id).status is Status.REJECTED
    head = world.plane.audit_head().seq
    reused = world.follow(links["Reject"], post=True)
    assert reused.status_code == 403
    assert "used already" in reused.text
    _data, _, signature = links["Approve"].rpartition("/")[2].partition(".")
    forged = links["Approve"].replace(signature, "0" * 64)
    assert world.follow(forged).status_code == 403
    assert world.follow(forged, post=True).status_code == 403
    foreign = world.follow(links["Approve"], post=True, origin="https://evil.example")
    assert foreign.status_code == 403
    assert world.refusals() == [
        "this link was used already",
        "the link is not one Tether signed (altered or forged)",
        "the link is not one Tether signed (altered or forged)",
        "this request came from another site; it was refused",
    ]
    assert {e.kind for e in world.plane.audit_events(after=head)} == {"notify.refused"}  # nothing else happened
    assert world.plane.get(first.id).status is Status.REJECTED


def test_links_expire_and_die_with_the_reviewers_token(world: World) -> None:
    first = world.plane.submit(ToolCall(tool="wire", args={"account": "A-1"}, agent="bot"))
    deliver(world, 2)
    alice, bob = world.links("alice@example.com"), world.links("bob@example.com")
    world.server.issuer.revoke("bob", by="admin")
    assert world.follow(bob["Approve"], post=True).status_code == 403
    world.clock.advance(timedelta(hours=24, seconds=1))
    expired = world.follow(alice["Approve"], post=True)
    assert expired.status_code == 403
    assert "expired" in expired.text
    assert world.plane.get(first.id).status is Status.PENDING
    assert world.refusals() == ["bob is no longer a reviewer", "the link has expired"]


def test_an_override_mail_carries_an_undo_link(world: World) -> None:
    sent = world.plane.submit(ToolCall(tool="send_email", args={"to": "c@x"}, agent="bot"), worker="w")
    world.plane.finish(sent, result="sent")
    deliver(world, 2)
    links = world.links("bob@example.com")
    assert set(links) == {"Undo"}
    assert world.follow(links["Undo"], post=True).status_code == 200
    undone = world.plane.get(sent.id)
    assert undone.undo is not None
    assert undone.undo.by == "bob"

"""Slack, end to end against real local peers: the outbox posts Block Kit to a fake Slack Web API on loopback, and
the buttons come back to a live Tether server at /slack/interactions signed exactly as Slack signs them
(slack_sdk's own SignatureVerifier), with the message updated through a response_url served by the same fake.

Every refused request leaves the action as it was and one ``notify.refused`` audit event, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from databases import sqlite_url
from http_peers import Peer
from serving import LiveServer
from slack_sdk.signature import SignatureVerifier

from tether import FakeClock, Policy
from tether.audit import REDACTED, AuditEvent
from tether.model import Action, Role, Status, ToolCall
from tether.notify._outbox import Outbox
from tether.plane import ControlPlane
from tether.store import open_store

BOT_TOKEN = "xoxb-tether-tests-0001"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ENV = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
POST_MESSAGE = "/api/chat.postMessage"
BASE_URL = "https://tether.example.com"

PEOPLE = {
    "alice": "UALICE01",  # a reviewer
    "bob": "UBOB0002",  # another reviewer
    "vera": "UVERA003",  # a viewer: reads, never decides
    "dave": "UDAVE004",  # a reviewer outside the finance group
    "fiona": "UFIONA05",  # a reviewer in the finance group
    "bot": "UBOT0006",  # the agent's own name, as a person
}


def policy(slack_port: int) -> dict[str, Any]:
    return {
        "tools": {
            "transfer_funds": {"risk": "critical", "reversible": "no"},
            "pay_invoice": {"risk": "critical", "reversible": "no", "reviewers": "finance"},
            "wire_large": {"risk": "critical", "reversible": "no", "quorum": 2},
            "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        },
        "notify": {
            "base_url": BASE_URL,
            "channels": {
                "ops-slack": {"type": "slack", "channel": "C0OPS", "api_url": f"http://127.0.0.1:{slack_port}/api"}
            },
            "people": {name: {"slack": user} for name, user in PEOPLE.items()},
            "routes": [{"events": ["approval_needed", "override_executed"], "channels": ["ops-slack"]}],
        },
    }


def slack_answer(path: str) -> tuple[int, Any]:
    if path == POST_MESSAGE:
        return 200, {"ok": True, "channel": "C0OPS", "ts": "1767225600.000100", "message": {}}
    if path.startswith("/response/"):
        return 200, {"ok": True}
    return 404, {"ok": False, "error": "unknown_method"}


@pytest.fixture
def slack() -> Iterator[Peer]:
    peer = Peer(slack_answer)
    yield peer
    peer.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def plane(tmp_path: Path, slack: Peer, clock: FakeClock) -> Iterator[ControlPlane]:
    made = ControlPlane(
        Policy.from_dict(policy(slack.port)), open_store(sqlite_url(tmp_path / "slack.db")), clock=clock
    )
    yield made
    made.store.close()


@pytest.fixture
def outbox(plane: ControlPlane) -> Outbox:
    return Outbox(plane, env=ENV)


@pytest.fixture
def server(plane: ControlPlane) -> Iterator[LiveServer]:
    live = LiveServer(plane, sweep_interval=0, env=ENV)  # no sweeper: the test runs the outbox itself
    yield live
    live.stop()


# -- helpers ---------------------------------------------------------------------------------------------------


def hold(plane: ControlPlane, tool: str = "transfer_funds", **call: Any) -> Action:
    fields: dict[str, Any] = {
        "args": {"account": "A-1", "amount": 900.0},
        "agent": "bot",
        "reasoning": "Vendor invoice 42 is due today",
        "confidence": 0.9,
        **call,
    }
    action = plane.submit(ToolCall(tool=tool, **fields))
    assert action.status is Status.PENDING
    return action


def overridden(plane: ControlPlane) -> Action:
    """An override-mode action that ran and is inside its undo window."""
    action = plane.submit(
        ToolCall(tool="send_email", args={"to": ["a@x.io"], "subject": "Hi"}, agent="bot", reasoning="Weekly note")
    )
    assert action.status is Status.RUNNING
    done = plane.finish(action, result="msg-1")
    assert done.status is Status.EXECUTED
    assert done.window_ends_at is not None
    return done


def deliver(outbox: Outbox, slack: Peer, action_id: str) -> dict[str, Any]:
    """Run the outbox and return the chat.postMessage Slack received about ``action_id``."""
    outbox.run_once()
    for request in slack.to(POST_MESSAGE):
        message: dict[str, Any] = request.json()
        if any(b.get("block_id") == f"tether:{action_id}" for b in message["blocks"]):
            return message
    raise AssertionError(f"Slack received no message with buttons for {action_id}")


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by action_id."""
    found: dict[str, dict[str, Any]] = {}
    for block in message["blocks"]:
        if block["type"] == "actions":
            found.update({e["action_id"]: e for e in block["elements"] if e["type"] == "button"})
    return found


def fields(message: dict[str, Any]) -> dict[str, str]:
    """The section's fields, ``*name*\\nvalue``, as a dict."""
    section = next(b for b in message["blocks"] if b["type"] == "section")
    pairs = (f["text"].split("\n", 1) for f in section["fields"])
    return {name.strip("*"): value for name, value in pairs}


def texts(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every text object (type, text) anywhere in the blocks."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append((node["type"], node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def block_actions(user: str, button: dict[str, Any], response_url: str, action_ts: str) -> bytes:
    """The form body Slack posts when ``user`` presses ``button``: ``payload=<block_actions JSON>``."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1767225600.000100", "channel_id": "C0OPS"},
        "trigger_id": "1234.5678.abcdef",
        "team": {"id": "T0TEAM", "domain": "example"},
        "channel": {"id": "C0OPS", "name": "ops"},
        "response_url": response_url,
        "actions": [{**button, "block_id": button.get("block_id", "tether"), "action_ts": action_ts}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = str(timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def post(server: LiveServer, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{server.url}/slack/interactions", content=body, headers=headers, timeout=10)


class Presser:
    """Presses buttons as Slack users would, each press with its own action_ts and response_url."""

    def __init__(self, server: LiveServer, slack: Peer, clock: FakeClock) -> None:
        self.server, self.slack, self.clock = server, slack, clock
        self.count = 0

    def request(self, user: str, button: dict[str, Any]) -> tuple[bytes, dict[str, str], str]:
        """A freshly signed request (body, headers) and the response_url path it names."""
        self.count += 1
        path = f"/response/{self.count}"
        body = block_actions(user, button, self.slack.url + path, f"1767225600.{self.count:06d}")
        return body, signed(body, int(self.clock.now().timestamp())), path

    def press(self, user: str, button: dict[str, Any]) -> tuple[httpx.Response, str]:
        body, headers, path = self.request(user, button)
        return post(self.server, body, headers), path

    def update(self, path: str) -> dict[str, Any]:
        """The one message update posted to the response_url ``path``."""
        updates = self.slack.to(path)
        assert len(updates) == 1, updates
        assert updates[0].headers["content-type"].startswith("application/json")
        update: dict[str, Any] = updates[0].json()
        return update


@pytest.fixture
def presser(server: LiveServer, slack: Peer, clock: FakeClock) -> Presser:
    return Presser(server, slack, clock)


def head(plane: ControlPlane) -> int:
    return plane.audit_head().seq


def since(plane: ControlPlane, seq: int) -> list[AuditEvent]:
    return list(plane.audit_events(after=seq))


def assert_refused_only(plane: ControlPlane, mark: int, before: Action, reason: str) -> AuditEvent:
    """The action is exactly as it was, and the audit log gained one notify.refused event and nothing else."""
    assert plane.get(before.id) == before
    events = since(plane, mark)
    assert [e.kind for e in events] == ["notify.refused"], [(e.kind, e.body) for e in events]
    assert events[0].actor == "system"
    assert events[0].body["via"] == "slack"
    assert reason in events[0].body["reason"], events[0].body
    return events[0]


# -- delivery --------------------------------------------------------------------------------------------------


def test_an_approval_reaches_slack_as_block_kit_with_approve_and_reject(
    plane: ControlPlane, outbox: Outbox, slack: Peer
) -> None:
    action = hold(plane, args={"account": "A-1", "amount": 900.0, "api_key": "sk-live-SECRET-123"})
    assert outbox.run_once() == (1, 1)

    [request] = slack.to(POST_MESSAGE)
    assert request.headers["authorization"] == f"Bearer {BOT_TOKEN}"  # the token from env, as Slack's API wants it
    message = request.json()
    assert message["channel"] == "C0OPS"
    assert message["text"] == "Approval needed: transfer_funds by bot"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Approval needed: transfer_funds by bot"},
    }
    shown = fields(message)
    assert shown["tool"] == "transfer_funds"
    assert shown["agent"] == "bot"
    assert shown["reasoning"] == "Vendor invoice 42 is due today"
    assert shown["confidence"] == "0.90"
    assert shown["why"] == "; ".join(action.verdict.explain())
    assert "critical" in shown["why"]
    assert json.loads(shown["arguments"]) == {"account": "A-1", "amount": 900.0, "api_key": REDACTED}
    assert b"sk-live-SECRET-123" not in request.body  # the secret appears nowhere in what left Tether

    found = buttons(message)
    assert set(found) == {"approve", "reject"}
    assert found["approve"]["value"] == f"approve:{action.id}"
    assert found["reject"]["value"] == f"reject:{action.id}"
    assert (found["approve"]["style"], found["reject"]["style"]) == ("primary", "danger")
    assert f"<{BASE_URL}/actions/{action.id}|Open in Tether>" in [t for _, t in texts(message["blocks"])]

    [delivery] = plane.store.outbox_list()
    assert (delivery.status, delivery.channel, delivery.kind, delivery.attempts) == (
        "sent",
        "ops-slack",
        "approval_needed",
        1,
    )
    assert outbox.run_once() == (0, 0)  # sent once: nothing more
    assert len(slack.to(POST_MESSAGE)) == 1


def test_an_override_that_ran_gets_an_undo_button(plane: ControlPlane, outbox: Outbox, slack: Peer) -> None:
    action = overridden(plane)
    message = deliver(outbox, slack, action.id)
    assert message["text"] == "Ran with an undo window: send_email by bot"
    found = buttons(message)
    assert set(found) == {"undo"}
    assert found["undo"]["value"] == f"undo:{action.id}"
    assert "undo until" in fields(message)
    [delivery] = plane.store.outbox_list()
    assert (delivery.kind, delivery.status) == ("override_executed", "sent")


def test_agent_text_cannot_mention_or_link_in_slack(plane: ControlPlane, outbox: Outbox, slack: Peer) -> None:
    action = hold(
        plane,
        agent="<!here> bot",
        reasoning="ping <@U123> and <!channel>, then open <https://evil.example|your invoice> & pay",
        args={"note": "<https://evil.example/2|click>"},
    )
    message = deliver(outbox, slack, action.id)
    injected = ("<@U123>", "<!channel>", "<!here>", "<https://evil")
    # mrkdwn text, and the top-level text (the notification's fallback, which Slack also parses), escape it all
    for kind, text in [*texts(message["blocks"]), ("mrkdwn", message["text"])]:
        if kind == "mrkdwn":
            assert not any(bad in text for bad in injected), text
    shown = fields(message)
    assert shown["reasoning"] == (
        "ping &lt;@U123&gt; and &lt;!channel&gt;, then open &lt;https://evil.example|your invoice&gt; &amp; pay"
    )
    assert shown["agent"] == "&lt;!here&gt; bot"
    assert "&lt;https://evil.example/2|click&gt;" in shown["arguments"]
    assert buttons(message)["approve"]["value"] == f"approve:{action.id}"


# -- interactivity ---------------------------------------------------------------------------------------------


def test_approve_from_slack_is_recorded_under_the_mapped_reviewer(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["alice"], approve)
    assert response.status_code == 200

    after = plane.get(action.id)
    assert after.status is Status.APPROVED
    assert after.decision is not None
    assert after.decision.by == "alice"
    assert [a.by for a in after.approvals] == ["alice"]
    [event] = since(plane, mark)
    assert (event.kind, event.actor, event.body["note"]) == ("action.approved", "human:alice", "approved from Slack")

    update = presser.update(path)
    assert update["replace_original"] is True
    assert update["text"] == "alice approved it — now approved"
    assert not buttons(update)  # the buttons are gone: it cannot be pressed again
    assert {"type": "mrkdwn", "text": "alice approved it — now approved"} in [
        e for b in update["blocks"] if b["type"] == "context" for e in b["elements"]
    ]
    assert fields(update)["tool"] == "transfer_funds"


def test_reject_from_slack(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("bob", Role.REVIEWER)
    action = hold(plane)
    reject = buttons(deliver(outbox, slack, action.id))["reject"]

    response, path = presser.press(PEOPLE["bob"], reject)
    assert response.status_code == 200
    after = plane.get(action.id)
    assert after.status is Status.REJECTED
    assert after.decision is not None
    assert (after.decision.kind, after.decision.by) == ("reject", "bob")
    update = presser.update(path)
    assert update["text"] == "bob rejected it — now rejected"
    assert not buttons(update)


def test_undo_from_slack_requests_the_undo(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = overridden(plane)
    undo = buttons(deliver(outbox, slack, action.id))["undo"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["alice"], undo)
    assert response.status_code == 200
    after = plane.get(action.id)
    assert after.status is Status.UNDO_REQUESTED
    assert after.undo is not None
    assert after.undo.by == "alice"
    assert [(e.kind, e.actor) for e in since(plane, mark)] == [("action.undo_requested", "human:alice")]
    update = presser.update(path)
    assert update["text"] == "alice asked to undo it — now undo_requested"
    assert not buttons(update)


# -- refusals --------------------------------------------------------------------------------------------------


def test_a_forged_signature_is_refused(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    body, _, path = presser.request(PEOPLE["alice"], approve)
    mark = head(plane)

    response = post(server, body, signed(body, int(plane.clock.now().timestamp()), secret="not-the-app-secret"))
    assert response.status_code == 401
    assert_refused_only(plane, mark, action, "does not match")
    assert slack.to(path) == []

    # the same body with a valid signature over other bytes (a tampered payload) is refused too
    tampered = body.replace(b"UALICE01", b"UBOB0002")
    mark = head(plane)
    assert post(server, tampered, signed(body, int(plane.clock.now().timestamp()))).status_code == 401
    assert_refused_only(plane, mark, action, "does not match")


def test_a_stale_request_is_refused_by_the_planes_clock(
    plane: ControlPlane, clock: FakeClock, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    body, headers, path = presser.request(PEOPLE["alice"], approve)  # signed at the plane's "now"
    clock.advance(timedelta(minutes=5, seconds=1))
    action = plane.get(action.id)
    mark = head(plane)

    response = post(server, body, headers)
    assert response.status_code == 401
    assert_refused_only(plane, mark, action, "stale")
    assert slack.to(path) == []

    # signed with a timestamp from the future is no better
    mark = head(plane)
    ahead = int(clock.now().timestamp()) + 301
    assert post(server, body, signed(body, ahead)).status_code == 401
    assert_refused_only(plane, mark, action, "stale")


@pytest.mark.parametrize("missing", ["both", "X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_an_unsigned_request_is_refused(
    missing: str, plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    body, headers, path = presser.request(PEOPLE["alice"], approve)
    if missing == "both":
        headers = {"Content-Type": headers["Content-Type"]}
    else:
        del headers[missing]
    mark = head(plane)

    assert post(server, body, headers).status_code == 401
    assert_refused_only(plane, mark, action, "not signed")
    assert slack.to(path) == []


def test_a_slack_user_who_is_not_in_notify_people_is_refused(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press("UNOBODY99", approve)
    assert response.status_code == 200
    refused = assert_refused_only(plane, mark, action, "not a reviewer")
    assert refused.body["slack_user"] == "UNOBODY99"
    assert refused.action_id == action.id
    update = presser.update(path)
    assert update["text"] == "You are not a Tether reviewer: nothing was done."
    assert not buttons(update)


def test_a_person_whose_token_was_revoked_is_refused(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    server.issuer.revoke("alice", by="test")
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["alice"], approve)
    assert response.status_code == 200
    assert assert_refused_only(plane, mark, action, "not a reviewer").body["slack_user"] == PEOPLE["alice"]
    assert presser.update(path)["text"] == "You are not a Tether reviewer: nothing was done."


def test_a_viewer_may_not_decide_from_slack(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("vera", Role.VIEWER)
    action = hold(plane)
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["vera"], approve)
    assert response.status_code == 200
    refused = assert_refused_only(plane, mark, action, "vera (viewer) may not decide")
    assert refused.body["slack_user"] == PEOPLE["vera"]
    update = presser.update(path)
    assert update["text"].startswith("vera could not approve: vera (viewer) may not decide")


def test_a_reviewer_outside_the_tools_group_may_not_decide(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("dave", Role.REVIEWER, ("support",))
    server.token("fiona", Role.REVIEWER, ("finance",))
    action = hold(plane, tool="pay_invoice")
    assert action.reviewers == "finance"
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["dave"], approve)
    assert response.status_code == 200
    assert_refused_only(plane, mark, action, "reviewer group 'finance'")
    assert presser.update(path)["text"].startswith("dave could not approve")

    response, path = presser.press(PEOPLE["fiona"], approve)  # someone in the group can
    assert response.status_code == 200
    after = plane.get(action.id)
    assert after.status is Status.APPROVED
    assert after.decision is not None
    assert after.decision.by == "fiona"
    assert presser.update(path)["text"] == "fiona approved it — now approved"


def test_the_agent_may_not_approve_its_own_action_from_slack(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("bot", Role.REVIEWER)  # even holding a reviewer token under the agent's name
    action = hold(plane, agent="bot")
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    mark = head(plane)

    response, path = presser.press(PEOPLE["bot"], approve)
    assert response.status_code == 200
    assert_refused_only(plane, mark, action, "proposed action")
    assert presser.update(path)["text"].startswith("bot could not approve: 'bot' proposed action")


# -- duplicates ------------------------------------------------------------------------------------------------


def test_a_delivery_slack_retries_is_acted_on_once(
    plane: ControlPlane, clock: FakeClock, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    server.token("bob", Role.REVIEWER)
    action = hold(plane, tool="wire_large")
    assert action.verdict.quorum == 2
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    body, headers, path = presser.request(PEOPLE["alice"], approve)
    mark = head(plane)

    first = post(server, body, headers)
    again = post(server, body, headers)  # the very same request (a retry, or a double delivery)
    clock.advance(2)
    resigned = post(server, body, {**signed(body, int(clock.now().timestamp())), "X-Slack-Retry-Num": "1"})
    assert (first.status_code, again.status_code, resigned.status_code) == (200, 200, 200)

    after = plane.get(action.id)
    assert after.status is Status.PENDING  # one approval of the two it needs
    assert [a.by for a in after.approvals] == ["alice"]
    assert [(e.kind, e.actor) for e in since(plane, mark)] == [("action.approved", "human:alice")]
    assert len(slack.to(path)) == 1  # and the message was updated once

    # another distinct approver completes the quorum
    response, path = presser.press(PEOPLE["bob"], approve)
    assert response.status_code == 200
    done = plane.get(action.id)
    assert done.status is Status.APPROVED
    assert [a.by for a in done.approvals] == ["alice", "bob"]
    assert presser.update(path)["text"] == "bob approved it — now approved"


def test_a_second_press_by_the_same_reviewer_does_not_count_twice(
    plane: ControlPlane, outbox: Outbox, slack: Peer, server: LiveServer, presser: Presser
) -> None:
    server.token("alice", Role.REVIEWER)
    action = hold(plane, tool="wire_large")
    approve = buttons(deliver(outbox, slack, action.id))["approve"]
    assert presser.press(PEOPLE["alice"], approve)[0].status_code == 200
    pending = plane.get(action.id)
    mark = head(plane)

    response, path = presser.press(PEOPLE["alice"], approve)  # a new click (another action_ts), not a retry
    assert response.status_code == 200
    assert plane.get(action.id) == pending
    assert since(plane, mark) == []  # not a refusal: the action's state says no, and the message says why
    assert "alice has already approved" in presser.update(path)["text"]

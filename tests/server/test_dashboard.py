"""The dashboard over HTTP: login and sessions, CSRF and origin checks, roles, and what each page shows.

The browser suite (tests/browser) drives the same pages in chromium; these tests pin the server's side of every
rule, including the ones a browser would never let a person break. They call the app in process (no socket):
the browser suite covers the pages over real HTTP.
"""

from __future__ import annotations

import html
import re
import shlex
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cli_runner import tether
from databases import sqlite_url
from serving import AppServer, log_in

from tether import Policy
from tether.clock import FakeClock
from tether.model import Action, Approve, Edit, Reject, Respond, Role, Status, ToolCall
from tether.plane import ControlPlane
from tether.store import open_store

POLICY = {
    "tools": {
        "transfer_funds": {"risk": "critical", "reversible": "no", "quorum": 2},
        "refund": {"risk": "high", "reversible": "no", "reviewers": "finance"},
        "send_email": {"risk": "medium", "reversible": "yes", "window": "10m"},
        "lookup": {"risk": "low", "reversible": "yes"},
    },
    "limits": [{"id": "email-burst", "tool": "send_email", "max": 2, "per": "1h"}],
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock) -> Iterator[AppServer]:
    plane = ControlPlane(Policy.from_dict(POLICY), open_store(sqlite_url(tmp_path / "dash.db")), clock=clock)
    app = AppServer(plane, sweep_interval=0)
    yield app
    app.stop()
    plane.store.close()


class Browser:
    """A person at a browser: a cookie jar, the Origin a browser sends, and the page's CSRF token."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.http = server.client()
        self.origin = {"Origin": server.url}
        self.csrf = ""

    def login(self, name: str, role: Role, groups: tuple[str, ...] = ()) -> Browser:
        response = log_in(self.http, self.server.token(name, role, groups), origin=self.server.url)
        assert response.status_code == 303, response.text
        self.page("/inbox")
        return self

    def page(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        found = re.search(r'name="csrf-token" content="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, **fields: str) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **fields}, headers=self.origin)


def held(plane: ControlPlane, tool: str = "transfer_funds", **args: object) -> Action:
    call = ToolCall(tool=tool, args=args or {"account": "A-1", "amount": 50}, agent="bot", reasoning="refund due")
    action = plane.submit(call)
    assert action.status is Status.PENDING
    return action


def test_pages_need_a_login_and_send_the_visitor_back_after_it(server: AppServer) -> None:
    http = server.client()
    response = http.get("/activity?agent=bot")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/activity%3Fagent%3Dbot")
    login = log_in(http, server.token("alice", Role.REVIEWER), origin=server.url, next="/activity?agent=bot")
    assert login.status_code == 303
    assert login.headers["location"] == "/activity?agent=bot"
    cookie = next(c for c in login.headers.get_list("set-cookie") if c.startswith("tether_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert http.get("/activity?agent=bot").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_to_another_site(server: AppServer, target: str) -> None:
    http = server.client()
    login = log_in(http, server.token("alice", Role.REVIEWER), origin=server.url, next=target)
    assert login.headers["location"] == "/inbox"


def test_the_login_pages_hint_is_a_command_that_makes_a_token_that_logs_in(server: AppServer, tmp_path: Path) -> None:
    page = server.client().get("/login").text
    hint = html.unescape(re.search(r"<code>(tether token create[^<]*)</code>", page).group(1))  # type: ignore[union-attr]
    args = shlex.split(hint.replace("NAME", "newcomer"))[1:]
    made = tether(tmp_path, "--db", server.plane.store.url, *args)
    assert made.returncode == 0, made.stderr
    secret = re.search(r"tth_\S+", made.stdout).group(0)  # type: ignore[union-attr]
    login = log_in(server.client(), secret, origin=server.url)
    assert login.headers["location"] == "/inbox"


def test_bad_and_agent_tokens_cannot_log_in(server: AppServer) -> None:
    http = server.client()
    bad = log_in(http, "tth_nope_nope", origin=server.url)
    assert bad.status_code == 401
    assert "not valid" in bad.text
    assert not any(c.startswith("tether_session=") for c in bad.headers.get_list("set-cookie"))
    agent = log_in(http, server.token("bot", Role.AGENT), origin=server.url)
    assert agent.status_code == 403
    assert "agent token" in agent.text


def test_a_forged_or_tampered_session_cookie_is_refused(server: AppServer) -> None:
    person = Browser(server).login("alice", Role.REVIEWER)
    cookie = person.http.cookies["tether_session"]
    token_id, expires, signature = cookie.split(".")
    for forged in (
        f"{token_id}.{int(expires) + 10_000}.{signature}",  # a longer life
        f"{token_id}.{expires}.{'0' * 64}",
        "garbage",
    ):
        http = server.client(cookies={"tether_session": forged})
        assert http.get("/inbox").status_code == 303


def test_sessions_expire_and_end_when_the_token_is_revoked(server: AppServer, clock: FakeClock) -> None:
    person = Browser(server).login("alice", Role.REVIEWER)
    clock.advance(timedelta(hours=11))
    assert person.page("/inbox").status_code == 200
    clock.advance(timedelta(hours=2))
    expired = person.page("/inbox")
    assert expired.status_code == 303
    assert "expired" in expired.headers["location"]
    other = Browser(server).login("bob", Role.REVIEWER)
    server.issuer.revoke("bob", by="admin")
    assert other.page("/inbox").status_code == 303


def test_logout_clears_the_cookie(server: AppServer) -> None:
    person = Browser(server).login("alice", Role.REVIEWER)
    response = person.post("/logout")
    assert response.status_code == 303
    assert 'tether_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]


def test_every_page_renders_with_a_strict_content_security_policy(server: AppServer) -> None:
    action = held(server.plane)
    person = Browser(server).login("alice", Role.ADMIN)
    for path in (
        "/inbox",
        "/inbox?partial=1",
        f"/actions/{action.id}",
        "/windows",
        "/activity",
        "/audit",
        "/audit?verify=1",
        "/alerts",
        "/charts",
        "/shadow",
        "/shadow?by=tool",
        "/lanes",
    ):
        response = person.page(path)
        assert response.status_code == 200, (path, response.text[:500])
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "<script>" not in response.text  # no inline script anywhere: the CSP would refuse it anyway


def test_reading_pages_changes_nothing(server: AppServer) -> None:
    action = held(server.plane)
    person = Browser(server).login("alice", Role.ADMIN)
    head = server.plane.audit_head()
    for path in ("/inbox", f"/actions/{action.id}", "/windows", "/alerts", "/lanes", "/audit?verify=1"):
        person.page(path)
    assert server.plane.audit_head() == head
    assert person.http.get(f"/actions/{action.id}/decide").status_code in (404, 405)


def test_approve_from_the_dashboard_records_the_reviewer(server: AppServer) -> None:
    action = held(server.plane)
    alice = Browser(server).login("alice", Role.REVIEWER)
    response = alice.post(f"/actions/{action.id}/decide", kind="approve", next="/inbox")
    assert response.status_code == 303
    assert "approved" in response.headers["location"]
    assert server.plane.get(action.id).approvals == (Approve(by="alice"),)
    page = alice.page("/inbox").text
    assert "1 of 2 approvals (alice)" in page  # quorum progress
    bob = Browser(server).login("bob", Role.REVIEWER)
    bob.post(f"/actions/{action.id}/decide", kind="approve", note="checked the ledger")
    assert server.plane.get(action.id).status is Status.APPROVED


def test_reject_and_respond_carry_the_text_to_the_agent(server: AppServer) -> None:
    first, second = held(server.plane), held(server.plane, amount=9)
    alice = Browser(server).login("alice", Role.REVIEWER)
    alice.post(f"/actions/{first.id}/decide", kind="reject", note="wrong account")
    alice.post(f"/actions/{second.id}/decide", kind="respond", message="ask the customer first")
    assert server.plane.get(first.id).decision == Reject(by="alice", note="wrong account")
    assert server.plane.get(second.id).decision == Respond(by="alice", message="ask the customer first")
    empty = held(server.plane, amount=3)
    refused = alice.post(f"/actions/{empty.id}/decide", kind="respond", message="  ")
    assert refused.status_code == 422
    assert "needs a message" in refused.text


def test_an_edit_is_checked_against_the_call_and_a_bad_one_keeps_what_was_typed(server: AppServer) -> None:
    action = held(server.plane)
    alice = Browser(server).login("alice", Role.REVIEWER)
    for typed, problem in (
        ('{"account": "A-1", "amount": ', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"account": "A-1"}', "leaves out argument(s) amount"),
        ('{"account": "A-1", "amount": 5, "memo": "x"}', "adds argument(s) memo"),
        ('{"account": "A-1", "amount": "5"}', "'amount' must stay a number"),
    ):
        response = alice.post(f"/actions/{action.id}/decide", kind="edit", args=typed, note="my note")
        assert response.status_code == 422, typed
        assert problem in response.text.replace("&#39;", "'")
        assert typed.replace('"', "&#34;") in response.text  # the person's text is back in the editor
    assert server.plane.get(action.id).approvals == ()
    ok = alice.post(f"/actions/{action.id}/decide", kind="edit", args='{"account": "A-1", "amount": 40}')
    assert ok.status_code == 303
    assert server.plane.get(action.id).approvals == (Edit(by="alice", args={"account": "A-1", "amount": 40}),)
    detail = alice.page(f"/actions/{action.id}").text
    assert "Edited by a reviewer" in detail
    assert '<td class="del">50</td><td class="ins">40</td>' in detail


def test_state_changes_need_the_sessions_csrf_token_and_a_same_site_origin(server: AppServer) -> None:
    action = held(server.plane)
    alice = Browser(server).login("alice", Role.REVIEWER)
    without = alice.http.post(f"/actions/{action.id}/decide", data={"kind": "approve"}, headers=alice.origin)
    assert without.status_code == 403
    assert "CSRF" in without.text
    mallory = Browser(server).login("mallory", Role.REVIEWER)
    borrowed = alice.http.post(
        f"/actions/{action.id}/decide", data={"kind": "approve", "csrf_token": mallory.csrf}, headers=alice.origin
    )
    assert borrowed.status_code == 403
    foreign = alice.http.post(
        f"/actions/{action.id}/decide",
        data={"kind": "approve", "csrf_token": alice.csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert "another site" in foreign.text
    assert server.plane.get(action.id).approvals == ()


def test_viewers_see_no_decide_buttons_redacted_secrets_and_are_refused(server: AppServer) -> None:
    action = held(server.plane, account="A-1", amount=5, api_key="sk-live-123")
    viewer = Browser(server).login("victor", Role.VIEWER)
    page = viewer.page("/inbox").text
    assert "Approve" not in page
    assert "sk-live-123" not in page
    assert "[redacted]" in page
    detail = viewer.page(f"/actions/{action.id}").text
    assert "sk-live-123" not in detail
    refused = viewer.post(f"/actions/{action.id}/decide", kind="approve")
    assert refused.status_code == 403
    assert server.plane.get(action.id).approvals == ()
    reviewer_page = Browser(server).login("alice", Role.REVIEWER).page("/inbox").text
    assert "sk-live-123" in reviewer_page  # a reviewer decides on what will really run


def test_reviewer_groups_are_enforced(server: AppServer) -> None:
    action = held(server.plane, tool="refund", order="O-1", amount=20)
    outsider = Browser(server).login("alice", Role.REVIEWER)
    assert "Waiting for reviewer group finance" in outsider.page("/inbox").text
    assert outsider.post(f"/actions/{action.id}/decide", kind="approve").status_code == 403
    insider = Browser(server).login("fiona", Role.REVIEWER, ("finance",))
    assert insider.post(f"/actions/{action.id}/decide", kind="approve").status_code == 303
    assert server.plane.get(action.id).status is Status.APPROVED


def test_the_inbox_puts_urgent_items_first_and_shows_why_each_was_held(server: AppServer, clock: FakeClock) -> None:
    calm = held(server.plane)
    clock.advance(timedelta(minutes=1))
    urgent = server.plane.submit(
        ToolCall(tool="lookup", args={"q": "x"}, agent="bot", reasoning="not sure", confidence=0.5)
    )
    page = Browser(server).login("alice", Role.REVIEWER).page("/inbox").text
    assert page.index(urgent.id) < page.index(calm.id)
    assert "confidence 0.50" in page
    assert "2 waiting" in page
    assert "below" in page  # the confidence reason names the threshold
    assert "24h 0m left" in page or "23h 59m left" in page


def test_undo_inside_the_window_and_refused_after_it(server: AppServer, clock: FakeClock) -> None:
    plane = server.plane
    sent = plane.submit(ToolCall(tool="send_email", args={"to": "c@x"}, agent="bot"), worker="w")
    plane.finish(sent, result="sent")
    late = plane.submit(ToolCall(tool="send_email", args={"to": "d@x"}, agent="bot"), worker="w")
    plane.finish(late, result="sent")
    alice = Browser(server).login("alice", Role.REVIEWER)
    windows = alice.page("/windows").text
    assert sent.id in windows
    assert "10m 0s left" in windows
    assert alice.post(f"/actions/{sent.id}/undo", next="/windows").status_code == 303
    assert plane.get(sent.id).undo is not None
    clock.advance(timedelta(minutes=11))
    refused = alice.post(f"/actions/{late.id}/undo")
    assert refused.status_code == 409
    assert plane.get(late.id).undo is None


def test_breakers_and_unknown_actions_need_a_human(server: AppServer) -> None:
    plane = server.plane
    for n in range(3):  # the third email trips the burst limit
        plane.submit(ToolCall(tool="send_email", args={"to": f"c{n}@x"}, agent="bot"), worker="w")
    alice = Browser(server).login("alice", Role.REVIEWER)
    page = alice.page("/alerts").text
    assert "bot/send_email" in page
    assert "email-burst" in page
    assert "Close</button>" not in page  # reviewers see the breaker; admins close it
    assert alice.post("/breakers/close", lane="bot/send_email").status_code == 403
    admin = Browser(server).login("ada", Role.ADMIN)
    assert admin.post("/breakers/close", lane="bot/send_email").status_code == 303
    assert plane.breakers() == []


def test_activity_filters_and_audit_export(server: AppServer) -> None:
    first = held(server.plane)
    server.plane.submit(ToolCall(tool="lookup", args={"q": "x"}, agent="bot"), worker="w")
    alice = Browser(server).login("alice", Role.REVIEWER)
    alice.post(f"/actions/{first.id}/decide", kind="reject", note="no")
    by_reviewer = alice.page("/activity?reviewer=alice").text
    assert first.id in by_reviewer
    assert by_reviewer.count('<tr data-id="') == 1
    assert alice.page("/activity?mode=auto").text.count('<tr data-id="') == 1
    bad = alice.page("/activity?mode=sometimes&since=yesterday")
    assert bad.status_code == 422
    assert "mode: &#39;sometimes&#39; is not one of" in bad.text
    assert "since: &#39;yesterday&#39; is not a date" in bad.text
    export = alice.http.get("/audit/export")
    lines = export.text.splitlines()
    assert export.headers["content-disposition"].startswith("attachment")
    assert len(lines) == server.plane.audit_head().seq
    assert '"kind": "action.proposed"' in lines[0]


def test_lanes_can_be_demoted_by_admins_only(server: AppServer) -> None:
    held(server.plane)
    reviewer = Browser(server).login("alice", Role.REVIEWER)
    assert "bot/transfer_funds" in reviewer.page("/lanes").text
    assert reviewer.post("/lanes/move", lane="bot/lookup", move="demote").status_code == 403
    server.plane.submit(ToolCall(tool="lookup", args={"q": "x"}, agent="bot"), worker="w")
    admin = Browser(server).login("ada", Role.ADMIN)
    assert admin.post("/lanes/move", lane="bot/lookup", move="demote").status_code == 303
    assert server.plane.lane("bot/lookup").level.value == "override"


def test_sampled_runs_are_reviewed_from_the_lanes_page_and_over_the_api(tmp_path: Path) -> None:
    policy = Policy.from_dict({**POLICY, "autonomy": {"sample_rate": 1.0}})
    plane = ControlPlane(policy, open_store(sqlite_url(tmp_path / "samples.db")))
    live = AppServer(plane, sweep_interval=0)
    try:
        first = plane.submit(ToolCall(tool="lookup", args={"q": "a"}, agent="bot"), worker="w")
        plane.finish(first, result="found")
        second = plane.submit(ToolCall(tool="lookup", args={"q": "b"}, agent="bot"), worker="w")
        plane.finish(second, result="found")
        alice = Browser(live).login("alice", Role.REVIEWER)
        page = alice.page("/lanes").text
        assert "Runs sampled for review" in page
        assert first.id in page
        assert alice.post(f"/actions/{first.id}/review", ok="no").status_code == 422  # wrong needs a note
        assert alice.post(f"/actions/{first.id}/review", ok="no", note="wrong index").status_code == 303
        assert first.id not in alice.page("/lanes").text
        api = live.client(headers={"Authorization": f"Bearer {live.token('bob', Role.REVIEWER)}"})
        assert [a["action"]["id"] for a in api.get("/v1/samples").json()["actions"]] == [second.id]
        reviewed = api.post(f"/v1/actions/{second.id}/review", json={"ok": True})
        assert reviewed.status_code == 200, reviewed.text
        assert reviewed.json()["cases"] == 2
        assert reviewed.json()["accuracy"] == 0.5
        viewer = live.client(headers={"Authorization": f"Bearer {live.token('v', Role.VIEWER)}"})
        assert viewer.post(f"/v1/actions/{second.id}/review", json={"ok": True}).status_code == 403
    finally:
        live.stop()
        plane.store.close()


def test_activity_times_are_read_in_the_browsers_zone_and_paging_keeps_the_filters(server: AppServer) -> None:
    plane = server.plane
    for n in range(101):
        plane.submit(ToolCall(tool="lookup", args={"q": f"a&b {n}"}, agent="a&b"), worker="w")
    alice = Browser(server).login("alice", Role.REVIEWER)
    page = alice.page("/activity?agent=a%26b").text
    assert "agent=a%26b&amp;page=1" in page  # the filter survives into the next page's link
    assert alice.page("/activity?agent=a%26b&page=1").text.count('<tr data-id="') == 1
    # FakeClock starts at 2026-01-01T00:00Z; in a browser at UTC+2 that is 02:00 local
    assert alice.page("/activity?since=2026-01-01T01:59&tz=120").text.count('<tr data-id="') == 100
    assert alice.page("/activity?since=2026-01-01T02:01&tz=120").text.count('<tr data-id="') == 0


def test_the_action_page_shows_a_result_with_its_secrets_redacted(server: AppServer) -> None:
    plane = server.plane
    running = plane.submit(ToolCall(tool="lookup", args={"q": "x"}, agent="bot"), worker="w")
    plane.finish(running, result={"rows": 3, "session_cookie": "abc123", "password": "pw"})
    admin = Browser(server).login("ada", Role.ADMIN)
    page = html.unescape(admin.page(f"/actions/{running.id}").text)
    assert "abc123" not in page
    assert '"rows": 3' in page
    assert "[redacted]" in page

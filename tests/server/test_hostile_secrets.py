"""Secrets an attacker presents — a link's signature, a Slack signature, a session cookie, a CSRF token — may hold
any characters; every one of them is refused like any wrong secret (4xx), never a 500. And no code compares a
secret any other way than ``tether._secrets.same``, so the next endpoint cannot bring the crash back."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from databases import sqlite_url
from hypothesis import given
from hypothesis import strategies as st
from serving import AppServer, log_in

from tether import Policy, ToolCall
from tether._secrets import same
from tether.model import Role
from tether.plane import ControlPlane
from tether.store import open_store

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["é", "v0=ÿÿ", "\u202e", "ｂｏｔ", "x\u0085y", "\U0001f600"]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[AppServer]:
    policy = Policy.from_dict({"tools": {"wire": {"risk": "critical", "reversible": "no"}}})
    plane = ControlPlane(policy, open_store(sqlite_url(tmp_path / "hostile.db")))
    app = AppServer(plane, sweep_interval=0)
    yield app
    app.stop()
    plane.store.close()


@given(st.text(), st.text())
def test_same_is_true_only_for_equal_text_and_never_raises(expected: str, presented: str) -> None:
    assert same(expected, presented) is (expected == presented)
    assert same(expected, None) is False


def test_no_code_compares_secrets_but_through_same() -> None:
    callers = [
        path.relative_to(ROOT)
        for path in (ROOT / "tether").rglob("*.py")
        if "compare_digest" in path.read_text(encoding="utf-8") and path.name != "_secrets.py"
    ]
    assert callers == [], "compare secrets with tether._secrets.same (compare_digest raises on non-ASCII text)"


@pytest.mark.parametrize("value", HOSTILE)
def test_a_link_with_any_signature_is_refused_not_a_500(server: AppServer, value: str) -> None:
    client = server.client()
    for method in ("GET", "POST"):
        response = client.request(method, f"/links/abc.{value}")
        assert 400 <= response.status_code < 500, (method, response.status_code, response.text[:200])


@pytest.mark.parametrize("value", HOSTILE)
def test_a_slack_request_with_any_signature_is_refused_not_a_500(server: AppServer, value: str) -> None:
    headers = {"X-Slack-Request-Timestamp": "0", "X-Slack-Signature": value.encode("utf-8")}
    response = server.client().post("/slack/interactions", content=b"payload=%7B%7D", headers=headers)
    assert response.status_code != 500, response.text[:200]
    assert response.status_code >= 400


@pytest.mark.parametrize("value", HOSTILE)
def test_a_session_cookie_or_csrf_token_with_any_characters_is_refused_not_a_500(server: AppServer, value: str) -> None:
    anonymous = server.client()
    cookie = f"tether_session=t.9999999999.{value}".encode()
    assert anonymous.get("/inbox", headers={"Cookie": cookie}).status_code in (303, 401)
    browser = server.client()
    origin = {"Origin": server.url}
    logged_in = log_in(browser, server.token("alice", Role.REVIEWER), origin=server.url)
    assert logged_in.status_code == 303, logged_in.text
    page = browser.get("/inbox").text
    assert re.search(r'name="csrf-token" content="([^"]+)"', page)
    forged = browser.post("/logout", data={"csrf_token": value}, headers=origin)
    assert forged.status_code == 403, forged.text[:200]


def test_no_page_loads_scripts_from_a_cdn(server: AppServer) -> None:
    client = server.client()
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_the_session_cookie_is_secure_behind_a_tls_proxy(tmp_path: Path) -> None:
    policy = Policy.from_dict(
        {"tools": {"wire": {"risk": "critical", "reversible": "no"}}, "notify": {"base_url": "https://tether.example"}}
    )
    plane = ControlPlane(policy, open_store(sqlite_url(tmp_path / "tls.db")))
    app = AppServer(plane, sweep_interval=0)
    try:
        http = app.client()  # speaks http to the app, as a TLS-terminating proxy does; the browser is on https
        form = http.get("/login")
        login_cookie = form.headers["set-cookie"]
        assert "secure" in login_cookie.lower()
        pair = login_cookie.split(";")[0]
        field = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        assert field
        fields = {"token": app.token("alice", Role.REVIEWER), "login_csrf": field.group(1)}
        response = http.post("/login", data=fields, headers={"Origin": app.url, "Cookie": pair})
        assert response.status_code == 303
        session = next(c for c in response.headers.get_list("set-cookie") if c.startswith("tether_session="))
        assert "secure" in session.lower()
    finally:
        app.stop()
        plane.store.close()


def test_a_login_posted_without_the_forms_anti_forgery_token_is_refused(server: AppServer) -> None:
    """Login CSRF: another site cannot log a visitor into the attacker's account (it has no matching pair of the
    form's hidden field and the /login cookie)."""
    http = server.client()
    forged = http.post("/login", data={"token": server.token("mallory", Role.REVIEWER)}, headers={"Origin": server.url})
    assert forged.status_code == 403
    assert "the login form expired" in forged.text
    assert not any(c.startswith("tether_session=") for c in forged.headers.get_list("set-cookie"))
    assert log_in(server.client(), server.token("alice", Role.REVIEWER), origin=server.url).status_code == 303


def test_a_link_sent_before_a_reviewers_access_was_revoked_stays_dead_after_a_new_token(tmp_path: Path) -> None:
    """Links name a person, not a credential: revoking alice's token and giving her a new one must not bring back
    the links mailed to her before the revocation (a lost phone's mailbox, say); links sent since work."""
    from tether import FakeClock
    from tether.notify._keys import LINK_SECRET
    from tether.notify._signing import LinkSigner

    clock = FakeClock()
    policy = Policy.from_dict({"tools": {"wire": {"risk": "high", "reversible": "no"}}})
    plane = ControlPlane(policy, open_store(sqlite_url(tmp_path / "links.db")), clock=clock)
    app = AppServer(plane, sweep_interval=0)
    try:
        app.token("alice", Role.REVIEWER)
        action = plane.submit(ToolCall(tool="wire", args={"amount": 5}, agent="bot"))
        signer = LinkSigner(plane.store.secret(LINK_SECRET))
        expires = int(clock.now().timestamp()) + 3600
        old = signer.make(action.id, "alice", "reject", expires, issued=clock.now().timestamp())
        clock.advance(timedelta(seconds=5))
        app.issuer.revoke("alice", by="ada")
        app.issuer.issue("alice", Role.REVIEWER, (), by="ada")  # alice is back, with a new token
        clock.advance(timedelta(seconds=5))
        http = app.client()
        refused = http.get(f"/links/{old}")
        assert refused.status_code == 403
        assert "sent before alice's access was revoked" in html.unescape(refused.text)
        fresh = signer.make(action.id, "alice", "reject", expires, issued=clock.now().timestamp())
        assert http.get(f"/links/{fresh}").status_code == 200
    finally:
        app.stop()
        plane.store.close()


def test_logging_out_ends_the_session_on_the_server_not_only_in_the_browser(server: AppServer) -> None:
    browser = server.client()
    assert log_in(browser, server.token("alice", Role.REVIEWER), origin=server.url).status_code == 303
    cookie = browser.cookies["tether_session"]  # as a stolen or copied cookie would be
    page = browser.get("/inbox").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert csrf
    assert server.client(cookies={"tether_session": cookie}).get("/inbox").status_code == 200
    out = browser.post("/logout", data={"csrf_token": csrf.group(1)}, headers={"Origin": server.url})
    assert out.status_code == 303
    replayed = server.client(cookies={"tether_session": cookie}).get("/inbox")
    assert replayed.status_code == 303
    assert replayed.headers["location"].startswith("/login")

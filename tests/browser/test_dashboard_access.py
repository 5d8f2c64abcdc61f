"""Who may do what from a browser: logging in, roles, CSRF tokens and the origin check."""

from __future__ import annotations

from typing import Any

from browsing import Dashboard
from playwright.sync_api import Page, expect

from tether.model import Role, Status

# A same-origin fetch from the page itself, with the session cookie, answering (status, body). Redirects are not
# followed: a refused change must be refused, not bounced somewhere that answers 200.
POST = """async ([path, fields, headers]) => {
  const response = await fetch(path, {method: "POST", body: new URLSearchParams(fields), headers, redirect: "manual"});
  return [response.status, await response.text()];
}"""


def post(page: Page, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, str]:
    status, body = page.evaluate(POST, [path, fields, headers or {}])
    return status, body


def csrf(page: Page) -> str:
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token
    return token


def unchanged(dash: Dashboard, action_id: str, version: int) -> None:
    action = dash.plane.get(action_id)
    assert action.status is Status.PENDING
    assert action.approvals == ()
    assert action.version == version
    assert [e.kind for e in dash.plane.timeline(action_id)] == ["action.proposed"]


def test_a_form_post_carries_this_sites_origin(dash: Dashboard) -> None:
    """The origin check refuses ``Origin: null``; the pages' referrer policy must not make the browser send it."""
    page = dash.page()
    page.goto("/login")
    page.fill("#token", dash.server.token("alice", Role.REVIEWER))
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/login")) as sent:
        page.get_by_role("button", name="Log in").click()
    assert sent.value.headers.get("origin") == dash.url
    expect(page.locator("header .who")).to_contain_text("alice reviewer")


def test_a_viewer_reads_the_inbox_but_has_no_decide_buttons_and_its_posts_are_refused(dash: Dashboard) -> None:
    action = dash.submit(args={"account": "ACME-1", "amount": 500, "api_token": "sk-live-123"})
    page = dash.login("victor", Role.VIEWER)
    card = page.locator(f'#inbox .card[data-id="{action.id}"]')
    expect(card).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("You are a viewer: you can read, not decide.")
    expect(card.locator("pre.json")).to_contain_text('"api_token": "[redacted]"')  # viewers see secrets redacted
    expect(card.locator("pre.json")).not_to_contain_text("sk-live-123")
    for name in ("Approve", "Reject…", "Edit…", "Respond…", "Approve with edits"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.locator("form[action*='/decide']")).to_have_count(0)
    page.keyboard.press("a")  # the shortcut has nothing to submit
    expect(card).to_be_visible()

    page.goto(f"/actions/{action.id}")
    expect(page.locator("article")).to_contain_text("transfer_funds")
    expect(page.locator("article form")).to_have_count(0)

    version = dash.plane.get(action.id).version
    status, body = post(page, f"/actions/{action.id}/decide", {"kind": "approve", "csrf_token": csrf(page)})
    assert status == 403
    assert f"victor (viewer) may not decide action {action.id}" in body
    status, _ = post(
        page, f"/actions/{action.id}/decide", {"kind": "reject", "note": "no"}, {"X-CSRF-Token": csrf(page)}
    )
    assert status == 403
    unchanged(dash, action.id, version)


def test_a_viewer_cannot_undo(dash: Dashboard) -> None:
    action = dash.executed()
    page = dash.login("victor", Role.VIEWER, to="/windows")
    row = page.locator(f'tr[data-id="{action.id}"]')
    expect(row).to_be_visible()
    expect(row.get_by_role("button")).to_have_count(0)
    status, body = post(page, f"/actions/{action.id}/undo", {"csrf_token": csrf(page)})
    assert status == 403
    assert "may not decide" in body
    after = dash.plane.get(action.id)
    assert after.status is Status.EXECUTED
    assert after.undo is None


def test_an_agent_token_cannot_log_in(dash: Dashboard) -> None:
    page = dash.page()
    page.goto("/login")
    page.fill("#token", dash.server.token("bot", Role.AGENT))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()
    assert answer.value.status == 403
    expect(page.locator("p.error")).to_have_text("bot is an agent token: agents act over the API, people log in here")
    assert [c for c in page.context.cookies() if c["name"] == "tether_session"] == []
    page.goto("/inbox")
    expect(page).to_have_url(f"{dash.url}/login?next=/inbox&flash=please%20log%20in")
    expect(page.locator(".flash")).to_have_text("please log in")


def test_a_bad_token_shows_an_error(dash: Dashboard) -> None:
    good = dash.server.token("alice", Role.REVIEWER)
    page = dash.page()
    page.goto("/login")
    for wrong in ("tth_nonsense", good[:-2] + ("xx" if not good.endswith("xx") else "yy")):
        page.fill("#token", wrong)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("p.error")).to_have_text(
            "that token is not valid (it may have been revoked); ask an admin for one"
        )
        expect(page).to_have_url(f"{dash.url}/login")
        assert [c for c in page.context.cookies() if c["name"] == "tether_session"] == []


def test_login_returns_to_the_page_asked_for_and_logout_ends_the_session(dash: Dashboard) -> None:
    action = dash.submit()
    page = dash.page()
    page.goto(f"/actions/{action.id}")
    expect(page).to_have_url(f"{dash.url}/login?next=/actions/{action.id}&flash=please%20log%20in")
    page.fill("#token", dash.server.token("alice", Role.REVIEWER))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{dash.url}/actions/{action.id}")
    cookie = next(c for c in page.context.cookies() if c["name"] == "tether_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # out of reach of scripts

    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".flash")).to_have_text("logged out")
    assert [c for c in page.context.cookies() if c["name"] == "tether_session"] == []
    page.goto("/inbox")
    expect(page).to_have_url(f"{dash.url}/login?next=/inbox&flash=please%20log%20in")


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(dash: Dashboard) -> None:
    action = dash.submit()
    executed = dash.executed()
    page = dash.login()
    version = dash.plane.get(action.id).version
    attempts: list[tuple[str, dict[str, Any]]] = [
        (f"/actions/{action.id}/decide", {"kind": "approve"}),
        (f"/actions/{action.id}/decide", {"kind": "approve", "csrf_token": ""}),
        (f"/actions/{action.id}/decide", {"kind": "approve", "csrf_token": "0" * 64}),
        (f"/actions/{action.id}/decide", {"kind": "reject", "note": "forged"}),
        (f"/actions/{executed.id}/undo", {}),
    ]
    for path, fields in attempts:
        status, body = post(page, path, fields)
        assert status == 403, (path, fields)
        assert "the form&#39;s CSRF token is missing or stale" in body or "CSRF token is missing or stale" in body
    unchanged(dash, action.id, version)
    assert dash.plane.get(executed.id).status is Status.EXECUTED

    # a form whose token was stripped, submitted the ordinary way, lands on a page saying why
    page.locator(f'.card[data-id="{action.id}"] form.approve input[name="csrf_token"]').evaluate("i => i.remove()")
    page.locator(f'.card[data-id="{action.id}"]').get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("p.error")).to_contain_text("CSRF token is missing or stale; reload the page and try again")
    unchanged(dash, action.id, version)

    # with the token, the same session's post goes through
    status, _ = post(page, f"/actions/{action.id}/decide", {"kind": "approve", "csrf_token": csrf(page)})
    assert status == 0  # an opaque redirect: the 303 back to the inbox
    assert dash.plane.get(action.id).status is Status.APPROVED


def test_a_post_from_another_origin_is_refused_even_with_the_token(dash: Dashboard) -> None:
    action = dash.submit()
    page = dash.login()
    version = dash.plane.get(action.id).version
    for origin in ("http://evil.example", "null"):
        answer = page.request.post(
            f"/actions/{action.id}/decide",
            form={"kind": "approve", "csrf_token": csrf(page)},
            headers={"Origin": origin},
            max_redirects=0,
        )
        assert answer.status == 403, answer.text()
        assert "it was refused" in answer.text()
    unchanged(dash, action.id, version)


def test_one_reviewer_cannot_decide_their_own_proposal(dash: Dashboard) -> None:
    action = dash.submit(agent="alice")
    page = dash.login("alice")
    page.locator(f'.card[data-id="{action.id}"]').get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("p.error")).to_contain_text("'alice' proposed action")
    assert dash.plane.get(action.id).status is Status.PENDING

"""The inbox refreshes itself: actions arrive and leave without a reload, and never under a reviewer's fingers."""

from __future__ import annotations

from browsing import Dashboard
from playwright.sync_api import Page, expect

from tether.model import Approve, Status

# Runs before the page's own script: keeps a copy of each "changed" event the live stream delivers, so a test knows
# the page has heard of a change (the dashboard's listener runs right after this one, in the same dispatch).
HEAR_LIVE_EVENTS = """
(() => {
  const Original = window.EventSource;
  window.__heard = [];
  window.EventSource = function (url, options) {
    const source = new Original(url, options);
    source.addEventListener("changed", (e) => window.__heard.push(JSON.parse(e.data)));
    return source;
  };
  window.EventSource.prototype = Original.prototype;
})();
"""


def mark(page: Page) -> list[str]:
    """Set a marker a navigation would wipe, and count navigations from now on."""
    page.evaluate("window.__stayed = 'yes'")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    return navigations


def test_a_new_held_action_appears_in_the_open_inbox_without_a_reload(dash: Dashboard) -> None:
    page = dash.login()
    expect(page.locator(".empty")).to_contain_text("Nothing waits for a human")
    navigations = mark(page)

    action = dash.submit(args={"account": "ACME-9", "amount": 42})
    arrived = page.locator(f'#inbox .card[data-id="{action.id}"]')
    expect(arrived).to_be_visible()
    expect(arrived.locator("pre.json")).to_contain_text('"account": "ACME-9"')
    expect(page.locator("#inbox-count")).to_have_text("1 waiting")
    expect(page.locator(".empty")).to_have_count(0)
    expect(arrived).to_have_class("card selected")  # ready for the keys
    assert page.evaluate("window.__stayed") == "yes"
    assert navigations == []

    auto = dash.submit("classify_ticket", {"ticket": "T-1"})  # ran at once: nothing for the inbox
    assert auto.status is Status.RUNNING
    second = dash.submit(args={"account": "ACME-10", "amount": 43})
    expect(page.locator(f'#inbox .card[data-id="{second.id}"]')).to_be_visible()
    expect(page.locator("#inbox .card")).to_have_count(2)

    dash.plane.decide(action.id, Approve(by="bob"))  # decided elsewhere: it leaves this inbox too
    expect(arrived).to_have_count(0)
    expect(page.locator("#inbox-count")).to_have_text("1 waiting")
    assert page.evaluate("window.__stayed") == "yes"
    assert navigations == []
    # The selected card is gone: nothing is selected in its place, so "a" cannot approve what was never looked at.
    expect(page.locator("#inbox-notice")).to_contain_text("decided by someone else")
    expect(page.locator("#inbox .card.selected")).to_have_count(0)
    page.keyboard.press("a")
    assert dash.plane.get(second.id).status is Status.PENDING

    page.keyboard.press("j")  # the keys work on what arrived live, once the reviewer picks it
    expect(page.locator(f'#inbox .card[data-id="{second.id}"]')).to_have_class("card selected")
    expect(page.locator("#inbox-notice")).to_have_text("")
    page.keyboard.press("a")
    expect(page.locator(".flash")).to_contain_text(f"approved {second.id}")
    assert dash.plane.get(second.id).status is Status.APPROVED


def test_a_refresh_waits_while_the_reviewer_is_typing(dash: Dashboard) -> None:
    first = dash.submit()
    page = dash.login()
    page.add_init_script(HEAR_LIVE_EVENTS)
    page.reload()
    navigations = mark(page)
    refreshes: list[str] = []
    page.on("request", lambda r: refreshes.append(r.url) if "partial=1" in r.url else None)
    page.keyboard.press("r")
    note = page.locator(f'#inbox .card[data-id="{first.id}"] details.reject textarea')
    expect(note).to_be_focused()
    note.type("Not this account")

    later = dash.submit(args={"account": "ACME-2", "amount": 7})
    head = dash.plane.audit_head().seq
    page.wait_for_function("seq => window.__heard.some(e => e.seq >= seq)", arg=head)
    # the page has heard of the new action, but holds the refresh while the reviewer types
    count = page.locator("#inbox-count")
    expect(count).to_have_text("1 waiting")
    expect(note).to_have_value("Not this account")
    expect(note).to_be_focused()
    assert refreshes == []

    page.locator(f'#inbox .card[data-id="{first.id}"] details.reject summary').click()  # closes the form
    expect(page.locator(f'#inbox .card[data-id="{later.id}"]')).to_be_visible()
    expect(count).to_have_text("2 waiting")
    assert navigations == []
    assert dash.plane.get(first.id).status is Status.PENDING


def test_an_open_inbox_whose_session_ended_goes_to_the_login_page(dash: Dashboard) -> None:
    page = dash.login()
    other_tab = page.context.new_page()  # the same browser, so the same cookie
    other_tab.goto("/inbox")
    other_tab.get_by_role("button", name="Log out").click()
    expect(other_tab.locator(".flash")).to_have_text("logged out")

    dash.submit()  # the first tab's stream announces it; its refresh finds the session gone
    expect(page).to_have_url(f"{dash.url}/login?next=/inbox&flash=please%20log%20in")
    expect(page.locator("#inbox")).to_have_count(0)
    expect(page.locator("form[action='/login']")).to_have_count(1)  # the login page itself, not inside the inbox

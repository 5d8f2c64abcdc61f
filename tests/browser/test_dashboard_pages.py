"""Every page with something on it: it renders, fits a phone, and its own controls work (breakers, crashed runs,
lanes, filters, the audit chain)."""

from __future__ import annotations

import json
import re

import pytest
from browsing import Dashboard
from playwright.sync_api import expect

from tether.model import Mode, Role, Status
from tether.store import ActionFilter


@pytest.fixture
def busy(dash: Dashboard) -> Dashboard:
    """A plane with something on every page: held calls, an open window, a tripped breaker, a crashed run, history,
    shadow cases."""
    dash.submit(args={"account": "ACME-1", "amount": 500})
    dash.submit("wire_abroad", {"iban": "DE89370400440532013000", "amount": 25_000}, confidence=0.5)
    dash.executed()
    for n in range(4):  # the fourth status post in an hour is held and opens the breaker
        posted = dash.submit("post_status", {"text": f"update {n}"})
        if posted.status is Status.RUNNING:
            dash.plane.finish(posted, result="posted")
    crashed = dash.submit("classify_ticket", {"ticket": "T-7"})
    assert crashed.status is Status.RUNNING
    dash.clock.advance(dash.plane.lease.total_seconds() + 1)
    dash.plane.sweep()  # its worker never came back: unknown
    assert dash.plane.get(crashed.id).status is Status.UNKNOWN
    for n, desk_refunded in enumerate([True, True, False]):  # the desk agreed twice, and once did nothing
        dash.plane.record_agent(f"T-{n}", agent="bot", tool="refund_order", args={"order": f"O-{n}"})
        dash.plane.record_human(
            f"T-{n}", tool="refund_order" if desk_refunded else None, args={"order": f"O-{n}"}, by="desk"
        )
    return dash


PAGES = ["/inbox", "/windows", "/activity", "/audit", "/alerts", "/charts", "/shadow", "/lanes"]


def test_every_page_renders_and_fits_a_phone_screen(busy: Dashboard) -> None:
    held = busy.plane.pending()[0]
    page = busy.login("ada", Role.ADMIN, width=390)
    page.goto("/shadow")
    expect(page.locator("main")).to_contain_text("3 compared cases · agreement 66.7%")
    for path in [*PAGES, f"/actions/{held.id}", "/login"]:
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == 200, path
        expect(page.locator("main h1")).to_be_visible()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"{path} is {wide}px wide on a 390px screen"
    page.goto("/windows")  # on a phone the Undo button of an open window is on screen, not off to the side
    undo = page.locator("tr[data-id]").get_by_role("button", name="Undo")
    expect(undo).to_be_in_viewport()


def test_an_admin_closes_a_breaker_from_the_alerts_page(busy: Dashboard) -> None:
    assert [(b.agent, b.tool) for b in busy.plane.breakers()] == [("bot", "post_status")]
    reviewer = busy.login("alice", to="/alerts")
    expect(reviewer.locator("section", has_text="Open breakers")).to_contain_text("limit status-burst")
    expect(reviewer.get_by_role("button", name="Close")).to_have_count(0)  # reviewers do not close breakers

    admin = busy.login("ada", Role.ADMIN, to="/alerts")
    breakers = admin.locator("section", has_text="Open breakers")
    expect(breakers).to_contain_text("bot/post_status")
    expect(breakers).to_contain_text("at most 3 calls per 1h 0m (post_status)")
    breakers.get_by_role("button", name="Close").click()
    expect(admin.locator(".flash")).to_have_text("breaker of bot/post_status closed")
    expect(admin.locator("section", has_text="Open breakers")).to_contain_text("No breaker is open.")
    assert busy.plane.breakers() == []


def test_a_reviewer_settles_an_action_a_crash_left_unknown(busy: Dashboard) -> None:
    page = busy.login(to="/alerts")
    card = page.locator("section", has_text="Unknown: crashed mid-run").locator(".card")
    expect(card).to_have_count(1)
    action_id = card.get_attribute("data-id")
    assert action_id
    expect(card).to_contain_text("classify_ticket by bot")
    card.locator("input[name=note]").fill("no ticket T-7 in the classifier's log")
    card.get_by_role("button", name="It did not run").click()

    expect(page.locator(".flash")).to_have_text(f"{action_id} settled: failed")
    expect(page.locator("section", has_text="Unknown: crashed mid-run")).to_contain_text("No action is in doubt.")
    settled = busy.plane.get(action_id)
    assert settled.status is Status.FAILED
    assert settled.error is not None
    assert "no ticket T-7 in the classifier's log" in settled.error


def test_an_admin_demotes_a_lane(busy: Dashboard) -> None:
    page = busy.login("ada", Role.ADMIN, to="/lanes")
    lane = page.locator('section.lane[data-lane="bot/send_email"]')
    expect(lane.locator("h2 .badge")).to_have_text("override")
    lane.get_by_role("button", name="Demote one level").click()
    expect(page.locator(".flash")).to_have_text("bot/send_email is now at approve")
    expect(page.locator('section.lane[data-lane="bot/send_email"] h2 .badge')).to_have_text("approve")
    report = next(r for r in busy.plane.lanes() if r.lane == "bot/send_email")
    assert report.level is Mode.APPROVE
    held = busy.submit("send_email", {"to": "bo@example.com", "body": "hi"})  # and its next call waits for a human
    assert held.status is Status.PENDING

    reviewer = busy.login("alice", to="/lanes")
    expect(reviewer.locator("section.lane").first).to_be_visible()
    expect(reviewer.get_by_role("button", name="Demote one level")).to_have_count(0)


def test_activity_filters_and_says_what_is_wrong_with_a_filter(busy: Dashboard) -> None:
    page = busy.login(to="/activity")
    rows = page.locator("table.activity tr[data-id]")
    expect(rows).to_have_count(len(busy.plane.actions(ActionFilter(limit=1000))))
    page.fill("input[name=tool]", "post_status")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"tool=post_status"))
    expect(rows).to_have_count(4)
    for text in rows.locator("td:nth-child(3)").all_inner_texts():
        assert text == "post_status"
    page.select_option("select[name=mode]", "approve")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)  # the one the breaker held

    answer = page.goto("/activity?since=yesterday&mode=sometimes")
    assert answer is not None
    assert answer.status == 422
    errors = page.locator("p.error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("mode: 'sometimes' is not one of")
    expect(errors.nth(1)).to_have_text("since: 'yesterday' is not a date and time (use YYYY-MM-DDTHH:MM)")


def test_the_audit_page_verifies_the_chain_and_exports_it(busy: Dashboard) -> None:
    page = busy.login(to="/audit")
    head = busy.plane.audit_head()
    expect(page.locator(".chain")).to_contain_text(f"Head: event #{head.seq}, hash {head.hash}")
    page.get_by_role("link", name="Verify the whole chain").click()
    expect(page.locator(".chain p.ok")).to_have_text(f"Verified: {head.seq} events, the chain is intact.")

    page.fill("input[name=kind]", "breaker.")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.audit tr:has(td)")).to_have_count(1)
    expect(page.locator("table.audit")).to_contain_text("breaker.opened")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export as JSON Lines").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["seq"] for e in events] == list(range(1, head.seq + 1))

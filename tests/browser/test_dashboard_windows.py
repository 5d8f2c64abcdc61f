"""Override windows in the browser: undo while the window is open, refusal once it has closed, veto of a deferred
run."""

from __future__ import annotations

import re
from datetime import timedelta

from browsing import Dashboard
from playwright.sync_api import expect

from tether.model import Status, ToolCall


def test_undo_inside_the_override_window(dash: Dashboard) -> None:
    action = dash.executed()
    assert action.status is Status.EXECUTED
    page = dash.login(to="/windows")
    row = page.locator(f'tr[data-id="{action.id}"]')
    expect(row.locator(".countdown")).to_have_text(re.compile(r"^[45]m \d+s left$"))
    expect(row).to_contain_text("ann@example.com")
    row.get_by_role("button", name="Undo").click()

    expect(page.locator(".flash")).to_have_text(f"undo of {action.id}: undo_requested")
    expect(row).to_have_count(0)  # no longer an open window
    history = page.locator("section.panel", has_text="History").locator("tr", has_text="send_email")
    expect(history.locator(".status")).to_have_text("undo_requested")
    expect(history).to_contain_text("alice")
    asked = dash.plane.get(action.id)
    assert asked.status is Status.UNDO_REQUESTED
    assert asked.undo is not None
    assert asked.undo.by == "alice"

    # the process that registered the tool runs its compensator
    dash.plane.finish_undo(dash.plane.claim_undo(asked, worker="w"), result="recalled")
    page.reload()
    expect(history.locator(".status")).to_have_text("undone")
    assert dash.plane.get(action.id).status is Status.UNDONE
    page.goto(f"/actions/{action.id}")
    expect(page.locator("article")).to_contain_text("Undo asked by alice")
    expect(page.locator(".timeline")).to_contain_text("action.undo_requested by human:alice")
    expect(page.locator(".timeline")).to_contain_text("action.undone by system")


def test_undo_after_the_window_closed_is_refused_even_if_the_button_is_forced(dash: Dashboard) -> None:
    action = dash.executed()
    page = dash.login()
    page.clock.install()  # the browser's clock, so its countdown can be moved with the server's
    page.goto("/windows")
    row = page.locator(f'tr[data-id="{action.id}"]')
    undo = row.get_by_role("button", name="Undo")
    expect(undo).to_be_enabled()
    before = dash.plane.get(action.id)

    dash.clock.advance(timedelta(minutes=6))  # the 5 minute window closes, for the server
    page.clock.fast_forward("06:00")  # and for the page
    expect(row.locator(".countdown")).to_have_text("window closed")
    expect(undo).to_be_disabled()

    undo.evaluate("b => b.removeAttribute('disabled')")  # a stale tab, or someone forcing it
    undo.click()
    expect(page.locator("p.error")).to_contain_text(f"the undo window of action {action.id} closed at")
    after = dash.plane.get(action.id)
    assert after.status is Status.EXECUTED
    assert after.undo is None
    assert after.version == before.version
    assert not [e for e in dash.plane.timeline(action.id) if e.kind.startswith("action.undo")]

    page.goto(f"/actions/{action.id}")  # the action's own page offers no undo any more
    expect(page.locator("article")).to_contain_text("send_email")
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)
    page.goto("/windows")
    expect(page.locator(f'tr[data-id="{action.id}"]')).to_have_count(0)
    expect(page.locator("section.panel", has_text="Open windows")).to_contain_text("No override window is open.")


def test_a_deferred_run_is_vetoed_before_it_runs(dash: Dashboard) -> None:
    dash.clock.advance(1)
    call = ToolCall(tool="send_email", args={"to": "all@example.com", "body": "Sale!"}, agent="bot", confidence=0.9)
    action = dash.plane.submit(call, has_undo=False)  # no compensator: it waits out its window instead
    assert action.status is Status.DEFERRED
    page = dash.login(to="/windows")
    row = page.locator(f'tr[data-id="{action.id}"]')
    expect(row).to_contain_text("runs in")
    row.get_by_role("button", name="Veto").click()

    expect(page.locator(".flash")).to_have_text(f"undo of {action.id}: vetoed")
    expect(row).to_have_count(0)
    vetoed = dash.plane.get(action.id)
    assert vetoed.status is Status.VETOED
    assert vetoed.undo is not None
    assert vetoed.undo.by == "alice"

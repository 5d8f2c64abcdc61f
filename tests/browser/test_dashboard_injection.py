"""Agents' text is untrusted: markup, script URLs and template syntax in arguments, reasoning and reviewers' notes
show up as the literal text they are, on every page that shows them, and nothing runs."""

from __future__ import annotations

import json

import pytest
from browsing import Dashboard
from playwright.sync_api import Page, expect

from tether.model import Respond, Status

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=alert(1)></svg>"
LINK = "javascript:window.__pwned=1"
TEMPLATE = "{{ 7*7 }}"
RAW = "{% raw %}"
CLOSE = "</textarea></pre></blockquote>" + SCRIPT  # tries to break out of the element it is shown in
QUOTE = '" autofocus onfocus="window.__pwned=1'  # tries to break out of an attribute

ARGS = {
    "to": SCRIPT,
    "body": f"Hello {IMG} {SVG}",
    "website": LINK,
    "subject": f"{TEMPLATE} {RAW} {{{{ config }}}}",
    "footer": CLOSE,
    "name": QUOTE,
}
REASONING = f"Because {SCRIPT} and {IMG}; see {LINK}. Total: {TEMPLATE} {RAW}"


def assert_inert(page: Page, dialogs: list[str]) -> None:
    """Nothing the agent wrote became markup or ran."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.locator("img").count() == 0  # no page of ours shows an image; least of all one with src=x
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("svg[onload], [onerror], [onfocus], [autofocus]").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    scripts = page.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))")
    assert scripts == ["/static/tether.js"]  # our own script, and no other


@pytest.fixture
def planted(dash: Dashboard) -> str:
    action = dash.submit("transfer_funds", ARGS, reasoning=REASONING, subject=f"ticket {SCRIPT}")
    assert action.status is Status.PENDING
    return action.id


def test_the_inbox_shows_injected_text_literally(dash: Dashboard, planted: str) -> None:
    page = dash.login()
    card = page.locator(f'#inbox .card[data-id="{planted}"]')
    expect(card).to_be_visible()
    # exactly the JSON the agent sent, character for character
    expect(card.locator("pre.json")).to_have_text(json.dumps(ARGS, indent=2, ensure_ascii=False, sort_keys=True))
    expect(card.locator("blockquote.reasoning")).to_have_text(REASONING)
    text = page.locator("main").inner_text()
    for literal in (SCRIPT, IMG, LINK, TEMPLATE, RAW, SVG):
        assert literal in text
    assert "49" not in card.locator(".card-body").inner_text()
    assert_inert(page, dash.watch.dialogs)

    page.keyboard.press("e")  # the JSON editor holds the same text, and parses it
    editor = card.locator("details.edit textarea")
    expect(editor).to_be_focused()
    assert json.loads(editor.input_value()) == ARGS
    expect(card.locator("details.edit .editor-status")).to_have_text("")
    expect(card.get_by_role("button", name="Approve with edits")).to_be_enabled()
    assert_inert(page, dash.watch.dialogs)


def test_the_action_page_and_the_lists_show_injected_text_literally(dash: Dashboard, planted: str) -> None:
    answer = f"Do not send {IMG} to {SCRIPT}; {TEMPLATE}"
    dash.plane.decide(planted, Respond(by="bob", message=answer))
    page = dash.login(to=f"/actions/{planted}")
    article = page.locator("article")
    expect(article.locator("pre.json").first).to_have_text(
        json.dumps(ARGS, indent=2, ensure_ascii=False, sort_keys=True)
    )
    expect(article.locator("blockquote.reasoning")).to_have_text(REASONING)
    expect(article).to_contain_text(f"Decision: respond by bob — “{answer}”")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(SCRIPT)
    expect(timeline).to_contain_text(TEMPLATE)
    assert "49" not in article.locator(".card-body").inner_text()
    assert_inert(page, dash.watch.dialogs)

    for path in ("/activity", "/audit", "/audit?kind=action.", "/windows", "/alerts", "/charts", "/lanes", "/shadow"):
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert_inert(page, dash.watch.dialogs)
    page.goto("/audit")
    expect(page.locator("table.audit")).to_contain_text(SCRIPT)
    expect(page.locator("table.audit")).to_contain_text(TEMPLATE)


def test_injected_text_in_a_decision_form_is_sent_back_literally(dash: Dashboard, planted: str) -> None:
    page = dash.login()
    page.keyboard.press("r")
    note = f"{SCRIPT} {TEMPLATE} {QUOTE}"
    page.locator(f'#inbox .card[data-id="{planted}"] details.reject textarea').fill(note)
    page.locator(f'#inbox .card[data-id="{planted}"] details.reject').get_by_role("button", name="Reject").click()
    expect(page.locator(".flash")).to_contain_text(f"rejected {planted}")
    decision = dash.plane.get(planted).decision
    assert decision is not None
    assert decision.note == note  # type: ignore[union-attr]
    page.goto(f"/actions/{planted}")
    expect(page.locator("article")).to_contain_text(f"Decision: reject by alice — “{note}”")
    assert_inert(page, dash.watch.dialogs)


def test_a_flash_message_in_the_url_is_text(dash: Dashboard) -> None:
    page = dash.login()
    page.goto(f"/inbox?flash={IMG}{SCRIPT}")
    expect(page.locator(".flash")).to_have_text(f"{IMG}{SCRIPT}")
    assert_inert(page, dash.watch.dialogs)
    page.goto("/login?next=javascript:window.__pwned=1")  # an unsafe next is replaced by the inbox
    expect(page.locator('input[name="next"]')).to_have_value("/inbox")

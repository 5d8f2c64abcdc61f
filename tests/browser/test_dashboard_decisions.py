"""Deciding held actions in the browser: approve, edit, reject, respond — by button and by keyboard."""

from __future__ import annotations

import json

from browsing import Dashboard
from playwright.sync_api import Locator, Page, expect

from tether.model import Edit, Reject, Respond, Role, Status


def card(page: Page, action_id: str) -> Locator:
    return page.locator(f'#inbox .card[data-id="{action_id}"]')


def test_approve_with_the_button_takes_the_action_out_of_the_inbox(dash: Dashboard) -> None:
    action = dash.submit()
    page = dash.login()
    expect(page.locator("#inbox-count")).to_have_text("1 waiting")
    card(page, action.id).get_by_role("button", name="Approve", exact=True).click()

    expect(page.locator(".flash")).to_contain_text(f"approved {action.id} (transfer_funds): now approved")
    expect(card(page, action.id)).to_have_count(0)
    expect(page.locator("#inbox-count")).to_have_text("0 waiting")
    done = dash.plane.get(action.id)
    assert done.status is Status.APPROVED
    assert [d.by for d in done.approvals] == ["alice"]


def test_j_moves_the_selection_and_a_approves_the_selected_action(dash: Dashboard) -> None:
    first = dash.submit(args={"account": "ACME-1", "amount": 100})
    second = dash.submit(args={"account": "ACME-2", "amount": 200})
    page = dash.login()
    expect(card(page, first.id)).to_have_class("card selected")  # the top card is selected on load

    page.keyboard.press("j")
    expect(card(page, second.id)).to_have_class("card selected")
    expect(card(page, first.id)).to_have_class("card")
    page.keyboard.press("a")

    expect(page.locator(".flash")).to_contain_text(f"approved {second.id}")
    expect(card(page, second.id)).to_have_count(0)
    expect(card(page, first.id)).to_be_visible()
    assert dash.plane.get(second.id).status is Status.APPROVED
    assert dash.plane.get(first.id).status is Status.PENDING

    page.keyboard.press("k")  # k and a on the one card left
    page.keyboard.press("a")
    expect(card(page, first.id)).to_have_count(0)
    assert dash.plane.get(first.id).status is Status.APPROVED


def test_a_quorum_of_two_needs_two_different_reviewers(dash: Dashboard) -> None:
    action = dash.submit("wire_abroad", {"iban": "DE89370400440532013000", "amount": 25_000})
    alice = dash.login("alice")
    card(alice, action.id).get_by_role("button", name="Approve", exact=True).click()
    expect(alice.locator(".flash")).to_contain_text("now pending")
    expect(card(alice, action.id).locator(".quorum")).to_have_text("1 of 2 approvals (alice)")
    assert dash.plane.get(action.id).status is Status.PENDING

    alice.keyboard.press("a")  # the same reviewer again: refused, and the page says why
    expect(alice.locator("p.error")).to_contain_text("alice has already approved")
    assert len(dash.plane.get(action.id).approvals) == 1

    bob = dash.login("bob")
    card(bob, action.id).get_by_role("button", name="Approve", exact=True).click()
    expect(card(bob, action.id)).to_have_count(0)
    done = dash.plane.get(action.id)
    assert done.status is Status.APPROVED
    assert [d.by for d in done.approvals] == ["alice", "bob"]


def test_e_opens_the_json_editor_which_checks_names_and_types_and_applies_the_edit(dash: Dashboard) -> None:
    action = dash.submit(args={"account": "ACME-1", "amount": 500})
    page = dash.login()
    page.keyboard.press("e")
    editor = card(page, action.id).locator("details.edit textarea.json-editor")
    expect(editor).to_be_focused()
    submit = card(page, action.id).get_by_role("button", name="Approve with edits")
    status = card(page, action.id).locator("details.edit .editor-status")
    expect(submit).to_be_enabled()
    assert json.loads(editor.input_value()) == {"account": "ACME-1", "amount": 500}

    editor.fill('{"account": "ACME-1", "amount": 50')
    expect(status).to_contain_text("not valid JSON")
    expect(submit).to_be_disabled()
    expect(editor).to_have_class("json-editor invalid")

    editor.fill('{"acount": "ACME-1", "amount": 50}')
    expect(status).to_have_text("argument “account” is missing")
    expect(submit).to_be_disabled()

    editor.fill('{"account": "ACME-1", "amount": 50, "memo": "x"}')
    expect(status).to_have_text("argument “memo” was not in the call")
    expect(submit).to_be_disabled()

    editor.fill('{"account": "ACME-1", "amount": "50"}')
    expect(status).to_have_text("“amount” must stay a number")
    expect(submit).to_be_disabled()

    editor.fill('{"account": "ACME-1", "amount": 50}')
    expect(status).to_have_text("")
    expect(submit).to_be_enabled()
    card(page, action.id).locator("details.edit input[name=note]").fill("50 is the agreed figure")
    submit.click()

    expect(page.locator(".flash")).to_contain_text(f"edited {action.id}")
    expect(card(page, action.id)).to_have_count(0)
    done = dash.plane.get(action.id)
    assert done.status is Status.APPROVED
    assert isinstance(done.decision, Edit)
    assert done.decision.args == {"account": "ACME-1", "amount": 50}
    assert done.decision.note == "50 is the agreed figure"
    assert done.run_args == {"account": "ACME-1", "amount": 50}
    assert done.call.args == {"account": "ACME-1", "amount": 500}

    page.goto(f"/actions/{action.id}")
    rows = page.locator("table.diff tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("td")).to_have_text(["amount", "500", "50"])
    expect(page.locator("table.diff td.del")).to_have_text("500")
    expect(page.locator("table.diff td.ins")).to_have_text("50")
    expect(page.locator(".timeline")).to_contain_text("action.edited by human:alice")


def test_an_edit_the_script_would_stop_is_refused_by_the_server_and_kept_for_fixing(dash: Dashboard) -> None:
    action = dash.submit(args={"account": "ACME-1", "amount": 500})
    page = dash.login()
    page.keyboard.press("e")
    editor = card(page, action.id).locator("details.edit textarea.json-editor")
    editor.fill('{"account": "ACME-1", "amount": 50, "memo": "sneaky"}')
    submit = card(page, action.id).get_by_role("button", name="Approve with edits")
    expect(submit).to_be_disabled()
    submit.evaluate("b => b.removeAttribute('disabled')")  # as if the script had not run
    submit.click()

    expect(page.locator("p.error")).to_have_text("the edit adds argument(s) memo: the tool was not called with them")
    kept = page.locator("#kept-edit")
    expect(kept).to_have_value('{"account": "ACME-1", "amount": 50, "memo": "sneaky"}')
    expect(page.locator("#kept-edit ~ .editor-status, .edit-form:has(#kept-edit) .editor-status")).to_contain_text(
        "“memo” was not in the call"
    )
    still = dash.plane.get(action.id)
    assert still.status is Status.PENDING
    assert still.approvals == ()

    kept.fill('{"account": "ACME-1", "amount": 75}')  # fixed in place, sent again from the kept editor
    page.locator(".edit-form:has(#kept-edit)").get_by_role("button", name="Approve with edits").click()
    expect(page.locator(".flash")).to_contain_text(f"edited {action.id}")
    done = dash.plane.get(action.id)
    assert isinstance(done.decision, Edit)
    assert done.decision.args == {"account": "ACME-1", "amount": 75}


def test_r_opens_the_reject_form_and_the_note_reaches_the_plane(dash: Dashboard) -> None:
    keep = dash.submit(args={"account": "ACME-1", "amount": 100})
    action = dash.submit(args={"account": "ACME-2", "amount": 9_999})
    page = dash.login()
    page.keyboard.press("j")
    page.keyboard.press("r")
    note = card(page, action.id).locator("details.reject textarea[name=note]")
    expect(note).to_be_focused()
    page.keyboard.type("Over the limit; split it into two payments.")  # typing: the keys are not shortcuts now
    expect(note).to_have_value("Over the limit; split it into two payments.")
    assert dash.plane.get(keep.id).status is Status.PENDING  # the "a" in the note approved nothing
    card(page, action.id).locator("details.reject").get_by_role("button", name="Reject").click()

    expect(page.locator(".flash")).to_contain_text(f"rejected {action.id} (transfer_funds): now rejected")
    expect(card(page, action.id)).to_have_count(0)
    done = dash.plane.get(action.id)
    assert done.status is Status.REJECTED
    assert done.decision == Reject(by="alice", note="Over the limit; split it into two payments.")
    assert dash.plane.get(keep.id).status is Status.PENDING

    page.goto(f"/actions/{action.id}")
    expect(page.locator("article")).to_contain_text("Decision: reject by alice — “Over the limit; split it into two")


def test_respond_sends_a_message_instead_of_running_the_tool(dash: Dashboard) -> None:
    action = dash.submit()
    page = dash.login(to=f"/actions/{action.id}")
    page.locator("details.respond summary").click()
    page.locator("details.respond textarea[name=message]").fill("Ask the customer for the invoice number first.")
    page.get_by_role("button", name="Send response").click()

    expect(page.locator(".flash")).to_contain_text(f"answered {action.id} (transfer_funds): now responded")
    assert page.url.startswith(f"{dash.url}/actions/{action.id}?flash=")  # back where the reviewer was
    done = dash.plane.get(action.id)
    assert done.status is Status.RESPONDED
    assert done.decision == Respond(by="alice", message="Ask the customer for the invoice number first.")
    expect(page.locator("article")).to_contain_text("Decision: respond by alice — “Ask the customer for the invoice")
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)  # settled: nothing to decide


def test_a_reviewer_outside_the_group_sees_who_must_decide(dash: Dashboard) -> None:
    action = dash.submit("pay_invoice", {"invoice": "INV-7", "amount": 120})
    outsider = dash.login("carol")
    expect(card(outsider, action.id)).to_contain_text("Waiting for reviewer group finance.")
    expect(card(outsider, action.id).get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    member = dash.login("dora", Role.REVIEWER, ("finance",))
    card(member, action.id).get_by_role("button", name="Approve", exact=True).click()
    expect(card(member, action.id)).to_have_count(0)
    assert dash.plane.get(action.id).status is Status.APPROVED

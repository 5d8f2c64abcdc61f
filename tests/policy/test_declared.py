"""A classification declared in agent code can only tighten what the policy says."""

from __future__ import annotations

from tether.model import Mode, Reversibility, Risk
from tether.policy import Declared

from .support import call, policy, seed_policy


def test_declaring_low_risk_on_a_critical_tool_changes_nothing() -> None:
    plain = seed_policy().evaluate(call("transfer_funds"))
    declared = seed_policy().evaluate(call("transfer_funds"), declared=Declared(risk=Risk.LOW))
    assert (declared.mode, declared.locked, declared.reasons) == (plain.mode, plain.locked, plain.reasons)


def test_declaring_a_tool_reversible_does_not_loosen_it() -> None:
    verdict = seed_policy().evaluate(
        call("send_user_notification"), declared=Declared(risk=Risk.LOW, reversible=Reversibility.YES)
    )
    assert verdict.mode is Mode.APPROVE


def test_declaring_critical_on_a_low_tool_gives_approve_and_locked() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), declared=Declared(risk=Risk.CRITICAL))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_declaring_a_tool_irreversible_tightens_it() -> None:
    verdict = seed_policy().evaluate(call("cancel_order"), declared=Declared(reversible=Reversibility.NO))
    assert verdict.mode is Mode.APPROVE


def test_a_declaration_that_tightens_raises_the_ceiling() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), declared=Declared(risk=Risk.CRITICAL))
    assert verdict.ceiling is Mode.APPROVE


def test_a_declaration_that_tightens_is_listed_in_the_reasons() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), declared=Declared(risk=Risk.CRITICAL))
    reason = verdict.reasons[-1]
    assert (reason.step, reason.mode) == ("declared", Mode.APPROVE)
    assert "critical" in reason.text


def test_an_empty_declaration_changes_nothing() -> None:
    plain = seed_policy().evaluate(call("cancel_order"))
    assert seed_policy().evaluate(call("cancel_order"), declared=Declared()) == plain


def test_declaring_low_risk_for_an_unknown_tool_keeps_it_held() -> None:
    verdict = seed_policy().evaluate(call("wire_money"), declared=Declared(risk=Risk.LOW, reversible=Reversibility.YES))
    assert verdict.mode is Mode.APPROVE


def test_declaring_critical_for_an_unknown_tool_locks_it() -> None:
    verdict = seed_policy().evaluate(call("wire_money"), declared=Declared(risk=Risk.CRITICAL))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_a_declaration_does_not_loosen_a_denied_unknown_tool() -> None:
    configured = policy('[defaults]\nunknown_tool = "deny"')
    verdict = configured.evaluate(call("wire_money"), declared=Declared(risk=Risk.LOW))
    assert verdict.mode is Mode.DENY

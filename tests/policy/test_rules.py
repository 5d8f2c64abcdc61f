"""Rules: CEL conditions over a call that force a stricter mode, never a looser one."""

from __future__ import annotations

import pytest

from tether.model import Mode, Urgency
from tether.policy import Policy

from .support import call, policy, seed_policy

REFUND_POLICY = """
[tools.refund]
risk = "low"
reversible = "partial"

[tools.classify_support_ticket]
risk = "low"
reversible = "yes"
"""


def refund_policy(rules: str) -> Policy:
    return policy(REFUND_POLICY + rules)


LARGE_REFUND = """
[[rules]]
id = "large-refund"
tool = "refund"
when = "args.amount > 1000"
mode = "approve"
"""


def test_a_rule_over_the_args_holds_a_call_it_matches() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 5000}))
    assert verdict.mode is Mode.APPROVE


def test_a_rule_does_not_touch_a_call_it_does_not_match() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 20}))
    assert verdict.mode is Mode.AUTO
    assert [r.step for r in verdict.reasons] == ["matrix"]


def test_a_rule_compares_a_float_argument_with_an_int_literal() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 1000.5}))
    assert verdict.mode is Mode.APPROVE


def test_a_rule_over_the_agent_holds_that_agents_calls() -> None:
    configured = refund_policy(
        '[[rules]]\nid = "intern"\nwhen = \'agent == "intern-bot"\'\nmode = "approve"',
    )
    assert configured.evaluate(call("refund", agent="intern-bot")).mode is Mode.APPROVE
    assert configured.evaluate(call("refund", agent="support-bot")).mode is Mode.AUTO


@pytest.mark.parametrize(
    ("when", "fields"),
    [
        ('tool == "refund"', {}),
        ('thread == "T-1"', {"thread": "T-1"}),
        ('subject.startsWith("VIP-")', {"subject": "VIP-42"}),
        ('reasoning.contains("angry")', {"reasoning": "the customer is angry"}),
        ("confidence < 0.9", {"confidence": 0.85}),
        ("confidence == null", {}),
    ],
)
def test_a_rule_sees_every_field_of_the_call(when: str, fields: dict[str, object]) -> None:
    configured = refund_policy(f'[[rules]]\nid = "r"\nwhen = \'{when}\'\nmode = "deny"')
    assert configured.evaluate(call("refund", **fields)).mode is Mode.DENY


@pytest.mark.parametrize("mode", [Mode.OVERRIDE, Mode.APPROVE, Mode.SHADOW, Mode.DENY])
def test_a_rule_can_force_any_stricter_mode(mode: Mode) -> None:
    configured = refund_policy(f'[[rules]]\nid = "r"\nwhen = "true"\nmode = "{mode.value}"')
    assert configured.evaluate(call("refund")).mode is mode


def test_a_rule_never_loosens_the_mode() -> None:
    configured = seed_policy('[[rules]]\nid = "relax"\nwhen = "true"\nmode = "auto"')
    verdict = configured.evaluate(call("transfer_funds"))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_a_looser_rule_does_not_undo_a_stricter_one() -> None:
    configured = refund_policy(
        '[[rules]]\nid = "strict"\nwhen = "true"\nmode = "deny"\n[[rules]]\nid = "relax"\nwhen = "true"\nmode = "auto"'
    )
    assert configured.evaluate(call("refund")).mode is Mode.DENY


def test_a_rule_for_one_tool_leaves_other_tools_alone() -> None:
    configured = refund_policy('[[rules]]\nid = "r"\ntool = "refund"\nwhen = "true"\nmode = "deny"')
    assert configured.evaluate(call("classify_support_ticket")).mode is Mode.AUTO


def test_a_rule_can_name_a_list_of_tools() -> None:
    configured = seed_policy(
        '[[rules]]\nid = "r"\ntool = ["cancel_order", "draft_marketing_email"]\nwhen = "true"\nmode = "deny"'
    )
    assert configured.evaluate(call("cancel_order")).mode is Mode.DENY
    assert configured.evaluate(call("draft_marketing_email")).mode is Mode.DENY
    assert configured.evaluate(call("classify_support_ticket")).mode is Mode.AUTO


def test_a_rule_without_a_tool_applies_to_every_tool() -> None:
    configured = seed_policy('[[rules]]\nid = "r"\nwhen = \'agent == "intern-bot"\'\nmode = "shadow"')
    for tool in ("classify_support_ticket", "cancel_order", "transfer_funds", "not_in_policy"):
        assert configured.evaluate(call(tool, agent="intern-bot")).mode is Mode.SHADOW


def test_the_reason_lists_the_rule_id() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 5000}))
    rule = verdict.reasons[-1]
    assert (rule.step, rule.ref, rule.mode) == ("rule", "large-refund", Mode.APPROVE)
    assert "large-refund" in rule.text


def test_the_reason_quotes_the_condition_when_the_rule_gives_no_reason() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 5000}))
    assert "args.amount > 1000" in verdict.reasons[-1].text


def test_the_reason_uses_the_rules_own_reason_when_it_has_one() -> None:
    configured = refund_policy(LARGE_REFUND + 'reason = "refunds over 1000 need a manager"')
    verdict = configured.evaluate(call("refund", args={"amount": 5000}))
    assert "refunds over 1000 need a manager" in verdict.reasons[-1].text


def test_a_rule_that_fails_at_run_time_holds_the_call() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={}))
    assert verdict.mode is Mode.APPROVE


def test_the_reason_for_a_failed_rule_says_it_could_not_be_evaluated() -> None:
    reason = refund_policy(LARGE_REFUND).evaluate(call("refund", args={})).reasons[-1]
    assert (reason.step, reason.ref) == ("rule", "large-refund")
    assert "could not be evaluated" in reason.text
    assert "amount" in reason.text


def test_a_rule_that_fails_on_a_type_mismatch_holds_the_call() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": "lots"}))
    assert verdict.mode is Mode.APPROVE


def test_a_failing_rule_does_not_loosen_a_stricter_mode() -> None:
    configured = policy('[tools.refund]\nrisk = "low"\nreversible = "yes"\n[matrix.low]\nyes = "deny"\n' + LARGE_REFUND)
    assert configured.evaluate(call("refund", args={})).mode is Mode.DENY


def test_a_rule_whose_condition_is_not_a_boolean_holds_the_call() -> None:
    # A condition that yields a number (a typo for "args.amount > 1000") cannot decide anything;
    # like a condition that fails, it must hold the call rather than let it run unchecked.
    configured = refund_policy('[[rules]]\nid = "typo"\ntool = "refund"\nwhen = "args.amount"\nmode = "approve"')
    assert configured.evaluate(call("refund", args={"amount": 5000})).mode is Mode.APPROVE


def test_a_rule_with_high_urgency_raises_the_urgency() -> None:
    configured = refund_policy(LARGE_REFUND + 'urgency = "high"')
    assert configured.evaluate(call("refund", args={"amount": 5000})).urgency is Urgency.HIGH


def test_a_rule_with_high_urgency_that_does_not_match_leaves_urgency_normal() -> None:
    configured = refund_policy(LARGE_REFUND + 'urgency = "high"')
    assert configured.evaluate(call("refund", args={"amount": 5})).urgency is Urgency.NORMAL


def test_a_rule_without_urgency_leaves_urgency_normal() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 5000}))
    assert verdict.urgency is Urgency.NORMAL


def test_a_rule_does_not_change_the_ceiling_of_the_lane() -> None:
    verdict = refund_policy(LARGE_REFUND).evaluate(call("refund", args={"amount": 5000}))
    assert verdict.ceiling is Mode.AUTO

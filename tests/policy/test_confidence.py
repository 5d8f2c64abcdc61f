"""Confidence: an agent that is unsure is held; one that is very unsure is held urgently."""

from __future__ import annotations

from tether.model import Mode, Urgency, Verdict

from .support import call, policy, seed_policy


def ticket(confidence: float | None, defaults: str = "") -> Verdict:
    configured = seed_policy(f"[defaults]\n{defaults}") if defaults else seed_policy()
    return configured.evaluate(call("classify_support_ticket", confidence=confidence))


def test_a_confident_call_is_not_escalated() -> None:
    verdict = ticket(0.95)
    assert verdict.mode is Mode.AUTO
    assert [r.step for r in verdict.reasons] == ["matrix"]


def test_confidence_below_escalate_below_escalates_to_approve() -> None:
    assert ticket(0.79).mode is Mode.APPROVE


def test_confidence_exactly_at_escalate_below_is_not_escalated() -> None:
    assert ticket(0.80).mode is Mode.AUTO


def test_confidence_between_the_thresholds_keeps_normal_urgency() -> None:
    verdict = ticket(0.70)
    assert (verdict.mode, verdict.urgency) == (Mode.APPROVE, Urgency.NORMAL)


def test_confidence_below_urgent_below_escalates_with_high_urgency() -> None:
    verdict = ticket(0.59)
    assert (verdict.mode, verdict.urgency) == (Mode.APPROVE, Urgency.HIGH)


def test_confidence_exactly_at_urgent_below_is_not_urgent() -> None:
    assert ticket(0.60).urgency is Urgency.NORMAL


def test_no_confidence_is_not_escalated() -> None:
    verdict = ticket(None)
    assert (verdict.mode, verdict.urgency) == (Mode.AUTO, Urgency.NORMAL)


def test_zero_confidence_is_escalated_urgently() -> None:
    verdict = ticket(0.0)
    assert (verdict.mode, verdict.urgency) == (Mode.APPROVE, Urgency.HIGH)


def test_escalate_below_is_configurable() -> None:
    assert ticket(0.85, "escalate_below = 0.9").mode is Mode.APPROVE
    assert ticket(0.75, "escalate_below = 0.7").mode is Mode.AUTO


def test_urgent_below_is_configurable() -> None:
    assert ticket(0.65, "urgent_below = 0.7").urgency is Urgency.HIGH
    assert ticket(0.45, "urgent_below = 0.3").urgency is Urgency.NORMAL


def test_the_reason_mentions_the_escalation_threshold() -> None:
    reason = ticket(0.70).reasons[-1]
    assert reason.step == "confidence"
    assert "0.70" in reason.text
    assert "0.80" in reason.text


def test_the_reason_for_an_urgent_escalation_mentions_the_urgent_threshold() -> None:
    reason = ticket(0.50).reasons[-1]
    assert "0.60" in reason.text
    assert "urgent" in reason.text


def test_the_reason_mentions_a_configured_threshold() -> None:
    assert "0.90" in ticket(0.85, "escalate_below = 0.9").reasons[-1].text


def test_the_reason_names_a_finely_configured_threshold_exactly() -> None:
    # With escalate_below = 0.855 and confidence 0.851 the reason must not read "0.85 is below 0.85".
    reason = ticket(0.851, "escalate_below = 0.855").reasons[-1]
    assert "0.855" in reason.text


def test_low_confidence_never_loosens_a_stricter_mode() -> None:
    configured = policy('[defaults]\nunknown_tool = "deny"')
    verdict = configured.evaluate(call("wire_money", confidence=0.1))
    assert verdict.mode is Mode.DENY


def test_low_confidence_raises_urgency_even_when_the_mode_is_already_approve() -> None:
    verdict = seed_policy().evaluate(call("transfer_funds", confidence=0.1))
    assert (verdict.mode, verdict.urgency) == (Mode.APPROVE, Urgency.HIGH)

"""The lane's autonomy level lowers the mode to at most that level, and never lifts it past the ceiling."""

from __future__ import annotations

from tether.model import LaneState, Mode

from .support import call, seed_policy


def test_an_approve_level_holds_an_auto_tool() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), LaneState(level=Mode.APPROVE))
    assert verdict.mode is Mode.APPROVE


def test_a_shadow_level_shadows_an_auto_tool() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), LaneState(level=Mode.SHADOW))
    assert verdict.mode is Mode.SHADOW


def test_the_level_reason_names_the_lane_and_the_level() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), LaneState(level=Mode.OVERRIDE))
    reason = verdict.reasons[-1]
    assert (reason.step, reason.ref, reason.mode) == ("level", "override", Mode.OVERRIDE)
    assert "support-bot/classify_support_ticket" in reason.text


def test_a_level_above_the_ceiling_does_not_lift_the_mode() -> None:
    verdict = seed_policy().evaluate(call("draft_marketing_email"), LaneState(level=Mode.AUTO))
    assert verdict.mode is Mode.OVERRIDE
    assert [r.step for r in verdict.reasons] == ["matrix"]


def test_a_level_never_loosens_a_locked_tool() -> None:
    verdict = seed_policy().evaluate(call("transfer_funds"), LaneState(level=Mode.AUTO))
    assert (verdict.mode, verdict.locked) == (Mode.APPROVE, True)


def test_a_level_does_not_change_the_ceiling() -> None:
    verdict = seed_policy().evaluate(call("classify_support_ticket"), LaneState(level=Mode.APPROVE))
    assert verdict.ceiling is Mode.AUTO


def test_by_default_a_lane_without_a_level_starts_at_the_ceiling() -> None:
    assert seed_policy().evaluate(call("classify_support_ticket")).mode is Mode.AUTO


def test_start_shadow_makes_a_lane_without_a_level_shadow() -> None:
    configured = seed_policy('[autonomy]\nstart = "shadow"')
    assert configured.evaluate(call("classify_support_ticket"), LaneState()).mode is Mode.SHADOW


def test_start_approve_holds_a_lane_without_a_level() -> None:
    configured = seed_policy('[autonomy]\nstart = "approve"')
    assert configured.evaluate(call("cancel_order")).mode is Mode.APPROVE


def test_start_does_not_lift_a_lane_past_its_ceiling() -> None:
    configured = seed_policy('[autonomy]\nstart = "override"')
    assert configured.evaluate(call("send_user_notification")).mode is Mode.APPROVE


def test_a_lane_with_its_own_level_ignores_the_start_setting() -> None:
    configured = seed_policy('[autonomy]\nstart = "shadow"')
    verdict = configured.evaluate(call("classify_support_ticket"), LaneState(level=Mode.NOTIFY))
    assert verdict.mode is Mode.NOTIFY

"""The fields of a verdict other than its mode: window, timeout, quorum, reviewers, alert."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tether.model import LaneState, Mode, Verdict

from .support import call, policy

TOOLS = """
[tools.send_email]
risk = "medium"
reversible = "yes"
window = "15m"

[tools.draft_marketing_email]
risk = "medium"
reversible = "yes"

[tools.transfer_funds]
risk = "critical"
reversible = "no"
quorum = 2
timeout = "4h"
on_timeout = "escalate"
escalate_to = "finance-leads"
reviewers = "finance"

[tools.delete_user_data]
risk = "critical"
reversible = "no"

[tools.classify_support_ticket]
risk = "low"
reversible = "yes"

[tools.cancel_order]
risk = "high"
reversible = "partial"
"""


def verdict(tool: str, extra: str = "", lane: LaneState | None = None) -> Verdict:
    return policy(TOOLS + extra).evaluate(call(tool), lane)


def test_an_override_gets_the_tools_window() -> None:
    assert verdict("send_email").window == timedelta(minutes=15)


def test_an_override_without_a_tool_window_gets_the_default_window_of_ten_minutes() -> None:
    assert verdict("draft_marketing_email").window == timedelta(minutes=10)


def test_the_default_window_is_configurable() -> None:
    assert verdict("draft_marketing_email", '[defaults]\nwindow = "1h"').window == timedelta(hours=1)


def test_a_call_that_is_not_an_override_has_no_window() -> None:
    assert verdict("send_email", lane=LaneState(level=Mode.APPROVE)).window is None
    assert verdict("classify_support_ticket").window is None


def test_a_lane_lowered_to_override_gets_the_default_window() -> None:
    assert verdict("classify_support_ticket", lane=LaneState(level=Mode.OVERRIDE)).window == timedelta(minutes=10)


def test_an_approval_gets_the_tools_timeout() -> None:
    assert verdict("transfer_funds").timeout == timedelta(hours=4)


def test_an_approval_without_a_tool_timeout_gets_the_default_timeout_of_a_day() -> None:
    assert verdict("delete_user_data").timeout == timedelta(hours=24)


def test_the_default_timeout_is_configurable() -> None:
    assert verdict("delete_user_data", '[defaults]\ntimeout = "2h"').timeout == timedelta(hours=2)


def test_an_unknown_tool_held_for_approval_gets_the_default_timeout() -> None:
    assert verdict("wire_money").timeout == timedelta(hours=24)


def test_a_call_that_is_not_held_has_no_timeout() -> None:
    assert verdict("send_email").timeout is None


def test_quorum_reviewers_and_on_timeout_come_from_the_tool() -> None:
    held = verdict("transfer_funds")
    assert (held.quorum, held.reviewers, held.on_timeout) == (2, "finance", "escalate")
    assert held.escalate_to == "finance-leads"


def test_a_tool_that_says_nothing_needs_one_reviewer_from_anyone_and_rejects_on_timeout() -> None:
    held = verdict("delete_user_data")
    assert (held.quorum, held.reviewers, held.on_timeout) == (1, None, "reject")


def test_an_unknown_tool_needs_one_reviewer_from_anyone() -> None:
    held = verdict("wire_money")
    assert (held.quorum, held.reviewers, held.on_timeout) == (1, None, "reject")


@pytest.mark.parametrize(
    ("tool", "extra", "mode", "alert"),
    [
        ("classify_support_ticket", "", Mode.AUTO, False),
        ("cancel_order", "", Mode.NOTIFY, True),
        ("send_email", "", Mode.OVERRIDE, True),
        ("transfer_funds", "", Mode.APPROVE, True),
        ("wire_money", '[defaults]\nunknown_tool = "shadow"', Mode.SHADOW, False),
        ("wire_money", '[defaults]\nunknown_tool = "deny"', Mode.DENY, False),
    ],
)
def test_alert_is_set_exactly_for_notify_override_and_approve(tool: str, extra: str, mode: Mode, alert: bool) -> None:
    result = verdict(tool, extra)
    assert (result.mode, result.alert) == (mode, alert)


def test_explain_lists_the_text_of_every_reason() -> None:
    result = verdict("classify_support_ticket", lane=LaneState(level=Mode.APPROVE))
    assert result.explain() == [r.text for r in result.reasons]
    assert len(result.explain()) == 2


def test_a_call_with_no_limits_has_no_charges_and_trips_nothing() -> None:
    result = verdict("send_email")
    assert (result.charges, result.trips) == ((), None)

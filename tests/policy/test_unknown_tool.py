"""A tool the policy does not know fails closed: it is never simply run."""

from __future__ import annotations

import pytest

from tether.errors import ConfigError
from tether.model import LaneState, Mode
from tether.policy import Policy

from .support import call, policy, seed_policy


def test_an_unknown_tool_is_held_for_approval_by_default() -> None:
    assert seed_policy().evaluate(call("wire_money")).mode is Mode.APPROVE


def test_the_default_policy_holds_every_call() -> None:
    assert Policy.default().evaluate(call("classify_support_ticket")).mode is Mode.APPROVE


def test_an_unknown_tool_can_be_denied() -> None:
    configured = policy('[defaults]\nunknown_tool = "deny"')
    assert configured.evaluate(call("wire_money")).mode is Mode.DENY


def test_an_unknown_tool_can_be_shadowed() -> None:
    configured = policy('[defaults]\nunknown_tool = "shadow"')
    assert configured.evaluate(call("wire_money")).mode is Mode.SHADOW


@pytest.mark.parametrize("loose", ["auto", "notify", "override"])
def test_an_unknown_tool_cannot_be_configured_to_run(loose: str) -> None:
    with pytest.raises(ConfigError, match=r"defaults\.unknown_tool"):
        policy(f'[defaults]\nunknown_tool = "{loose}"')


def test_the_reason_names_the_unknown_tool() -> None:
    (reason,) = seed_policy().evaluate(call("wire_money")).reasons
    assert (reason.step, reason.ref) == ("unknown_tool", "wire_money")
    assert "'wire_money'" in reason.text


def test_the_reason_names_the_setting_that_decided() -> None:
    (reason,) = policy('[defaults]\nunknown_tool = "deny"').evaluate(call("wire_money")).reasons
    assert "defaults.unknown_tool = deny" in reason.text


def test_a_lane_level_does_not_lift_an_unknown_tool() -> None:
    verdict = seed_policy().evaluate(call("wire_money"), LaneState(level=Mode.AUTO))
    assert verdict.mode is Mode.APPROVE


def test_the_policy_knows_only_the_tools_it_classifies() -> None:
    known = seed_policy()
    assert known.knows("transfer_funds")
    assert not known.knows("wire_money")

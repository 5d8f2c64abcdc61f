"""Properties that hold for every classification, matrix, lane and call: the policy only ever tightens."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.model import LaneState, Mode, Reversibility, Risk, ToolCall
from tether.policy import Declared, Policy

risks = st.sampled_from(list(Risk))
reversibilities = st.sampled_from(list(Reversibility))
modes = st.sampled_from(list(Mode))

matrix_rows = st.fixed_dictionaries(
    {},
    optional={
        "yes": modes.map(str),
        "partial": modes.map(str),
        "no": modes.map(str),
        "locked": st.booleans(),
    },
)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A policy with one tool ``t`` of any classification, any matrix, and a rule and a limit on it."""
    data: dict[str, Any] = {
        "defaults": {"unknown_tool": draw(st.sampled_from(["approve", "deny", "shadow"]))},
        "autonomy": {"start": draw(st.sampled_from(["ceiling", "shadow", "approve", "override"]))},
        "matrix": draw(st.dictionaries(st.sampled_from([r.value for r in Risk]), matrix_rows)),
        "tools": {"t": {"risk": str(draw(risks)), "reversible": str(draw(reversibilities))}},
        "rules": [{"id": "big", "when": "args.amount > 1000", "mode": str(draw(modes))}],
        "limits": [{"id": "rate", "max": 5, "per": "1h", "fanout": "args.amount"}],
    }
    return Policy.from_dict(data)


calls = st.builds(
    ToolCall,
    tool=st.sampled_from(["t", "not_in_policy"]),
    agent=st.sampled_from(["support-bot", "intern-bot"]),
    args=st.one_of(st.just({}), st.fixed_dictionaries({"amount": st.integers(0, 5000)})),
    confidence=st.one_of(st.none(), st.floats(0.0, 1.0)),
)

lanes = st.builds(
    LaneState,
    level=st.one_of(st.none(), modes),
    breaker=st.one_of(st.none(), st.just("rate")),
    usage=st.one_of(st.just({}), st.fixed_dictionaries({"rate": st.floats(0, 10)})),
)

declarations = st.builds(
    Declared,
    risk=st.one_of(st.none(), risks),
    reversible=st.one_of(st.none(), reversibilities),
)

checked = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@checked
@given(policies(), calls, lanes, st.one_of(st.none(), declarations))
def test_the_final_mode_is_never_looser_than_the_ceiling(
    policy: Policy, call: ToolCall, lane: LaneState, declared: Declared | None
) -> None:
    verdict = policy.evaluate(call, lane, declared)
    assert verdict.mode.strictness >= verdict.ceiling.strictness


@checked
@given(policies(), calls, lanes, st.one_of(st.none(), declarations))
def test_a_locked_verdict_always_needs_a_human(
    policy: Policy, call: ToolCall, lane: LaneState, declared: Declared | None
) -> None:
    verdict = policy.evaluate(call, lane, declared)
    if verdict.locked:
        assert verdict.mode.strictness >= Mode.APPROVE.strictness


@checked
@given(policies(), calls, lanes, declarations)
def test_a_declaration_never_makes_the_verdict_looser(
    policy: Policy, call: ToolCall, lane: LaneState, declared: Declared
) -> None:
    without = policy.evaluate(call, lane)
    with_declaration = policy.evaluate(call, lane, declared)
    assert with_declaration.mode.strictness >= without.mode.strictness
    assert with_declaration.ceiling.strictness >= without.ceiling.strictness
    assert with_declaration.locked or not without.locked


@checked
@given(policies(), calls, lanes, st.one_of(st.none(), declarations))
def test_the_last_reason_explains_the_final_mode(
    policy: Policy, call: ToolCall, lane: LaneState, declared: Declared | None
) -> None:
    verdict = policy.evaluate(call, lane, declared)
    assert verdict.reasons[-1].mode is verdict.mode
    assert [r.mode.strictness for r in verdict.reasons] == sorted(r.mode.strictness for r in verdict.reasons)

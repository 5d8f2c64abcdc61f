"""Blast-radius limits: rate per window and fan-out per call; exceeding one holds the call and trips a breaker."""

from __future__ import annotations

from tether.model import LaneState, Mode, Verdict

from .support import call, policy

EMAIL_POLICY = """
[tools.send_email]
risk = "low"
reversible = "yes"

[tools.classify_support_ticket]
risk = "low"
reversible = "yes"

[[limits]]
id = "email-rate"
tool = "send_email"
max = 50
per = "1h"
"""

FANOUT_POLICY = """
[tools.send_email]
risk = "low"
reversible = "yes"

[[limits]]
id = "email-blast"
tool = "send_email"
max = 50
per = "1h"
fanout = "size(args.to)"
"""


def email(used: float = 0) -> Verdict:
    return policy(EMAIL_POLICY).evaluate(call("send_email"), LaneState(usage={"email-rate": used}))


def blast(recipients: list[str] | None, used: float = 0) -> Verdict:
    args = {} if recipients is None else {"to": recipients}
    lane = LaneState(usage={"email-blast": used})
    return policy(FANOUT_POLICY).evaluate(call("send_email", args=args), lane)


def test_a_call_within_the_limit_is_not_held() -> None:
    verdict = email(used=10)
    assert (verdict.mode, verdict.trips) == (Mode.AUTO, None)


def test_a_call_that_reaches_the_limit_exactly_is_not_held() -> None:
    verdict = email(used=49)
    assert (verdict.mode, verdict.trips) == (Mode.AUTO, None)


def test_a_call_over_the_limit_is_held_for_approval() -> None:
    assert email(used=50).mode is Mode.APPROVE


def test_a_call_over_the_limit_trips_that_limit() -> None:
    assert email(used=50).trips == "email-rate"


def test_the_limit_reason_names_the_limit_the_count_and_the_window() -> None:
    reason = email(used=50).reasons[-1]
    assert (reason.step, reason.ref, reason.mode) == ("limit", "email-rate", Mode.APPROVE)
    assert "51 > 50 per 1h" in reason.text
    assert "support-bot/send_email" in reason.text


def test_every_call_is_charged_one_against_its_limit() -> None:
    assert email(used=0).charges == (("email-rate", 1.0),)


def test_a_held_call_is_charged_too() -> None:
    assert email(used=50).charges == (("email-rate", 1.0),)


def test_a_limit_for_one_tool_does_not_charge_another() -> None:
    verdict = policy(EMAIL_POLICY).evaluate(call("classify_support_ticket"), LaneState(usage={"email-rate": 99}))
    assert (verdict.mode, verdict.trips, verdict.charges) == (Mode.AUTO, None, ())


def test_a_limit_without_a_tool_applies_to_every_tool() -> None:
    configured = policy('[tools.t]\nrisk = "low"\nreversible = "yes"\n[[limits]]\nid = "all"\nmax = 1\nper = "1m"')
    verdict = configured.evaluate(call("t"), LaneState(usage={"all": 1}))
    assert (verdict.mode, verdict.trips, verdict.charges) == (Mode.APPROVE, "all", (("all", 1.0),))


def test_usage_of_another_limit_does_not_count() -> None:
    verdict = policy(EMAIL_POLICY).evaluate(call("send_email"), LaneState(usage={"something-else": 1000}))
    assert verdict.trips is None


def test_the_first_of_several_exceeded_limits_is_the_one_tripped() -> None:
    configured = policy(EMAIL_POLICY + '[[limits]]\nid = "email-daily"\ntool = "send_email"\nmax = 100\nper = "1d"')
    verdict = configured.evaluate(call("send_email"), LaneState(usage={"email-rate": 50, "email-daily": 100}))
    assert verdict.trips == "email-rate"
    assert [r.ref for r in verdict.reasons if r.step == "limit"] == ["email-rate", "email-daily"]


def test_a_fanout_call_counts_as_many_as_its_fanout() -> None:
    assert blast(["a@x", "b@x", "c@x"]).charges == (("email-blast", 3.0),)


def test_a_fanout_that_stays_within_the_limit_is_not_held() -> None:
    verdict = blast(["a@x", "b@x", "c@x"], used=47)
    assert (verdict.mode, verdict.trips) == (Mode.AUTO, None)


def test_a_single_fanout_call_can_trip_the_limit() -> None:
    verdict = blast([f"user{i}@x" for i in range(51)])
    assert (verdict.mode, verdict.trips) == (Mode.APPROVE, "email-blast")


def test_a_fanout_added_to_earlier_usage_trips_the_limit() -> None:
    verdict = blast(["a@x", "b@x", "c@x"], used=48)
    assert (verdict.mode, verdict.trips) == (Mode.APPROVE, "email-blast")


def test_a_fanout_that_cannot_be_evaluated_holds_the_call() -> None:
    assert blast(None).mode is Mode.APPROVE


def test_a_fanout_that_cannot_be_evaluated_does_not_trip_the_breaker() -> None:
    assert blast(None).trips is None


def test_the_reason_for_a_failed_fanout_says_it_could_not_be_evaluated() -> None:
    reason = blast(None).reasons[-1]
    assert (reason.step, reason.ref) == ("limit", "email-blast")
    assert "could not be evaluated" in reason.text


def test_a_fanout_that_is_not_a_count_holds_the_call_without_tripping() -> None:
    configured = policy(FANOUT_POLICY.replace("size(args.to)", "args.to"))
    verdict = configured.evaluate(call("send_email", args={"to": ["a@x"]}))
    assert (verdict.mode, verdict.trips) == (Mode.APPROVE, None)


def test_an_open_breaker_holds_every_call_of_the_lane() -> None:
    verdict = policy(EMAIL_POLICY).evaluate(call("classify_support_ticket"), LaneState(breaker="email-rate"))
    assert verdict.mode is Mode.APPROVE


def test_the_breaker_reason_says_how_to_close_it() -> None:
    verdict = policy(EMAIL_POLICY).evaluate(call("send_email"), LaneState(breaker="email-rate"))
    reason = next(r for r in verdict.reasons if r.step == "breaker")
    assert reason.ref == "email-rate"
    assert "`tether breaker close support-bot/send_email`" in reason.text


def test_an_open_breaker_never_loosens_a_stricter_mode() -> None:
    configured = policy('[defaults]\nunknown_tool = "deny"')
    verdict = configured.evaluate(call("wire_money"), LaneState(breaker="email-rate"))
    assert verdict.mode is Mode.DENY


def test_a_policy_lists_the_limits_that_apply_to_a_tool() -> None:
    configured = policy(EMAIL_POLICY + '[[limits]]\nid = "everything"\nmax = 1000\nper = "1d"')
    assert [limit.id for limit in configured.limits_for("send_email")] == ["email-rate", "everything"]
    assert [limit.id for limit in configured.limits_for("classify_support_ticket")] == ["everything"]

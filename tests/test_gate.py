"""The Gate, end to end over every store: what runs, what is held, and what the agent is told."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from gates import GateFactory, RecordingGate

from tether import (
    AlreadyDecided,
    Approve,
    Denied,
    Edit,
    Executed,
    Failed,
    FakeClock,
    Gate,
    NotDecidable,
    Pending,
    Policy,
    Reject,
    Rejected,
    Respond,
    Responded,
    SeparationOfDuties,
    Shadowed,
    Status,
    ToolCall,
    ToolNotRun,
    UsageError,
)
from tether.notify import LogNotifier
from tether.store import ActionFilter, Store


def call(tool: str, agent: str = "support-bot", confidence: float | None = 0.95, **args: object) -> ToolCall:
    return ToolCall(tool=tool, args=dict(args), agent=agent, confidence=confidence, reasoning="because")


def kinds(gate: Gate, action_id: str) -> list[str]:
    return [e.kind for e in gate.plane.timeline(action_id)]


# -- the six modes -------------------------------------------------------------------------------------------


def test_auto_tool_runs_and_its_result_comes_back(gate: RecordingGate) -> None:
    out = gate.call(call("classify_ticket", ticket="T-1"))
    assert isinstance(out, Executed)
    assert out.result == "billing"
    assert out.to_tool_result() == "billing"
    assert gate.ran == [("classify_ticket", "T-1")]
    assert kinds(gate, out.action_id) == ["action.proposed", "action.started", "action.executed"]


def test_notify_tool_runs_and_alerts_humans(policy: Policy, store: Store) -> None:
    notifier = LogNotifier()
    gate = Gate(policy, store, notifier=notifier)
    gate.tool(lambda order: f"cancelled {order}", name="cancel_order")
    out = gate.call(call("cancel_order", order="O-1"))
    assert isinstance(out, Executed)
    assert ("executed_with_alert", out.action_id) in notifier.sent


def test_override_tool_runs_with_an_undo_window(gate: Gate, clock: FakeClock) -> None:
    out = gate.call(call("draft_marketing_email", to="trial-users", body="hi"))
    assert isinstance(out, Executed)
    assert out.window_ends_at == clock.now() + timedelta(minutes=10)
    assert "may undo this until" in out.to_tool_result()
    assert gate.get(out.action_id).window_ends_at == out.window_ends_at


def test_approve_tool_is_held_and_not_run(gate: RecordingGate, clock: FakeClock) -> None:
    out = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    assert isinstance(out, Pending)
    assert gate.ran == []
    assert out.expires_at == clock.now() + timedelta(hours=4)
    assert "awaiting human approval" in out.to_tool_result()
    assert "locked" in out.to_tool_result()
    assert [a.id for a in gate.pending()] == [out.action_id]


def test_deny_rule_refuses_the_call(store: Store) -> None:
    policy = Policy.from_dict(
        {
            "tools": {"wipe": {"risk": "low", "reversible": "yes"}},
            "rules": [{"id": "no-interns", "when": 'agent == "intern-bot"', "mode": "deny"}],
        }
    )
    gate = Gate(policy, store)
    ran: list[str] = []
    gate.tool(lambda: ran.append("wiped"), name="wipe")
    out = gate.call(ToolCall(tool="wipe", agent="intern-bot"))
    assert isinstance(out, Denied)
    assert ran == []
    assert "no-interns" in out.to_tool_result()
    assert gate.get(out.action_id).status is Status.DENIED


def test_shadow_mode_records_without_running(store: Store) -> None:
    policy = Policy.from_dict({"defaults": {"unknown_tool": "shadow"}})
    gate = Gate(policy, store)
    ran: list[str] = []
    gate.tool(lambda ticket: ran.append(ticket), name="close_ticket")
    out = gate.call(call("close_ticket", ticket="T-9"))
    assert isinstance(out, Shadowed)
    assert ran == []
    assert "nothing was done" in out.to_tool_result()


# -- decisions and resume ------------------------------------------------------------------------------------


def test_approved_action_runs_once_on_resume(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Approve(by="alice", note="ok"))
    first = gate.resume(held.action_id)
    second = gate.resume(held.action_id)
    assert isinstance(first, Executed)
    assert first.result == "sent 50.0 to A-1"
    assert second == Executed(action_id=held.action_id, result="sent 50.0 to A-1")
    assert gate.ran == [("transfer_funds", "A-1", 50.0)]


def test_resume_of_an_undecided_action_is_still_pending(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    assert isinstance(gate.resume(held.action_id), Pending)
    assert gate.ran == []


def test_rejected_action_tells_the_agent_the_note(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Reject(by="alice", note="wrong account"))
    out = gate.resume(held.action_id)
    assert isinstance(out, Rejected)
    assert out.to_tool_result() == "Action rejected: wrong account"
    assert gate.ran == []


@pytest.mark.parametrize("note", ["", "   "])
def test_a_rejection_without_a_note_is_refused_everywhere_and_changes_nothing(gate: RecordingGate, note: str) -> None:
    """Every way to decide (Python, CLI, dashboard, HTTP) ends here: the agent is owed a reason."""
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    with pytest.raises(UsageError, match="a rejection needs a note saying why"):
        gate.decide(held.action_id, Reject(by="alice", note=note))
    assert gate.get(held.action_id).status is Status.PENDING
    gate.decide(held.action_id, Reject(by="alice", note="wrong account"))
    assert gate.get(held.action_id).status is Status.REJECTED


def test_a_decision_the_tools_policy_does_not_allow_is_refused(gates: GateFactory) -> None:
    restricted = gates(
        Policy.from_dict(
            {"tools": {"wire": {"risk": "critical", "reversible": "no", "decisions": ["approve", "reject"]}}}
        )
    )
    restricted.tool(lambda account: f"wired {account}", name="wire")
    held = restricted.call(ToolCall(tool="wire", args={"account": "A-1"}, agent="bot"))
    for decision in (Edit(by="alice", args={"account": "A-2"}), Respond(by="alice", message="use the card")):
        with pytest.raises(UsageError, match=f"wire takes approve, reject decisions .*not {decision.kind}"):
            restricted.decide(held.action_id, decision)
    assert restricted.get(held.action_id).status is Status.PENDING
    restricted.decide(held.action_id, Approve(by="alice"))
    assert restricted.resume(held.action_id).kind == "executed"


def test_respond_answers_the_agent_and_runs_nothing(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Respond(by="alice", message="refund by card instead"))
    out = gate.resume(held.action_id)
    assert isinstance(out, Responded)
    assert "refund by card instead" in out.to_tool_result()
    assert gate.ran == []


def test_edit_runs_the_tool_with_the_reviewers_arguments_and_keeps_both(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=5000.0))
    gate.decide(held.action_id, Edit(by="alice", args={"account": "A-1", "amount": 500.0}, note="cap it"))
    out = gate.resume(held.action_id)
    assert isinstance(out, Executed)
    assert gate.ran == [("transfer_funds", "A-1", 500.0)]
    edited = next(e for e in gate.plane.timeline(held.action_id) if e.kind == "action.edited")
    assert edited.body["original_args"] == {"account": "A-1", "amount": 5000.0}
    assert edited.body["args"] == {"account": "A-1", "amount": 500.0}


def test_edit_that_does_not_fit_the_tool_is_refused_and_the_action_stays_pending(gate: Gate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    with pytest.raises(UsageError, match="edited arguments do not fit transfer_funds"):
        gate.decide(held.action_id, Edit(by="alice", args={"acct": "A-2"}))
    assert gate.get(held.action_id).status is Status.PENDING


def test_a_second_decision_fails_and_changes_nothing(gate: Gate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Approve(by="alice"))
    events_before = gate.plane.audit_head().seq
    with pytest.raises(AlreadyDecided, match="already decided: approve by alice"):
        gate.decide(held.action_id, Reject(by="bob", note="no"))
    assert gate.get(held.action_id).status is Status.APPROVED
    assert gate.plane.audit_head().seq == events_before


def test_the_proposing_agent_cannot_decide_its_own_action(gate: Gate) -> None:
    held = gate.call(call("transfer_funds", agent="support-bot", account="A-1", amount=50.0))
    with pytest.raises(SeparationOfDuties):
        gate.decide(held.action_id, Approve(by="support-bot"))
    assert gate.get(held.action_id).status is Status.PENDING


def test_an_action_that_was_never_held_cannot_be_decided(gate: Gate) -> None:
    done = gate.call(call("classify_ticket", ticket="T-1"))
    with pytest.raises(NotDecidable, match="not waiting for a decision"):
        gate.decide(done.action_id, Approve(by="alice"))


def test_a_decision_must_name_who_made_it(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)  # over HTTP the reviewer is the token's owner, so only a local decision can lack one
    gate.tool(lambda account, amount: "sent", name="transfer_funds")
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    with pytest.raises(UsageError, match="who made it"):
        gate.decide(held.action_id, Approve(by=" "))


def test_resume_from_a_new_gate_on_the_same_database(tmp_path: Path, policy: Policy) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = Gate(policy, url)
    first.tool(lambda account, amount: "never here", name="transfer_funds")
    held = first.call(call("transfer_funds", account="A-1", amount=50.0))
    first.close()

    reviewer = Gate(policy, url)
    reviewer.decide(held.action_id, Approve(by="alice"))
    reviewer.close()

    ran: list[float] = []
    restarted = Gate(policy, url)
    restarted.tool(lambda account, amount: ran.append(amount) or "sent", name="transfer_funds")
    assert isinstance(restarted.resume(held.action_id), Executed)
    assert isinstance(restarted.resume(held.action_id), Executed)
    assert ran == [50.0]
    assert restarted.plane.verify().ok


# -- failures and bad input ----------------------------------------------------------------------------------


def test_a_tool_that_raises_is_recorded_as_failed(store: Store, policy: Policy) -> None:
    gate = Gate(policy, store)

    @gate.tool
    def classify_ticket(ticket: str) -> str:
        raise RuntimeError("model timed out")

    out = gate.call(call("classify_ticket", ticket="T-1"))
    assert isinstance(out, Failed)
    assert out.to_tool_result() == "Action failed: RuntimeError: model timed out"
    action = gate.get(out.action_id)
    assert action.status is Status.FAILED
    assert action.error == "RuntimeError: model timed out"
    assert kinds(gate, out.action_id)[-1] == "action.failed"


def test_calling_an_unregistered_tool_is_a_usage_error(gate: Gate) -> None:
    with pytest.raises(UsageError, match="not registered"):
        gate.call(call("launch_rockets"))


def test_arguments_that_do_not_fit_the_tool_are_refused_before_anything_is_stored(gate: Gate) -> None:
    before = gate.plane.audit_head().seq
    with pytest.raises(UsageError, match="do not fit classify_ticket"):
        gate.call(call("classify_ticket", ticket_id="T-1"))
    assert gate.plane.audit_head().seq == before


def test_arguments_must_be_json_values(store: Store) -> None:
    gate = Gate(Policy.from_dict({"tools": {"t": {"risk": "low", "reversible": "yes"}}}), store)
    gate.tool(lambda when: when, name="t")
    with pytest.raises(UsageError, match="must be JSON values"):
        gate.call(ToolCall(tool="t", args={"when": object()}, agent="a"))


def test_confidence_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(UsageError, match="between 0 and 1"):
        ToolCall(tool="t", agent="a", confidence=1.5)


# -- plain function calls inside a context -------------------------------------------------------------------


def test_a_registered_tool_called_as_a_function_goes_through_the_gate(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)

    @gate.tool
    def classify_ticket(ticket: str) -> str:
        return "billing"

    with gate.context(agent="support-bot", reasoning="r", confidence=0.9, subject="T-1"):
        assert classify_ticket("T-7") == "billing"
    action = gate.plane.actions(ActionFilter())[0]
    assert action.call.args == {"ticket": "T-7"}
    assert action.call.subject == "T-1"
    assert action.status is Status.EXECUTED


def test_a_held_plain_call_raises_tool_not_run_with_the_outcome(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)

    @gate.tool
    def transfer_funds(account: str, amount: float) -> str:
        return "sent"

    with gate.context(agent="support-bot"), pytest.raises(ToolNotRun) as caught:
        transfer_funds("A-1", amount=10.0)
    assert caught.value.outcome.kind == "pending"
    assert gate.get(caught.value.outcome.action_id).call.args == {"account": "A-1", "amount": 10.0}


def test_a_plain_call_re_raises_the_tools_own_exception(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)

    @gate.tool
    def classify_ticket(ticket: str) -> str:
        raise KeyError(ticket)

    with gate.context(agent="support-bot"), pytest.raises(KeyError):
        classify_ticket("T-1")


def test_a_plain_call_outside_a_context_says_how_to_call_it(gate: RecordingGate, policy: Policy, store: Store) -> None:
    other = Gate(policy, store)

    @other.tool
    def classify_ticket(ticket: str) -> str:
        return "x"

    with pytest.raises(UsageError, match=r"gate.context\(agent=...\)"):
        classify_ticket("T-1")
    assert classify_ticket.__wrapped__("T-1") == "x"  # type: ignore[attr-defined]


def test_async_tools_and_acall(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)

    @gate.tool
    async def classify_ticket(ticket: str) -> str:
        await asyncio.sleep(0)
        return f"async {ticket}"

    @gate.tool
    def cancel_order(order: str) -> str:
        return f"sync {order}"

    async def scenario() -> tuple[object, object, object]:
        first = await gate.acall(call("classify_ticket", ticket="T-1"))
        second = await gate.acall(call("cancel_order", order="O-1"))
        with gate.context(agent="support-bot"):
            third = await classify_ticket("T-2")
        return first, second, third

    first, second, third = asyncio.run(scenario())
    assert isinstance(first, Executed)
    assert first.result == "async T-1"
    assert isinstance(second, Executed)
    assert second.result == "sync O-1"
    assert third == "async T-2"


def test_an_async_tool_through_the_blocking_call_is_a_usage_error(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)

    @gate.tool
    async def classify_ticket(ticket: str) -> str:
        return ticket

    with pytest.raises(UsageError, match="acall"):
        gate.call(call("classify_ticket", ticket="T-1"))


def test_async_resume_runs_an_approved_action_once(gate: RecordingGate) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Approve(by="alice"))
    outcomes = asyncio.run(_resume_twice(gate, held.action_id))
    assert all(isinstance(o, Executed) for o in outcomes)
    assert gate.ran == [("transfer_funds", "A-1", 50.0)]


async def _resume_twice(gate: Gate, action_id: str) -> list[object]:
    return [await gate.aresume(action_id), await gate.aresume(action_id)]


# -- declarations, limits and breakers -----------------------------------------------------------------------


def test_a_risk_declared_in_code_tightens_the_policy(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)
    gate.tool(lambda ticket: "x", name="classify_ticket", risk="critical", reversible="no")
    out = gate.call(call("classify_ticket", ticket="T-1"))
    assert isinstance(out, Pending)
    assert gate.get(out.action_id).verdict.locked


def test_a_risk_declared_in_code_cannot_loosen_the_policy(policy: Policy, store: Store) -> None:
    gate = Gate(policy, store)
    gate.tool(lambda account, amount: "x", name="transfer_funds", risk="low", reversible="yes")
    assert isinstance(gate.call(call("transfer_funds", account="A", amount=1.0)), Pending)


def test_a_bad_declaration_is_a_usage_error(gate: Gate) -> None:
    with pytest.raises(UsageError, match="risk is low"):
        gate.tool(lambda: None, name="x", risk="apocalyptic")


def test_exceeding_a_limit_holds_the_call_and_opens_the_breaker(gate: Gate, clock: FakeClock) -> None:
    for n in range(3):
        assert isinstance(gate.call(call("refund", order=f"O-{n}", amount=10.0)), Executed)
    fourth = gate.call(call("refund", order="O-3", amount=10.0))
    assert isinstance(fourth, Pending)
    assert "refund-rate" in fourth.to_tool_result()
    assert [(b.agent, b.tool, b.limit) for b in gate.plane.breakers()] == [("support-bot", "refund", "refund-rate")]

    clock.advance(timedelta(hours=2))  # the window has passed, but the breaker stays open until a human closes it
    still_held = gate.call(call("refund", order="O-4", amount=10.0))
    assert isinstance(still_held, Pending)
    assert "breaker" in still_held.to_tool_result()

    gate.plane.close_breaker("support-bot/refund", by="alice")
    assert gate.plane.breakers() == []
    assert isinstance(gate.call(call("refund", order="O-5", amount=10.0)), Executed)
    assert [e.kind for e in gate.plane.audit_events() if e.kind.startswith("breaker")] == [
        "breaker.opened",
        "breaker.closed",
    ]


def test_limits_count_per_lane(gate: Gate) -> None:
    for n in range(3):
        gate.call(call("refund", agent="bot-a", order=f"O-{n}", amount=10.0))
    assert isinstance(gate.call(call("refund", agent="bot-b", order="O-9", amount=10.0)), Executed)


def test_a_rule_holds_a_large_refund(gate: Gate) -> None:
    out = gate.call(call("refund", order="O-1", amount=5000.0))
    assert isinstance(out, Pending)
    assert "large-refund" in out.to_tool_result()


def test_low_confidence_holds_an_auto_tool(gate: Gate) -> None:
    out = gate.call(call("classify_ticket", confidence=0.5, ticket="T-1"))
    assert isinstance(out, Pending)
    assert gate.get(out.action_id).verdict.urgency.value == "high"


# -- the audit trail of a call -------------------------------------------------------------------------------


def test_secret_arguments_are_redacted_in_the_audit_log_but_kept_for_the_tool(store: Store) -> None:
    gate = Gate(Policy.from_dict({"tools": {"login": {"risk": "low", "reversible": "yes"}}}), store)
    gate.tool(lambda user, password: f"hello {user}", name="login")
    out = gate.call(ToolCall(tool="login", args={"user": "ann", "password": "hunter2"}, agent="a"))
    proposed = gate.plane.timeline(out.action_id)[0]
    assert proposed.body["args"] == {"user": "ann", "password": "[redacted]"}
    assert gate.get(out.action_id).call.args["password"] == "hunter2"


def test_every_event_records_who_what_when_and_the_policy_version(gate: Gate, clock: FakeClock) -> None:
    held = gate.call(call("transfer_funds", account="A-1", amount=50.0))
    gate.decide(held.action_id, Approve(by="alice"))
    events = gate.plane.timeline(held.action_id)
    assert [e.actor for e in events] == ["agent:support-bot", "human:alice"]
    assert {e.body["policy"] for e in events} == {gate.policy.version}
    assert events[0].at == clock.now().isoformat()
    proposed = events[0].body
    assert proposed["reasoning"] == "because"
    assert proposed["confidence"] == 0.95
    assert proposed["tool"] == "transfer_funds"
    assert proposed["reasons"] == gate.get(held.action_id).verdict.explain()
    assert gate.plane.verify().ok


def test_submitting_the_same_call_twice_runs_it_once(gate: RecordingGate) -> None:
    same = ToolCall(tool="classify_ticket", args={"ticket": "T-1"}, agent="support-bot", call_id="retry-1")
    first = gate.call(same)
    second = gate.call(same)
    assert first.action_id == second.action_id
    assert gate.ran == [("classify_ticket", "T-1")]
    assert isinstance(second, Executed)

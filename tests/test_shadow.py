"""Shadow mode: the agent proposes, nothing runs, the human reports what they did, Tether compares and counts."""

from __future__ import annotations

import pytest
from gates import GateFactory, RecordingGate

from tether import Experiment, Gate, Policy, Proposal, ShadowCase, Shadowed, ShadowResult, ToolCall, UsageError
from tether.store import ShadowFilter, Store

POLICY = {
    "autonomy": {"start": "shadow"},  # every lane starts in shadow: nothing the agent proposes runs
    "tools": {
        "refund": {"risk": "medium", "reversible": "partial", "key_fields": ["order", "amount"], "tolerance": 0.5},
        "close_ticket": {"risk": "low", "reversible": "yes"},
    },
}


def with_tools(g: RecordingGate) -> RecordingGate:
    g.tool(lambda order, amount, note="": g.ran.append(order), name="refund")
    g.tool(lambda ticket: g.ran.append(ticket), name="close_ticket")
    return g


@pytest.fixture
def gate(gates: GateFactory) -> RecordingGate:
    """Local over every store, and remote over a server."""
    return with_tools(gates(Policy.from_dict(POLICY)))


def propose(
    gate: Gate, subject: str, tool: str = "refund", agent: str = "refund-bot", confidence: float = 0.9, **args: object
) -> None:
    out = gate.call(ToolCall(tool=tool, args=args, agent=agent, subject=subject, confidence=confidence))
    assert isinstance(out, Shadowed)


def case_of(gate: Gate, subject: str) -> ShadowCase:
    [case] = gate.plane.shadow_cases(ShadowFilter(subject=subject))
    return case


def test_a_shadowed_call_runs_nothing_and_says_so(gate: RecordingGate) -> None:
    out = gate.call(ToolCall(tool="refund", args={"order": "O-1", "amount": 10}, agent="refund-bot", subject="T-1"))
    assert isinstance(out, Shadowed)
    assert "nothing was done" in out.to_tool_result()
    assert gate.ran == []


def test_the_same_action_agrees_whichever_side_comes_first(gate: Gate) -> None:
    propose(gate, "T-1", order="O-1", amount=10.0)
    gate.record_human("T-1", "refund", {"order": "O-1", "amount": 10.0}, by="ana")
    gate.record_human("T-2", "refund", {"order": "O-2", "amount": 20.0}, by="ana")
    propose(gate, "T-2", order="O-2", amount=20.0)
    assert case_of(gate, "T-1").result is ShadowResult.AGREE
    assert case_of(gate, "T-2").result is ShadowResult.AGREE


def test_only_key_fields_count_and_numbers_within_tolerance_agree(gate: Gate) -> None:
    propose(gate, "T-1", order="O-1", amount=10.0, note="sorry!")
    gate.record_human("T-1", "refund", {"order": "O-1", "amount": 10.4, "note": "apologies"}, by="ana")
    propose(gate, "T-2", order="O-2", amount=10.0)
    gate.record_human("T-2", "refund", {"order": "O-2", "amount": 11.0}, by="ana")
    assert case_of(gate, "T-1").result is ShadowResult.AGREE
    mismatch = case_of(gate, "T-2")
    assert mismatch.result is ShadowResult.MISMATCH
    assert mismatch.detail == "different amount"


def test_the_agent_acting_where_the_human_did_not_is_a_false_positive(gate: Gate) -> None:
    propose(gate, "T-1", order="O-1", amount=10.0)
    gate.record_human("T-1", None, by="ana")
    case = case_of(gate, "T-1")
    assert case.result is ShadowResult.FALSE_POSITIVE
    assert "took no action" in (case.detail or "")


def test_a_different_tool_is_a_mismatch(gate: Gate) -> None:
    propose(gate, "T-1", order="O-1", amount=10.0)
    gate.record_human("T-1", "close_ticket", {"ticket": "T-1"}, by="ana")
    assert case_of(gate, "T-1").result is ShadowResult.MISMATCH


def test_a_custom_comparator_decides_for_its_tool(store: Store) -> None:
    gate = with_tools(RecordingGate(Policy.from_dict(POLICY), store))  # comparators run where cases are paired

    @gate.comparator("refund")
    def same_order(agent: dict[str, object], human: dict[str, object]) -> tuple[bool, str]:
        return agent["order"] == human["order"], "compared orders only"

    propose(gate, "T-1", order="O-1", amount=10.0)
    gate.record_human("T-1", "refund", {"order": "O-1", "amount": 99.0}, by="ana")
    case = case_of(gate, "T-1")
    assert (case.result, case.detail) == (ShadowResult.AGREE, "compared orders only")


def test_a_shadowed_call_without_a_subject_cannot_be_paired(gate: Gate) -> None:
    out = gate.call(ToolCall(tool="refund", args={"order": "O-1", "amount": 1}, agent="refund-bot"))
    assert isinstance(out, Shadowed)
    assert gate.plane.shadow_cases() == []


def test_record_human_needs_a_subject(gate: Gate) -> None:
    with pytest.raises(UsageError, match="paired by subject"):
        gate.record_human(" ", "refund", {}, by="ana")


def test_the_report_counts_match_a_hand_computed_scenario(gate: Gate) -> None:
    # refund-bot/refund: 3 agree, 1 false positive, 1 mismatch; low confidence on one of the agreements
    for n in range(3):
        propose(gate, f"A-{n}", order=f"O-{n}", amount=5.0, confidence=0.5 if n == 0 else 0.95)
        gate.record_human(f"A-{n}", "refund", {"order": f"O-{n}", "amount": 5.0}, by="ana")
    propose(gate, "FP", order="O-9", amount=5.0)
    gate.record_human("FP", None, by="ana")
    propose(gate, "MM", order="O-8", amount=5.0)
    gate.record_human("MM", "refund", {"order": "O-8", "amount": 50.0}, by="ana")
    # triage-bot/close_ticket: 1 agree
    propose(gate, "C-1", tool="close_ticket", agent="triage-bot", ticket="C-1")
    gate.record_human("C-1", "close_ticket", {"ticket": "C-1"}, by="ana")
    # a human action the agent never saw stays open: not counted
    gate.record_human("LONELY", "refund", {"order": "O-7", "amount": 1.0}, by="ana")

    lanes = {row.key: row for row in gate.plane.shadow_report()}
    refunds = lanes["refund-bot/refund"]
    assert (refunds.cases, refunds.agree, refunds.false_positives, refunds.mismatches) == (5, 3, 1, 1)
    assert refunds.agreement == pytest.approx(0.6)
    assert {c.subject for c in refunds.edge_cases} == {"A-0", "FP", "MM"}
    assert lanes["triage-bot/close_ticket"].agreement == 1.0
    by_tool = {row.key: row.cases for row in gate.plane.shadow_report(by="tool")}
    assert by_tool == {"close_ticket": 1, "refund": 5}
    only = gate.plane.shadow_report(lane="triage-bot/close_ticket")
    assert [row.key for row in only] == ["triage-bot/close_ticket"]


def test_every_side_and_comparison_is_audited(gate: Gate) -> None:
    propose(gate, "T-1", order="O-1", amount=10.0)
    gate.record_human("T-1", "refund", {"order": "O-1", "amount": 10.0}, by="ana")
    kinds = [(e.kind, e.actor) for e in gate.plane.audit_events() if e.kind.startswith("shadow.")]
    assert kinds == [
        ("shadow.agent_recorded", "agent:refund-bot"),
        ("shadow.human_recorded", "human:ana"),
        ("shadow.compared", "system"),
    ]
    assert gate.plane.verify().ok


# -- experiments in code -------------------------------------------------------------------------------------------


# An Experiment records both sides from one process: the candidate as the agent and the control as
# "control:<name>". Over HTTP an agent's token may not record the human side (an agent never grades its own
# shadow run), so experiments run against a local plane.
@pytest.fixture
def local_gate(store: Store) -> RecordingGate:
    return with_tools(RecordingGate(Policy.from_dict(POLICY), store))


def existing_process(ticket: str) -> Proposal | None:
    return Proposal("refund", {"order": ticket, "amount": 10.0}) if ticket.startswith("O") else None


def test_an_experiment_returns_the_control_and_records_both_sides(local_gate: Gate) -> None:
    gate = local_gate
    exp = Experiment(gate, agent="refund-bot")
    exp.control(existing_process, "O-1")
    exp.candidate(lambda t: Proposal("refund", {"order": t, "amount": 10.0}), "O-1")
    assert exp.conduct(subject="T-1") == Proposal("refund", {"order": "O-1", "amount": 10.0})
    assert case_of(gate, "T-1").result is ShadowResult.AGREE
    assert exp.last is not None
    assert exp.last.seconds >= 0


def test_a_candidate_that_proposes_nothing_where_the_control_acts_is_a_false_negative(local_gate: Gate) -> None:
    gate = local_gate
    exp = Experiment(gate, agent="refund-bot")
    exp.control(existing_process, "O-1")
    exp.candidate(lambda t: None, "O-1")
    exp.conduct(subject="T-1")
    assert case_of(gate, "T-1").result is ShadowResult.FALSE_NEGATIVE


def test_a_candidates_exception_is_captured_and_never_reaches_the_caller(local_gate: Gate) -> None:
    gate = local_gate

    def broken(ticket: str) -> Proposal:
        raise RuntimeError("model timed out")

    exp = Experiment(gate, agent="refund-bot")
    exp.control(existing_process, "O-1")
    exp.candidate(broken, "O-1")
    assert exp.conduct(subject="T-1") is not None
    case = case_of(gate, "T-1")
    assert case.agent_error == "RuntimeError: model timed out"
    assert case.result is ShadowResult.FALSE_NEGATIVE
    [row] = gate.plane.shadow_report()
    assert row.edge_cases == [case]


def test_publishing_never_breaks_the_caller(local_gate: Gate) -> None:
    gate = local_gate
    exp = Experiment(gate, agent="refund-bot")
    exp.control(existing_process, "O-1")
    exp.candidate(existing_process, "O-1")
    assert exp.conduct(subject="") is not None  # an empty subject cannot be recorded; the caller still gets its value
    assert gate.plane.shadow_cases() == []


def test_the_controls_exception_is_the_callers(local_gate: Gate) -> None:
    gate = local_gate

    def failing(ticket: str) -> Proposal:
        raise KeyError(ticket)

    exp = Experiment(gate, agent="refund-bot")
    exp.control(failing, "O-1")
    exp.candidate(existing_process, "O-1")
    with pytest.raises(KeyError):
        exp.conduct(subject="T-1")

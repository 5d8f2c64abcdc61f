"""The autonomy ladder over weeks of fake time: a lane climbs only on evidence, one step at a time, never above
its ceiling, and falls back at once after a critical error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gates import GateFactory

from tether import Approve, Executed, FakeClock, Gate, Mode, Pending, Policy, Shadowed, ToolCall, UsageError
from tether.autonomy._ladder import gather
from tether.store import ActionFilter, Store

RULES = {"start": "shadow", "min_cases": 10, "min_accuracy": 0.9, "critical_free_days": 14, "max_override_rate": 0.2}
POLICY = {
    "autonomy": RULES,
    "tools": {
        "tag": {"risk": "low", "reversible": "yes"},  # ceiling auto
        "refund": {"risk": "medium", "reversible": "yes"},  # ceiling override
        "wire": {"risk": "critical", "reversible": "no"},  # locked: approve for ever
    },
}
LANE = "bot/tag"


def ladder_policy(**autonomy: object) -> Policy:
    return Policy.from_dict({**POLICY, "autonomy": {**RULES, **autonomy}})


def with_tools(gate: Gate) -> Gate:
    gate.tool(lambda item: f"tagged {item}", name="tag", undo=lambda item: None)
    gate.tool(lambda order: "refunded", name="refund", undo=lambda order: None)
    gate.tool(lambda account: "wired", name="wire")
    return gate


def make_gate(gates: GateFactory, **autonomy: object) -> Gate:
    """A gate of every kind (local over each store, remote over a server) with the ladder's tools."""
    return with_tools(gates(ladder_policy(**autonomy)))


def call(gate: Gate, n: int, tool: str = "tag") -> object:
    arg = {"tag": "item", "refund": "order", "wire": "account"}[tool]
    return gate.call(ToolCall(tool=tool, args={arg: f"x{n}"}, agent="bot", subject=f"{tool}-{n}", confidence=0.95))


def shadow_cases(gate: Gate, count: int, *, agree: int) -> None:
    for n in range(count):
        assert isinstance(call(gate, n), Shadowed)
        args = {"item": f"x{n}"} if n < agree else {"item": "something else"}
        gate.record_human(f"tag-{n}", "tag", args, by="ana")


def test_a_lane_climbs_from_shadow_to_auto_only_on_evidence(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates)
    plane = gate.plane
    assert isinstance(call(gate, 0), Shadowed)
    assert plane.lane(LANE).level is Mode.SHADOW

    shadow_cases(gate, 10, agree=10)
    report = plane.lane(LANE)
    assert report.evidence.cases == 10
    assert report.evidence.accuracy == 1.0
    assert not report.step.ready
    assert any("14 days without a critical error" in w for w in report.step.waiting_for)
    with pytest.raises(UsageError, match="not ready to leave shadow"):
        plane.promote(LANE, by="admin")

    clock.advance(timedelta(days=14))
    assert plane.lane(LANE).step.target is Mode.APPROVE
    assert plane.promote(LANE, by="admin").level is Mode.APPROVE

    for n in range(10, 20):  # at approve: held, and approved unchanged
        held = call(gate, n)
        assert isinstance(held, Pending)
        gate.decide(held.action_id, Approve(by="alice"))
        assert isinstance(gate.resume(held.action_id), Executed)
    clock.advance(timedelta(days=14))
    assert plane.promote(LANE, by="admin").level is Mode.OVERRIDE

    for n in range(20, 30):  # at override: runs at once, nobody undoes, the windows pass
        assert isinstance(call(gate, n), Executed)
    clock.advance(timedelta(minutes=11))
    plane.sweep()
    report = plane.lane(LANE)
    assert (report.evidence.cases, report.evidence.override_rate) == (10, 0.0)
    clock.advance(timedelta(days=14))
    assert plane.promote(LANE, by="admin").level is Mode.AUTO

    top = plane.lane(LANE)
    assert top.step.target is None
    assert "at the ceiling" in top.step.waiting_for[0]
    kinds = [e.kind for e in plane.audit_events() if e.kind.startswith("lane.")]
    assert kinds == ["lane.promoted"] * 3
    promoted = [e for e in plane.audit_events() if e.kind == "lane.promoted"]
    assert promoted[0].body["evidence"]["cases"] == 10
    assert promoted[0].body["evidence"]["accuracy"] == 1.0


def test_a_lane_never_climbs_above_its_ceiling(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="override")
    assert gate.plane.lane("bot/refund").level is Mode.OVERRIDE
    report = gate.plane.lane("bot/refund")
    assert report.step.target is None
    assert "at the ceiling (override)" in report.step.waiting_for[0]


def test_a_locked_lane_stays_at_approve_for_ever(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="ceiling")
    for n in range(12):
        held = call(gate, n, tool="wire")
        gate.decide(held.action_id, Approve(by="alice"))
        gate.resume(held.action_id)
    clock.advance(timedelta(days=30))
    report = gate.plane.lane("bot/wire")
    assert (report.level, report.step.target) == (Mode.APPROVE, None)
    assert "locked" in report.step.waiting_for[0]


def test_a_critical_error_drops_the_lane_at_once_to_approve(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="ceiling")
    done = call(gate, 1)
    assert isinstance(done, Executed)
    assert gate.plane.lane(LANE).level is Mode.AUTO
    report = gate.plane.report_incident(done.action_id, note="tagged a VIP as spam", by="alice")
    assert report.level is Mode.APPROVE
    assert isinstance(call(gate, 2), Pending)  # the next call is held
    demoted = [e for e in gate.plane.audit_events() if e.kind == "lane.demoted"]
    assert demoted[0].body["reason"] == "critical error: tagged a VIP as spam"
    waits = gate.plane.lane(LANE).step.waiting_for
    assert any("14 days without a critical error (has 0.0)" in w for w in waits)
    clock.advance(timedelta(days=20))
    waits = gate.plane.lane(LANE).step.waiting_for
    assert not any("days without a critical error" in w for w in waits)


def test_accuracy_below_the_bar_drops_the_lane_one_level(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="approve")
    for n in range(10):
        held = call(gate, n)
        if n < 8:
            gate.decide(held.action_id, Approve(by="alice"))
        else:
            from tether import Reject

            gate.decide(held.action_id, Reject(by="alice", note="wrong tag"))
    report = gate.plane.lane(LANE)
    assert report.evidence.accuracy == pytest.approx(0.8)
    assert report.step.demote
    [changed] = gate.plane.apply_ladder()
    assert changed.level is Mode.SHADOW


def test_promote_auto_promotes_ready_lanes_by_itself(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, promote="auto")
    shadow_cases(gate, 10, agree=10)
    assert gate.plane.apply_ladder() == []
    clock.advance(timedelta(days=15))
    [changed] = gate.plane.apply_ladder()
    assert changed.level is Mode.APPROVE
    assert isinstance(call(gate, 99), Pending)


def test_a_human_can_demote_a_lane(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="ceiling")
    assert gate.plane.demote(LANE, by="admin").level is Mode.OVERRIDE
    assert gate.plane.demote(LANE, by="admin", to=Mode.SHADOW).level is Mode.SHADOW
    # the plane says auto is not lower; the HTTP API's schema lists the levels one may demote to
    with pytest.raises(
        UsageError, match=r"auto is not lower|body\.to: Input should be 'shadow', 'approve' or 'override'"
    ):
        gate.plane.demote(LANE, by="admin", to=Mode.AUTO)
    assert gate.plane.lane(LANE).level is Mode.SHADOW


def test_at_auto_sampled_reviews_and_incident_reports_are_the_evidence(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="ceiling", sample_rate=0.25)
    plane = gate.plane
    runs = [call(gate, n) for n in range(200)]
    assert all(isinstance(r, Executed) for r in runs)
    report = plane.lane(LANE)
    assert report.level is Mode.AUTO
    assert report.evidence.cases == 0  # nobody looked at a run yet: runs alone prove nothing
    picked = plane.samples(limit=1000)
    assert 30 <= len(picked) <= 70  # about a quarter, picked by a stable hash of the id
    assert picked == plane.samples(limit=1000)
    for n, action in enumerate(picked[:10]):
        if n < 8:
            plane.review_run(action.id, ok=True, by="ana")
        else:
            plane.review_run(action.id, ok=False, note="tagged the wrong product", by="ana")
    assert len(plane.samples(limit=1000)) == len(picked) - 10
    evidence = plane.lane(LANE).evidence
    assert (evidence.cases, evidence.good) == (10, 8)
    assert evidence.last_critical is None  # wrong is not critical
    [changed] = plane.apply_ladder()
    assert changed.level is Mode.OVERRIDE  # 80 % is below the 90 % bar: one level down
    reviewed = [e for e in plane.audit_events() if e.kind == "action.reviewed"]
    assert len(reviewed) == 10
    assert reviewed[-1].body == {"lane": LANE, "ok": False, "note": "tagged the wrong product"}


def test_a_review_needs_a_run_that_took_effect_and_a_note_when_wrong(gates: GateFactory, clock: FakeClock) -> None:
    gate = make_gate(gates, start="ceiling")
    held = gate.call(ToolCall(tool="wire", args={"account": "A"}, agent="bot"))
    with pytest.raises(UsageError, match="only a run that took effect"):
        gate.plane.review_run(held.action_id, ok=True, by="ana")
    ran = call(gate, 1)
    with pytest.raises(UsageError, match="needs a note"):
        gate.plane.review_run(ran.action_id, ok=False, by="ana")


def test_a_critical_incident_outweighs_a_good_review_of_the_same_run(store: Store, clock: FakeClock) -> None:
    gate = with_tools(Gate(ladder_policy(start="ceiling"), store, clock=clock))  # reads the store itself
    ran = call(gate, 1)
    gate.plane.review_run(ran.action_id, ok=True, by="ana")
    assert gate.plane.lane(LANE).evidence.good == 1
    clock.advance(timedelta(hours=1))
    gate.plane.report_incident(ran.action_id, note="leaked an address", by="ana")
    actions = gate.plane.actions(ActionFilter(agent="bot"))
    evidence = gather(Mode.AUTO, actions, [], store.incidents("bot", "tag"))
    assert (evidence.cases, evidence.good) == (1, 0)
    assert evidence.last_critical == clock.now()

"""``tether.connect``'s plane answers like the local one: lanes, incidents, sampled reviews, shadow cases and
reports, resolving an unknown run — each read back over HTTP equals what the ControlPlane itself returns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from serving import LiveServer

from tether import FakeClock, Gate, Policy, ToolCall
from tether.agent._remote import RemotePlane
from tether.model import Mode, Role, Status
from tether.plane import ControlPlane
from tether.plane._lanes import LaneReport
from tether.store import ShadowFilter, open_store

POLICY = {
    "autonomy": {"start": "ceiling", "min_cases": 4, "min_accuracy": 0.9, "critical_free_days": 1, "sample_rate": 0.5},
    "tools": {
        "tag": {"risk": "low", "reversible": "yes"},
        "refund": {"risk": "medium", "reversible": "yes", "key_fields": ["order"]},
    },
}
LANE = "bot/tag"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def plane(tmp_path: Path, clock: FakeClock) -> Iterator[ControlPlane]:
    local = ControlPlane(Policy.from_dict(POLICY), open_store(f"sqlite:///{tmp_path / 'parity.db'}"), clock=clock)
    yield local
    local.store.close()


@pytest.fixture
def remote(plane: ControlPlane, clock: FakeClock) -> Iterator[RemotePlane]:
    server = LiveServer(plane, sweep_interval=0)
    client = RemotePlane(server.url, server.token("root", Role.ADMIN), clock=clock)
    yield client
    client.close()
    server.stop()


def agent(plane: ControlPlane) -> Gate:
    gate = Gate(plane=plane)
    gate.tool(lambda item: f"tagged {item}", name="tag")
    gate.tool(lambda order: "refunded", name="refund", undo=lambda order: None)
    return gate


def assert_same_report(remote: LaneReport, local: LaneReport) -> None:
    """The same report; review latencies travel only as their P99."""
    assert (remote.agent, remote.tool, remote.level, remote.ceiling, remote.locked) == (
        local.agent,
        local.tool,
        local.level,
        local.ceiling,
        local.locked,
    )
    assert (remote.step, remote.review_bottleneck) == (local.step, local.review_bottleneck)
    theirs, ours = remote.evidence, local.evidence
    assert (theirs.level, theirs.cases, theirs.good, theirs.undone) == (ours.level, ours.cases, ours.good, ours.undone)
    assert (theirs.first_case, theirs.last_critical) == (ours.first_case, ours.last_critical)
    assert (theirs.accuracy, theirs.override_rate, theirs.review_p99) == (
        ours.accuracy,
        ours.override_rate,
        ours.review_p99,
    )


def test_lane_reports_over_http_equal_the_local_ones(plane: ControlPlane, remote: RemotePlane) -> None:
    gate = agent(plane)
    for n in range(3):
        gate.call(ToolCall(tool="tag", args={"item": f"x{n}"}, agent="bot"))
    gate.call(ToolCall(tool="refund", args={"order": "O-1"}, agent="bot"))
    assert_same_report(remote.lane(LANE), plane.lane(LANE))
    assert [r.lane for r in remote.lanes()] == [r.lane for r in plane.lanes()]
    for theirs, ours in zip(remote.lanes(), plane.lanes(), strict=True):
        assert_same_report(theirs, ours)


def test_sampled_reviews_and_incidents_over_http_move_the_lane_as_locally(
    plane: ControlPlane, remote: RemotePlane, clock: FakeClock
) -> None:
    gate = agent(plane)
    for n in range(40):
        gate.call(ToolCall(tool="tag", args={"item": f"x{n}"}, agent="bot"))
    picked = remote.samples(limit=1000)
    assert picked == plane.samples(limit=1000)
    assert len(picked) >= 5
    for action in picked[:4]:
        report = remote.review_run(action.id, ok=True, note="right", by="root")
    assert_same_report(report, plane.lane(LANE))
    assert report.evidence.good == 4
    assert remote.samples(limit=1000) == plane.samples(limit=1000) == picked[4:]
    clock.advance(timedelta(days=2))
    report = remote.review_run(picked[4].id, ok=False, note="wrong tag", by="root")
    assert report.step.demote
    [moved] = remote.apply_ladder()
    assert moved.level is Mode.OVERRIDE
    assert_same_report(moved, plane.lane(LANE))
    incident = remote.report_incident(picked[5].id, note="tagged a VIP as spam", by="root")
    assert incident.level is Mode.APPROVE
    assert incident.evidence.last_critical == clock.now()
    assert_same_report(incident, plane.lane(LANE))


def test_promote_and_demote_over_http(plane: ControlPlane, remote: RemotePlane) -> None:
    demoted = remote.demote(LANE, by="root", to=Mode.SHADOW)
    assert demoted.level is Mode.SHADOW
    assert_same_report(demoted, plane.lane(LANE))
    assert remote.demote("bot/refund", by="root").level is Mode.APPROVE
    with pytest.raises(Exception, match="not ready to leave shadow"):
        remote.promote(LANE, by="root")


def test_shadow_cases_and_reports_over_http_equal_the_local_ones(plane: ControlPlane, remote: RemotePlane) -> None:
    plane.demote("bot/refund", by="root", to=Mode.SHADOW)
    gate = agent(plane)
    for n, order in enumerate(["O-1", "O-2", "O-3"]):
        gate.call(ToolCall(tool="refund", args={"order": order}, agent="bot", subject=f"T-{n}", confidence=0.5))
        remote.record_human(f"T-{n}", tool="refund", args={"order": order if n else "O-9"}, by="root")
    assert remote.shadow_cases() == plane.shadow_cases()
    assert remote.shadow_cases(ShadowFilter(subject="T-1")) == plane.shadow_cases(ShadowFilter(subject="T-1"))
    assert remote.shadow_cases(ShadowFilter(compared=False)) == []
    assert remote.shadow_report() == plane.shadow_report()
    assert remote.shadow_report(by="tool") == plane.shadow_report(by="tool")
    [row] = remote.shadow_report(lane="bot/refund")
    assert (row.cases, row.agree, row.mismatches) == (3, 2, 1)


def test_resolving_an_unknown_run_over_http(plane: ControlPlane, remote: RemotePlane, clock: FakeClock) -> None:
    action = plane.submit(ToolCall(tool="tag", args={"item": "x"}, agent="bot"), worker="w-1")
    assert action.status is Status.RUNNING
    clock.advance(plane.lease * 2)
    plane.sweep()
    assert plane.get(action.id).status is Status.UNKNOWN
    resolved = remote.resolve_unknown(action.id, ran=True, by="root", note="the tag is there")
    assert resolved.status is not Status.UNKNOWN
    assert resolved == plane.get(action.id)

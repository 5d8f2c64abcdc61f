"""The store conformance suite: one contract, checked the same way against every backend.

A backend passes when a test module subclasses ``StoreConformance`` and provides a ``store`` fixture that yields
a fresh, set-up store::

    from tether.store.testing import StoreConformance

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def store(self, tmp_path): ...

Each test method checks one promise of ``tether.store._base.Store``. The plane relies on these promises (above
all atomic admission and compare-and-set), so a backend that fails any of them is not safe to run behind it.
Actions are built by hand here, never through the plane, so the suite tests the store and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tether._json import iso
from tether.audit import GENESIS, Anchor, verify
from tether.autonomy._ladder import Incident
from tether.errors import NotFound
from tether.model import (
    Action,
    Approve,
    Decision,
    Edit,
    LaneState,
    Mode,
    Reason,
    Reject,
    Respond,
    Role,
    ShadowCase,
    Status,
    TokenRecord,
    ToolCall,
    ToolPin,
    UndoRecord,
    Urgency,
    Verdict,
)
from tether.store._base import ActionFilter, Admission, Breaker, Changes, Delivery, EventDraft, ShadowFilter, Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AGENT = "support-bot"
TOOL = "refund"
REVIEWER = "alice"


class AdmitRefused(Exception):
    """What a test's ``admit`` raises to refuse an admission (the plane's would be a policy error)."""


def at(minutes: float = 0) -> datetime:
    """A fixed moment, ``minutes`` after T0."""
    return T0 + timedelta(minutes=minutes)


def make_action(
    action_id: str,
    *,
    agent: str = AGENT,
    tool: str = TOOL,
    status: Status = Status.PENDING,
    created_at: datetime = T0,
    args: dict[str, Any] | None = None,
    mode: Mode = Mode.APPROVE,
    urgency: Urgency = Urgency.NORMAL,
) -> Action:
    """A plain action as the plane would admit it, with only the fields a test cares about set."""
    return Action(
        id=action_id,
        call=ToolCall(tool=tool, args=args if args is not None else {"order": "O-1"}, agent=agent),
        verdict=Verdict(
            mode=mode, urgency=urgency, reasons=(Reason(step="matrix", ref="medium/no", mode=mode, text="matrix"),)
        ),
        status=status,
        created_at=created_at,
        updated_at=created_at,
        policy_version="policy-1",
    )


def proposed(action: Action) -> EventDraft:
    return EventDraft(f"agent:{action.call.agent}", "action.proposed", action.id, {"tool": action.call.tool})


def admit_as(
    action: Action,
    *,
    events: Sequence[EventDraft] | None = None,
    charges: Sequence[tuple[str, float]] = (),
    open_breaker: str | None = None,
    admitted_at: datetime | None = None,
    seen: list[LaneState] | None = None,
) -> Callable[[LaneState], Admission]:
    """An ``admit`` callback that admits ``action`` and records the lane state it was shown in ``seen``."""

    def admit(lane: LaneState) -> Admission:
        if seen is not None:
            seen.append(lane)
        return Admission(
            action=action,
            events=[proposed(action)] if events is None else events,
            at=admitted_at or action.created_at,
            charges=charges,
            open_breaker=open_breaker,
        )

    return admit


def add(
    store: Store,
    action: Action,
    *,
    windows: dict[str, datetime] | None = None,
    events: Sequence[EventDraft] | None = None,
    charges: Sequence[tuple[str, float]] = (),
    open_breaker: str | None = None,
    admitted_at: datetime | None = None,
    seen: list[LaneState] | None = None,
) -> Action:
    """Admit ``action`` into ``store`` in its own lane."""
    admit = admit_as(
        action, events=events, charges=charges, open_breaker=open_breaker, admitted_at=admitted_at, seen=seen
    )
    return store.create_action(action.call.agent, action.call.tool, windows or {}, admit)


def with_timer(store: Store, action_id: str, *, status: Status, **deadline: datetime) -> Action:
    """A new action moved to ``status`` with one deadline set (``expires_at``, ``window_ends_at``, ...)."""
    add(store, make_action(action_id))
    changed = store.transition(
        action_id,
        expect={Status.PENDING},
        changes=Changes(status=status, updated_at=at(0), **deadline),  # type: ignore[arg-type]
        events=[],
    )
    assert changed is not None
    return changed


def charge(
    store: Store,
    action_id: str,
    amounts: Sequence[tuple[str, float]],
    when: datetime,
    *,
    agent: str = AGENT,
    tool: str = TOOL,
) -> None:
    """Record usage for a lane by admitting a throwaway action at ``when``."""
    action = make_action(action_id, created_at=when, agent=agent, tool=tool)
    add(store, action, charges=amounts, admitted_at=when)


def decision_event(action_id: str, decision: Decision) -> EventDraft:
    return EventDraft(f"human:{decision.by}", f"action.{decision.kind}", action_id, {"decision": decision.kind})


def refuse(lane: LaneState) -> Admission:
    raise AdmitRefused("the policy refused this call")


class ActionConformance:
    """The contract of ``ActionStore``: admission, compare-and-set transitions, reads, listing and due timers.

    Each conformance class proves one capability of ``tether.store.Store``; a backend's tests subclass every one of
    them and provide a ``store`` fixture."""

    # -- admission ------------------------------------------------------------------------------------------

    def test_create_action_returns_the_admitted_action(self, store: Store) -> None:
        action = make_action("a1")
        assert add(store, action) == action

    def test_create_action_stores_the_action(self, store: Store) -> None:
        action = make_action("a1")
        add(store, action)
        assert store.get_action("a1") == action

    def test_create_action_writes_its_events(self, store: Store) -> None:
        action = make_action("a1")
        note = EventDraft("system", "breaker.opened", "a1", {"limit": "refund-rate"})
        add(store, action, events=[proposed(action), note])
        assert [(e.actor, e.kind, e.action_id, e.body) for e in store.audit_events()] == [
            ("agent:support-bot", "action.proposed", "a1", {"tool": "refund"}),
            ("system", "breaker.opened", "a1", {"limit": "refund-rate"}),
        ]

    def test_create_action_stamps_events_with_the_admission_time(self, store: Store) -> None:
        add(store, make_action("a1"), admitted_at=at(7))
        assert [e.at for e in store.audit_events()] == [iso(at(7))]

    def test_admit_sees_an_empty_lane_when_nothing_happened_in_it(self, store: Store) -> None:
        seen: list[LaneState] = []
        add(store, make_action("a1"), windows={"refund-rate": at(-60)}, seen=seen)
        assert seen == [LaneState(level=None, breaker=None, usage={"refund-rate": 0.0})]

    def test_admit_sees_the_usage_charged_inside_each_window(self, store: Store) -> None:
        charge(store, "c1", [("count", 1.0), ("amount", 40.0)], at(-30))
        charge(store, "c2", [("count", 1.0), ("amount", 2.5)], at(-10))
        seen: list[LaneState] = []
        add(store, make_action("a1"), windows={"count": at(-60), "amount": at(-60)}, seen=seen)
        assert seen[0].usage == {"count": 2.0, "amount": 42.5}

    def test_admit_does_not_count_usage_before_the_window_start(self, store: Store) -> None:
        charge(store, "old", [("count", 5.0)], at(-120))
        charge(store, "new", [("count", 1.0)], at(-10))
        seen: list[LaneState] = []
        add(store, make_action("a1"), windows={"count": at(-60)}, seen=seen)
        assert seen[0].usage == {"count": 1.0}

    def test_each_limit_is_summed_over_its_own_window(self, store: Store) -> None:
        charge(store, "old", [("hourly", 5.0), ("daily", 5.0)], at(-120))
        charge(store, "new", [("hourly", 1.0), ("daily", 1.0)], at(-10))
        seen: list[LaneState] = []
        add(store, make_action("a1"), windows={"hourly": at(-60), "daily": at(-24 * 60)}, seen=seen)
        assert seen[0].usage == {"hourly": 1.0, "daily": 6.0}

    def test_usage_is_counted_per_lane(self, store: Store) -> None:
        charge(store, "other-agent", [("count", 3.0)], at(-10), agent="other-bot")
        charge(store, "other-tool", [("count", 4.0)], at(-10), tool="cancel_order")
        charge(store, "same-lane", [("count", 1.0)], at(-10))
        seen: list[LaneState] = []
        add(store, make_action("a1"), windows={"count": at(-60)}, seen=seen)
        assert seen[0].usage == {"count": 1.0}

    def test_charges_are_recorded_in_the_lane_state(self, store: Store) -> None:
        add(store, make_action("a1"), charges=[("count", 1.0), ("amount", 75.5)])
        state = store.lane_state(AGENT, TOOL, {"count": at(-60), "amount": at(-60)})
        assert state.usage == {"count": 1.0, "amount": 75.5}

    def test_lane_state_reports_only_the_limits_asked_for(self, store: Store) -> None:
        add(store, make_action("a1"), charges=[("count", 1.0), ("amount", 75.5)])
        assert store.lane_state(AGENT, TOOL, {"count": at(-60)}).usage == {"count": 1.0}

    def test_open_breaker_opens_the_lanes_breaker(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate", admitted_at=at(3))
        assert store.breakers() == [Breaker(agent=AGENT, tool=TOOL, limit="refund-rate", opened_at=at(3))]

    def test_open_breaker_shows_in_the_lane_state(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        assert store.lane_state(AGENT, TOOL, {}).breaker == "refund-rate"

    def test_admit_sees_an_open_breaker(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        seen: list[LaneState] = []
        add(store, make_action("a2"), seen=seen)
        assert seen[0].breaker == "refund-rate"

    def test_the_first_trip_of_a_breaker_wins(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate", admitted_at=at(3))
        add(store, make_action("a2"), open_breaker="refund-burst", admitted_at=at(4))
        assert store.breakers() == [Breaker(agent=AGENT, tool=TOOL, limit="refund-rate", opened_at=at(3))]

    def test_a_breaker_belongs_to_one_lane(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        assert store.lane_state("other-bot", TOOL, {}).breaker is None
        assert store.lane_state(AGENT, "cancel_order", {}).breaker is None

    def test_admit_that_raises_propagates_its_error(self, store: Store) -> None:
        with pytest.raises(AdmitRefused):
            store.create_action(AGENT, TOOL, {}, refuse)

    def test_admit_that_raises_writes_no_action(self, store: Store) -> None:
        action = make_action("a1")

        def admit_then_refuse(lane: LaneState) -> Admission:
            admit_as(action)(lane)
            raise AdmitRefused("changed its mind")

        with pytest.raises(AdmitRefused):
            store.create_action(AGENT, TOOL, {}, admit_then_refuse)
        with pytest.raises(NotFound):
            store.get_action("a1")
        assert store.list_actions(ActionFilter()) == []

    def test_admit_that_raises_writes_no_event(self, store: Store) -> None:
        add(store, make_action("a0"))
        head = store.audit_head()
        with pytest.raises(AdmitRefused):
            store.create_action(AGENT, TOOL, {}, refuse)
        assert store.audit_head() == head
        assert len(list(store.audit_events())) == 1

    def test_a_failed_admission_writes_no_usage_and_opens_no_breaker(self, store: Store) -> None:
        action = make_action("a1")
        admission = admit_as(action, charges=[("count", 1.0)], open_breaker="count")

        def admit_then_fail(lane: LaneState) -> Admission:
            admission(lane)
            raise AdmitRefused("failed after building the admission")

        with pytest.raises(AdmitRefused):
            store.create_action(AGENT, TOOL, {"count": at(-60)}, admit_then_fail)
        assert store.lane_state(AGENT, TOOL, {"count": at(-60)}) == LaneState(usage={"count": 0.0})
        assert store.breakers() == []

    # -- transitions ----------------------------------------------------------------------------------------

    def test_transition_applies_when_the_status_is_expected(self, store: Store) -> None:
        add(store, make_action("a1"))
        decision = Approve(by=REVIEWER)
        updated = store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=decision, decided_at=at(1)),
            events=[decision_event("a1", decision)],
        )
        assert updated is not None
        assert (updated.status, updated.decision, updated.updated_at) == (Status.APPROVED, decision, at(1))

    def test_transition_returns_what_is_stored(self, store: Store) -> None:
        add(store, make_action("a1"))
        updated = store.transition(
            "a1", expect={Status.PENDING}, changes=Changes(status=Status.APPROVED, updated_at=at(1)), events=[]
        )
        assert updated == store.get_action("a1")

    def test_transition_accepts_any_of_the_expected_statuses(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.APPROVED))
        updated = store.transition(
            "a1",
            expect={Status.PENDING, Status.APPROVED, Status.RUNNING},
            changes=Changes(status=Status.REJECTED, updated_at=at(1)),
            events=[],
        )
        assert updated is not None
        assert updated.status is Status.REJECTED

    def test_transition_returns_none_when_the_status_is_not_expected(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.REJECTED))
        lost = store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=Approve(by=REVIEWER)),
            events=[],
        )
        assert lost is None

    def test_transition_that_loses_changes_nothing(self, store: Store) -> None:
        action = add(store, make_action("a1", status=Status.REJECTED))
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=Approve(by=REVIEWER)),
            events=[],
        )
        assert store.get_action("a1") == action

    def test_transition_that_loses_writes_no_event(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.REJECTED))
        head = store.audit_head()
        decision = Approve(by=REVIEWER)
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=decision),
            events=[decision_event("a1", decision)],
        )
        assert store.audit_head() == head
        assert [e.kind for e in store.events_for("a1")] == ["action.proposed"]

    def test_transition_of_an_unknown_action_raises_not_found(self, store: Store) -> None:
        with pytest.raises(NotFound):
            store.transition(
                "nope",
                expect={Status.PENDING},
                changes=Changes(status=Status.APPROVED, updated_at=at(1)),
                events=[EventDraft("human:alice", "action.approved", "nope")],
            )

    def test_transition_of_an_unknown_action_writes_no_event(self, store: Store) -> None:
        with pytest.raises(NotFound):
            store.transition(
                "nope",
                expect={Status.PENDING},
                changes=Changes(status=Status.APPROVED, updated_at=at(1)),
                events=[EventDraft("human:alice", "action.approved", "nope")],
            )
        assert store.audit_head() == Anchor(0, GENESIS)

    def test_transition_events_are_in_the_audit_log(self, store: Store) -> None:
        add(store, make_action("a1"))
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.REJECTED, updated_at=at(2)),
            events=[
                EventDraft("human:alice", "action.rejected", "a1", {"note": "no"}),
                EventDraft("system", "outbox.queued", "a1", {"channel": "slack"}),
            ],
        )
        tail = list(store.audit_events(after=1))
        assert [(e.seq, e.actor, e.kind, e.body, e.at) for e in tail] == [
            (2, "human:alice", "action.rejected", {"note": "no"}, iso(at(2))),
            (3, "system", "outbox.queued", {"channel": "slack"}, iso(at(2))),
        ]

    def test_transition_leaves_fields_it_is_not_given_unchanged(self, store: Store) -> None:
        add(store, make_action("a1"))
        decision = Edit(by=REVIEWER, args={"order": "O-2"}, note="other order")
        first = store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(
                status=Status.APPROVED,
                updated_at=at(1),
                decision=decision,
                decided_at=at(1),
                result={"kept": True},
                error="kept too",
                window_ends_at=at(11),
            ),
            events=[],
        )
        second = store.transition(
            "a1", expect={Status.APPROVED}, changes=Changes(status=Status.RUNNING, updated_at=at(2)), events=[]
        )
        assert first is not None
        assert second == replace(first, status=Status.RUNNING, updated_at=at(2), version=first.version + 1)
        assert store.get_action("a1") == second

    def test_transition_with_none_clears_a_field(self, store: Store) -> None:
        add(store, make_action("a1"))
        claimed = store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.RUNNING, updated_at=at(1), claimed_by="w1", lease_until=at(2)),
            events=[],
        )
        assert claimed is not None
        assert (claimed.claimed_by, claimed.lease_until) == ("w1", at(2))
        cleared = store.transition(
            "a1",
            expect={Status.RUNNING},
            changes=Changes(status=Status.EXECUTED, updated_at=at(3), claimed_by=None, lease_until=None),
            events=[],
        )
        assert cleared is not None
        assert (cleared.claimed_by, cleared.lease_until) == (None, None)

    def test_every_transition_bumps_the_version(self, store: Store) -> None:
        add(store, make_action("a1"))
        assert store.get_action("a1").version == 0
        store.transition(
            "a1", expect={Status.PENDING}, changes=Changes(status=Status.PENDING, updated_at=at(1)), events=[]
        )
        assert store.get_action("a1").version == 1

    def test_transition_with_a_stale_version_loses(self, store: Store) -> None:
        add(store, make_action("a1"))
        store.transition(
            "a1", expect={Status.PENDING}, changes=Changes(status=Status.PENDING, updated_at=at(1)), events=[]
        )
        lost = store.transition(
            "a1",
            expect={Status.PENDING},
            expect_version=0,
            changes=Changes(status=Status.APPROVED, updated_at=at(2)),
            events=[EventDraft("human:alice", "action.approved", "a1")],
        )
        assert lost is None
        assert store.get_action("a1").status is Status.PENDING
        assert store.audit_head().seq == 1
        won = store.transition(
            "a1",
            expect={Status.PENDING},
            expect_version=1,
            changes=Changes(status=Status.APPROVED, updated_at=at(2)),
            events=[],
        )
        assert won is not None
        assert won.version == 2

    def test_approvals_undo_and_timer_fields_round_trip(self, store: Store) -> None:
        add(store, make_action("a1"))
        approvals = (Approve(by="alice", note="ok"), Edit(by="bob", args={"order": "O-9"}, note="fix"))
        undo = UndoRecord(by="carol", requested_at=at(5), result={"recalled": True}, error=None)
        changed = store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(
                status=Status.UNDO_REQUESTED,
                updated_at=at(6),
                approvals=approvals,
                expires_at=at(7),
                run_at=at(8),
                reviewers="finance",
                escalations=1,
                claimed_by="worker-1",
                lease_until=at(9),
                undo=undo,
            ),
            events=[],
        )
        assert changed is not None
        stored = store.get_action("a1")
        assert stored == changed
        assert stored.approvals == approvals
        assert stored.undo == undo
        assert (stored.expires_at, stored.run_at, stored.lease_until) == (at(7), at(8), at(9))
        assert (stored.reviewers, stored.escalations, stored.claimed_by) == ("finance", 1, "worker-1")

    def test_due_actions_finds_each_kind_of_timer_that_fell_due(self, store: Store) -> None:
        with_timer(store, "expired", status=Status.PENDING, expires_at=at(5))
        with_timer(store, "not-yet", status=Status.PENDING, expires_at=at(50))
        with_timer(store, "window", status=Status.EXECUTED, window_ends_at=at(3))
        with_timer(store, "lease", status=Status.RUNNING, lease_until=at(4))
        add(store, make_action("no-deadline"))
        assert [a.id for a in store.due_actions(at(10))] == ["window", "lease", "expired"]
        assert [a.id for a in store.due_actions(at(10), limit=1)] == ["window"]
        assert store.due_actions(at(1)) == []

    def test_count_actions_counts_per_mode_and_status(self, store: Store) -> None:
        add(store, make_action("a1"))
        add(store, make_action("a2"))
        store.transition(
            "a2", expect={Status.PENDING}, changes=Changes(status=Status.REJECTED, updated_at=at(1)), events=[]
        )
        mode = store.get_action("a1").verdict.mode.value
        assert store.count_actions() == {(mode, "pending"): 1, (mode, "rejected"): 1}

    def test_list_actions_oldest_first(self, store: Store) -> None:
        add(store, make_action("a1", created_at=at(1)))
        add(store, make_action("a2", created_at=at(2)))
        assert [a.id for a in store.list_actions(ActionFilter(oldest_first=True))] == ["a1", "a2"]

    def test_list_actions_filters_by_a_set_of_tools(self, store: Store) -> None:
        add(store, make_action("a1"))
        assert [a.id for a in store.list_actions(ActionFilter(tools={TOOL, "other"}))] == ["a1"]
        assert store.list_actions(ActionFilter(tools={"other"})) == []

    def test_concurrent_transitions_have_exactly_one_winner(self, store: Store) -> None:
        add(store, make_action("a1"))
        racers = 8
        start = threading.Barrier(racers)
        won: list[str] = []
        lost: list[str] = []
        failed: list[BaseException] = []

        def race(reviewer: str) -> None:
            decision = Approve(by=reviewer)
            try:
                start.wait(timeout=10)
                updated = store.transition(
                    "a1",
                    expect={Status.PENDING},
                    changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=decision, decided_at=at(1)),
                    events=[decision_event("a1", decision)],
                )
            except BaseException as exc:  # reported below, in the test's own thread
                failed.append(exc)
                return
            (won if updated is not None else lost).append(reviewer)

        threads = [threading.Thread(target=race, args=(f"reviewer-{i}",)) for i in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failed == []
        assert len(won) == 1
        assert len(lost) == racers - 1
        decided = store.get_action("a1").decision
        assert decided is not None
        assert decided.by == won[0]
        decisions = [e for e in store.events_for("a1") if e.kind == "action.approve"]
        assert [e.actor for e in decisions] == [f"human:{won[0]}"]
        assert verify(store.audit_events()).ok

    # -- reading actions back -------------------------------------------------------------------------------

    def test_get_action_of_an_unknown_id_raises_not_found(self, store: Store) -> None:
        with pytest.raises(NotFound):
            store.get_action("nope")

    def test_get_action_round_trips_every_field_of_a_new_action(self, store: Store) -> None:
        call = ToolCall(
            tool="transfer_funds",
            args={
                "account": "A-1",
                "amount": 50.25,
                "count": 3,
                "urgent": True,
                "memo": 'Zoë paid € 5 "twice" ☃',
                "tags": ["a", "b"],
                "nested": {"k": [1, {"z": None}]},
            },
            agent=AGENT,
            thread="thread-9",
            reasoning="the customer asked for a refund; ticket T-42",
            confidence=0.75,
            subject="T-42",
            call_id="call-123",
        )
        verdict = Verdict(
            mode=Mode.APPROVE,
            reasons=(
                Reason(step="matrix", ref="critical/no", mode=Mode.APPROVE, text="critical and irreversible"),
                Reason(step="limit", ref="transfer-rate", mode=Mode.APPROVE, text="over 3 per hour"),
            ),
            alert=True,
            urgency=Urgency.HIGH,
            quorum=2,
            window=timedelta(minutes=10),
            timeout=timedelta(hours=4),
            on_timeout="escalate",
            reviewers="finance",
            locked=True,
            ceiling=Mode.NOTIFY,
            trips="transfer-rate",
            charges=(("transfer-rate", 1.0), ("transfer-amount", 50.25)),
        )
        action = Action(
            id="a-full",
            call=call,
            verdict=verdict,
            status=Status.PENDING,
            created_at=T0 + timedelta(microseconds=123457),
            updated_at=T0 + timedelta(seconds=1, microseconds=999999),
            policy_version="policy-abc",
            expires_at=T0 + timedelta(hours=4),
        )
        add(store, action)
        assert store.get_action("a-full") == action

    def test_get_action_round_trips_an_action_with_no_optional_fields(self, store: Store) -> None:
        action = Action(
            id="a-bare",
            call=ToolCall(tool="classify_ticket", agent=AGENT, call_id="c-1"),
            verdict=Verdict(mode=Mode.AUTO, reasons=()),
            status=Status.RUNNING,
            created_at=T0,
            updated_at=T0,
            policy_version="p",
        )
        add(store, action)
        assert store.get_action("a-bare") == action

    @pytest.mark.parametrize(
        ("decision", "status"),
        [
            (Approve(by=REVIEWER, note="looks right"), Status.APPROVED),
            (Edit(by=REVIEWER, args={"order": "O-9", "lines": [1, 2], "why": "typo ✓"}, note="fixed"), Status.APPROVED),
            (Reject(by=REVIEWER, note="not this customer"), Status.REJECTED),
            (Respond(by=REVIEWER, message="ask for the invoice number first"), Status.RESPONDED),
        ],
        ids=["approve", "edit", "reject", "respond"],
    )
    def test_get_action_round_trips_each_kind_of_decision(
        self, store: Store, decision: Decision, status: Status
    ) -> None:
        add(store, make_action("a1"))
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=status, updated_at=at(5), decision=decision, decided_at=at(4)),
            events=[decision_event("a1", decision)],
        )
        got = store.get_action("a1")
        assert (got.status, got.decision, got.decided_at, got.updated_at) == (status, decision, at(4), at(5))

    def test_get_action_round_trips_a_result_and_its_window(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.RUNNING, mode=Mode.OVERRIDE))
        result = {"ok": True, "n": 3, "x": 1.5, "items": ["a", None], "text": "remboursé ✓", "deep": {"a": [{}]}}
        store.transition(
            "a1",
            expect={Status.RUNNING},
            changes=Changes(status=Status.EXECUTED, updated_at=at(1), result=result, window_ends_at=at(11)),
            events=[],
        )
        got = store.get_action("a1")
        assert (got.status, got.result, got.window_ends_at, got.error) == (Status.EXECUTED, result, at(11), None)

    def test_get_action_round_trips_a_plain_string_result(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.RUNNING))
        store.transition(
            "a1",
            expect={Status.RUNNING},
            changes=Changes(status=Status.EXECUTED, updated_at=at(1), result="refunded 50"),
            events=[],
        )
        assert store.get_action("a1").result == "refunded 50"

    def test_a_result_is_stored_as_plain_json(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.RUNNING))
        store.transition(
            "a1",
            expect={Status.RUNNING},
            changes=Changes(status=Status.EXECUTED, updated_at=at(1), result={"pair": (1, 2)}),
            events=[],
        )
        assert store.get_action("a1").result == {"pair": [1, 2]}

    def test_get_action_round_trips_an_error(self, store: Store) -> None:
        add(store, make_action("a1", status=Status.RUNNING))
        store.transition(
            "a1",
            expect={Status.RUNNING},
            changes=Changes(status=Status.FAILED, updated_at=at(1), error="TimeoutError: bank API did not answer"),
            events=[],
        )
        got = store.get_action("a1")
        assert (got.status, got.error, got.result) == (Status.FAILED, "TimeoutError: bank API did not answer", None)

    # -- listing --------------------------------------------------------------------------------------------

    def _five(self, store: Store) -> None:
        """a1..a5, one minute apart, over two agents, two tools and three statuses."""
        add(store, make_action("a1", created_at=at(1), status=Status.PENDING))
        add(store, make_action("a2", created_at=at(2), status=Status.EXECUTED, agent="other-bot"))
        add(store, make_action("a3", created_at=at(3), status=Status.PENDING, tool="cancel_order"))
        add(store, make_action("a4", created_at=at(4), status=Status.REJECTED, agent="other-bot"))
        add(store, make_action("a5", created_at=at(5), status=Status.PENDING))

    @staticmethod
    def _ids(actions: list[Action]) -> list[str]:
        return [a.id for a in actions]

    def test_urgent_first_puts_high_urgency_first_then_oldest_first_and_pages(self, store: Store) -> None:
        for i, urgency in enumerate("nhnhnnh"):
            level = Urgency.HIGH if urgency == "h" else Urgency.NORMAL
            add(store, make_action(f"a{i}", created_at=at(i), urgency=level))
        inbox = ActionFilter(status={Status.PENDING}, urgent_first=True, limit=100)
        expected = ["a1", "a3", "a6", "a0", "a2", "a4", "a5"]
        assert self._ids(store.list_actions(inbox)) == expected
        for offset in range(len(expected) + 1):
            for limit in (1, 2, 3, 5):
                page = replace(inbox, offset=offset, limit=limit)
                assert self._ids(store.list_actions(page)) == expected[offset : offset + limit], (offset, limit)

    def test_filters_by_mode_time_range_and_reviewer(self, store: Store) -> None:
        add(store, make_action("a1", created_at=at(1), mode=Mode.APPROVE))
        add(store, make_action("a2", created_at=at(2), mode=Mode.OVERRIDE))
        add(store, make_action("a3", created_at=at(3), mode=Mode.APPROVE))
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(
                status=Status.REJECTED, updated_at=at(4), decision=Reject(by="alice", note='"by": "mallory"')
            ),
            events=[],
        )
        store.transition(
            "a3",
            expect={Status.PENDING},
            changes=Changes(status=Status.PENDING, updated_at=at(4), approvals=(Approve(by="bob_1"),)),
            events=[],
        )
        assert self._ids(store.list_actions(ActionFilter(modes={Mode.APPROVE}))) == ["a3", "a1"]
        assert self._ids(store.list_actions(ActionFilter(since=at(2), until=at(3)))) == ["a2"]
        assert self._ids(store.list_actions(ActionFilter(reviewer="alice"))) == ["a1"]
        assert self._ids(store.list_actions(ActionFilter(reviewer="bob_1"))) == ["a3"]
        # a note quoting another name does not make its author a reviewer, and LIKE wildcards are literal
        assert store.list_actions(ActionFilter(reviewer="mallory")) == []
        assert store.list_actions(ActionFilter(reviewer="bob%")) == []
        assert store.list_actions(ActionFilter(reviewer="bob_")) == []
        assert store.count_matching(ActionFilter(modes={Mode.APPROVE})) == 2
        assert store.count_matching(ActionFilter(status={Status.PENDING}, limit=1)) == 2
        assert store.count_matching(ActionFilter(agent="nobody")) == 0

    def test_list_actions_is_newest_first(self, store: Store) -> None:
        self._five(store)
        assert self._ids(store.list_actions(ActionFilter())) == ["a5", "a4", "a3", "a2", "a1"]

    def test_list_actions_is_newest_first_whatever_the_insertion_order(self, store: Store) -> None:
        add(store, make_action("late", created_at=at(9)))
        add(store, make_action("early", created_at=at(1)))
        add(store, make_action("middle", created_at=at(5)))
        assert self._ids(store.list_actions(ActionFilter())) == ["late", "middle", "early"]

    def test_list_actions_filters_by_status(self, store: Store) -> None:
        self._five(store)
        pending = store.list_actions(ActionFilter(status={Status.PENDING}))
        assert self._ids(pending) == ["a5", "a3", "a1"]

    def test_list_actions_filters_by_any_of_several_statuses(self, store: Store) -> None:
        self._five(store)
        done = store.list_actions(ActionFilter(status={Status.EXECUTED, Status.REJECTED}))
        assert self._ids(done) == ["a4", "a2"]

    def test_list_actions_filters_by_agent(self, store: Store) -> None:
        self._five(store)
        assert self._ids(store.list_actions(ActionFilter(agent="other-bot"))) == ["a4", "a2"]

    def test_list_actions_filters_by_tool(self, store: Store) -> None:
        self._five(store)
        assert self._ids(store.list_actions(ActionFilter(tool="cancel_order"))) == ["a3"]

    def test_list_actions_combines_filters(self, store: Store) -> None:
        self._five(store)
        found = store.list_actions(ActionFilter(status={Status.PENDING}, agent=AGENT, tool=TOOL))
        assert self._ids(found) == ["a5", "a1"]

    def test_list_actions_limits_the_page(self, store: Store) -> None:
        self._five(store)
        assert self._ids(store.list_actions(ActionFilter(limit=2))) == ["a5", "a4"]

    def test_list_actions_pages_with_offset(self, store: Store) -> None:
        self._five(store)
        assert self._ids(store.list_actions(ActionFilter(limit=2, offset=2))) == ["a3", "a2"]

    def test_list_actions_pages_after_filtering(self, store: Store) -> None:
        self._five(store)
        page = store.list_actions(ActionFilter(status={Status.PENDING}, limit=1, offset=1))
        assert self._ids(page) == ["a3"]

    def test_list_actions_past_the_end_is_empty(self, store: Store) -> None:
        self._five(store)
        assert store.list_actions(ActionFilter(offset=5)) == []

    def test_list_actions_returns_whole_actions(self, store: Store) -> None:
        action = add(store, make_action("a1", args={"order": "O-7", "amount": 12.5}))
        assert store.list_actions(ActionFilter()) == [action]

    def test_sweepers_split_due_timers_and_a_dead_ones_claims_lapse(self, store: Store) -> None:
        for n in range(6):
            with_timer(store, f"a{n}", status=Status.PENDING, expires_at=at(n))
        first = store.claim_due(at(10), worker="s1", lease_until=at(11), limit=4)
        second = store.claim_due(at(10), worker="s2", lease_until=at(11), limit=4)
        assert [a.id for a in first] == ["a0", "a1", "a2", "a3"]
        assert [a.id for a in second] == ["a4", "a5"]
        assert store.claim_due(at(10.5), worker="s3", lease_until=at(12)) == []
        version = store.get_action("a0").version
        store.transition(  # s1 fires a0; then dies holding a1..a3
            "a0",
            expect={Status.PENDING},
            changes=Changes(status=Status.EXPIRED, updated_at=at(10)),
            events=[],
            expect_version=version,  # the claim did not move the version
        )
        again = store.claim_due(at(11), worker="s3", lease_until=at(12))
        assert [a.id for a in again] == ["a1", "a2", "a3", "a4", "a5"]
        assert len(store.due_actions(at(11))) == 5


class LaneConformance:
    """The contract of ``LaneStore``: levels, the lanes there are, incidents, and breakers that open per lane,
    close once, and open again."""

    # -- levels, lanes and incidents -------------------------------------------------------------------------

    def test_a_lane_has_no_level_until_one_is_set(self, store: Store) -> None:
        assert store.lane_state(AGENT, TOOL, {}).level is None

    def test_set_level_is_read_back_and_audited(self, store: Store) -> None:
        event = EventDraft("human:alice", "lane.promoted", None, {"lane": f"{AGENT}/{TOOL}", "to": "override"})
        store.set_level(AGENT, TOOL, Mode.OVERRIDE, [event], at=at(1))
        assert store.lane_state(AGENT, TOOL, {}).level is Mode.OVERRIDE
        assert store.lane_state(AGENT, "other_tool", {}).level is None
        assert [e.kind for e in store.audit_events()] == ["lane.promoted"]

    def test_set_level_to_none_returns_the_lane_to_the_policys_start(self, store: Store) -> None:
        store.set_level(AGENT, TOOL, Mode.NOTIFY, [], at=at(1))
        store.set_level(AGENT, TOOL, None, [], at=at(2))
        assert store.lane_state(AGENT, TOOL, {}).level is None

    def test_lanes_lists_lanes_with_a_level_or_an_action_sorted(self, store: Store) -> None:
        add(store, make_action("a1", agent="zeta-bot", tool="refund"))
        store.set_level("alpha-bot", "send_email", Mode.APPROVE, [], at=at(1))
        assert store.lanes() == [("alpha-bot", "send_email"), ("zeta-bot", "refund")]

    def test_incidents_are_kept_per_lane_oldest_first_with_their_events(self, store: Store) -> None:
        add(store, make_action("a1"))
        add(store, make_action("a2"))
        second = Incident(action_id="a2", at=at(5), note="wrong customer", by="bob", finding="bad")
        first = Incident(action_id="a1", at=at(3), note="refunded twice", by="alice")
        store.add_incident(second, AGENT, TOOL, [EventDraft("human:bob", "incident.reported", "a2")])
        store.add_incident(first, AGENT, TOOL, [EventDraft("human:alice", "incident.reported", "a1")])
        assert store.incidents(AGENT, TOOL) == [first, second]
        assert store.incidents(AGENT, "other_tool") == []
        assert [e.kind for e in store.audit_events()].count("incident.reported") == 2

    # -- breakers -------------------------------------------------------------------------------------------

    def test_close_breaker_closes_an_open_breaker(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        closed = store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(1))
        assert closed is True
        assert store.breakers() == []
        assert store.lane_state(AGENT, TOOL, {}).breaker is None

    def test_close_breaker_returns_false_the_second_time(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        event = EventDraft("human:alice", "breaker.closed")
        assert store.close_breaker(AGENT, TOOL, event, at=at(1)) is True
        assert store.close_breaker(AGENT, TOOL, event, at=at(2)) is False

    def test_close_breaker_writes_its_event_only_when_it_closes(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate")
        event = EventDraft("human:alice", "breaker.closed", None, {"lane": f"{AGENT}/{TOOL}"})
        store.close_breaker(AGENT, TOOL, event, at=at(1))
        store.close_breaker(AGENT, TOOL, event, at=at(2))
        closes = [e for e in store.audit_events() if e.kind == "breaker.closed"]
        assert [(e.actor, e.body, e.at) for e in closes] == [
            ("human:alice", {"lane": "support-bot/refund"}, iso(at(1)))
        ]

    def test_close_breaker_of_a_lane_that_never_tripped_returns_false(self, store: Store) -> None:
        assert store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(1)) is False
        assert store.audit_head() == Anchor(0, GENESIS)

    def test_close_breaker_closes_only_its_lane(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate", admitted_at=at(1))
        add(store, make_action("a2", agent="other-bot"), open_breaker="refund-rate", admitted_at=at(2))
        store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(3))
        assert store.breakers() == [Breaker(agent="other-bot", tool=TOOL, limit="refund-rate", opened_at=at(2))]

    def test_a_closed_breaker_can_open_again(self, store: Store) -> None:
        add(store, make_action("a1"), open_breaker="refund-rate", admitted_at=at(1))
        store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(2))
        add(store, make_action("a2"), open_breaker="refund-amount", admitted_at=at(3))
        assert store.breakers() == [Breaker(agent=AGENT, tool=TOOL, limit="refund-amount", opened_at=at(3))]


class AuditLogConformance:
    """The contract of ``AuditLog``: a gapless, hash-linked sequence with a head that matches its last event."""

    # -- the audit log --------------------------------------------------------------------------------------

    def _drafts(self, count: int) -> list[EventDraft]:
        return [EventDraft("system", "config.checked", None, {"n": n}) for n in range(count)]

    def test_an_empty_log_has_the_genesis_head(self, store: Store) -> None:
        assert store.audit_head() == Anchor(0, GENESIS)
        assert list(store.audit_events()) == []

    def test_append_events_assigns_seq_from_one(self, store: Store) -> None:
        made = store.append_events(self._drafts(4), at=T0)
        assert [e.seq for e in made] == [1, 2, 3, 4]

    def test_append_events_continues_the_sequence(self, store: Store) -> None:
        store.append_events(self._drafts(2), at=T0)
        add(store, make_action("a1"))
        made = store.append_events(self._drafts(2), at=at(1))
        assert [e.seq for e in made] == [4, 5]

    def test_append_events_links_each_event_to_the_one_before(self, store: Store) -> None:
        store.append_events(self._drafts(1), at=T0)
        store.append_events(self._drafts(3), at=at(1))
        events = list(store.audit_events())
        assert [e.prev_hash for e in events] == [GENESIS] + [e.hash for e in events[:-1]]

    def test_append_events_returns_what_is_stored(self, store: Store) -> None:
        made = store.append_events(self._drafts(3), at=T0)
        assert list(store.audit_events()) == made

    def test_append_of_no_events_writes_nothing(self, store: Store) -> None:
        store.append_events(self._drafts(1), at=T0)
        head = store.audit_head()
        assert store.append_events([], at=at(1)) == []
        assert store.audit_head() == head

    def test_event_fields_round_trip(self, store: Store) -> None:
        body = {"amount": 50.25, "note": "Zoë ☃", "list": [1, None, True], "nested": {"b": {"c": "d"}}}
        store.append_events([EventDraft("human:zoë", "note.added", "a-9", body)], at=at(3))
        (event,) = store.audit_events()
        assert (event.actor, event.kind, event.action_id, event.body, event.at) == (
            "human:zoë",
            "note.added",
            "a-9",
            body,
            iso(at(3)),
        )

    def test_audit_events_after_skips_the_earlier_events(self, store: Store) -> None:
        store.append_events(self._drafts(6), at=T0)
        assert [e.seq for e in store.audit_events(after=4)] == [5, 6]

    def test_audit_events_limit_caps_the_page(self, store: Store) -> None:
        store.append_events(self._drafts(6), at=T0)
        assert [e.seq for e in store.audit_events(after=1, limit=3)] == [2, 3, 4]

    def test_audit_events_pages_cover_the_log_once(self, store: Store) -> None:
        store.append_events(self._drafts(10), at=T0)
        seen: list[int] = []
        while page := list(store.audit_events(after=seen[-1] if seen else 0, limit=3)):
            seen.extend(e.seq for e in page)
        assert seen == list(range(1, 11))

    def test_audit_events_after_the_head_is_empty(self, store: Store) -> None:
        store.append_events(self._drafts(3), at=T0)
        assert list(store.audit_events(after=3)) == []

    def test_audit_events_reads_a_log_longer_than_one_page(self, store: Store) -> None:
        store.append_events(self._drafts(2500), at=T0)
        assert [e.seq for e in store.audit_events()] == list(range(1, 2501))
        assert [e.seq for e in store.audit_events(after=100, limit=1500)] == list(range(101, 1601))

    def test_audit_head_matches_the_last_event(self, store: Store) -> None:
        add(store, make_action("a1"))
        store.append_events(self._drafts(2), at=at(1))
        last = list(store.audit_events())[-1]
        assert store.audit_head() == Anchor(last.seq, last.hash)

    def test_audit_tail_returns_the_last_events(self, store: Store) -> None:
        store.append_events(self._drafts(5), at=T0)
        assert [e.seq for e in store.audit_tail(2)] == [4, 5]

    def test_events_for_returns_an_actions_timeline_in_order(self, store: Store) -> None:
        add(store, make_action("a1"))
        add(store, make_action("a2"))
        decision = Approve(by=REVIEWER)
        store.transition(
            "a1",
            expect={Status.PENDING},
            changes=Changes(status=Status.APPROVED, updated_at=at(1), decision=decision),
            events=[decision_event("a1", decision)],
        )
        store.append_events(self._drafts(1), at=at(2))
        store.transition(
            "a1",
            expect={Status.APPROVED},
            changes=Changes(status=Status.RUNNING, updated_at=at(3)),
            events=[EventDraft("agent:support-bot", "action.started", "a1")],
        )
        timeline = store.events_for("a1")
        assert [(e.seq, e.kind) for e in timeline] == [
            (1, "action.proposed"),
            (3, "action.approve"),
            (5, "action.started"),
        ]

    def test_events_for_an_action_without_events_is_empty(self, store: Store) -> None:
        add(store, make_action("a1"))
        assert store.events_for("nope") == []

    def test_the_log_verifies_after_a_mixed_workload(self, store: Store) -> None:
        windows = {"refund-rate": at(-60)}
        for n in range(3):
            add(store, make_action(f"a{n}", created_at=at(n)), windows=windows, charges=[("refund-rate", 1.0)])
        add(store, make_action("tripped", created_at=at(3)), windows=windows, open_breaker="refund-rate")
        decisions: list[tuple[Decision, Status]] = [
            (Approve(by="alice"), Status.APPROVED),
            (Reject(by="bob"), Status.REJECTED),
            (Respond(by="carol", message="wait"), Status.RESPONDED),
        ]
        for n, (decision, status) in enumerate(decisions):
            store.transition(
                f"a{n}",
                expect={Status.PENDING},
                changes=Changes(status=status, updated_at=at(10 + n), decision=decision, decided_at=at(10 + n)),
                events=[decision_event(f"a{n}", decision)],
            )
        late = Approve(by="dave")
        assert (
            store.transition(
                "a1",
                expect={Status.PENDING},
                changes=Changes(status=Status.APPROVED, updated_at=at(20), decision=late),
                events=[decision_event("a1", late)],
            )
            is None
        )
        with pytest.raises(AdmitRefused):
            store.create_action(AGENT, TOOL, windows, refuse)
        store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(21))
        store.close_breaker(AGENT, TOOL, EventDraft("human:alice", "breaker.closed"), at=at(22))
        store.append_events(self._drafts(3), at=at(23))
        report = verify(store.audit_events(), store.audit_head())
        assert report.ok, str(report)
        # 4 proposals + 3 decisions + 1 breaker close + 3 notes; the loser, the refusal and the no-op wrote nothing.
        assert report.checked == 11
        assert report.head == store.audit_head()


class TokenConformance:
    """The contract of ``TokenStore``: tokens stored by digest, found by id, revoked by id or name, each change
    audited; single-use nonces; secrets made once and shared."""

    def _token(self, token_id: str, name: str = "alice", minutes: float = 0) -> TokenRecord:
        return TokenRecord(
            id=token_id, name=name, role=Role.REVIEWER, groups=("finance",), digest="d" * 64, created_at=at(minutes)
        )

    def test_a_saved_token_is_found_by_id(self, store: Store) -> None:
        token = self._token("t1")
        store.save_token(token, EventDraft("human:root", "token.created", None, {"name": "alice"}), at=at(0))
        assert store.get_token("t1") == token
        assert store.get_token("nope") is None
        assert [e.kind for e in store.audit_events()] == ["token.created"]

    def test_tokens_are_listed_oldest_first(self, store: Store) -> None:
        for n, token_id in enumerate(("t2", "t1")):
            store.save_token(self._token(token_id, minutes=n), EventDraft("human:root", "token.created"), at=at(n))
        assert [t.id for t in store.list_tokens()] == ["t2", "t1"]

    def test_revoking_by_name_revokes_every_active_token_of_that_name(self, store: Store) -> None:
        store.save_token(self._token("t1"), EventDraft("human:root", "token.created"), at=at(0))
        store.save_token(self._token("t2"), EventDraft("human:root", "token.created"), at=at(1))
        store.save_token(self._token("t3", name="bob"), EventDraft("human:root", "token.created"), at=at(2))
        assert store.revoke_tokens("alice", EventDraft("human:root", "token.revoked"), at=at(5)) == 2
        revoked = {t.id: t.revoked_at for t in store.list_tokens()}
        assert revoked == {"t1": at(5), "t2": at(5), "t3": None}
        assert store.revoke_tokens("alice", EventDraft("human:root", "token.revoked"), at=at(6)) == 0
        assert [e.kind for e in store.audit_events()].count("token.revoked") == 1

    def test_revoking_by_id_revokes_one(self, store: Store) -> None:
        store.save_token(self._token("t1"), EventDraft("human:root", "token.created"), at=at(0))
        store.save_token(self._token("t2"), EventDraft("human:root", "token.created"), at=at(1))
        assert store.revoke_tokens("t2", EventDraft("human:root", "token.revoked"), at=at(5)) == 1
        token = store.get_token("t1")
        assert token is not None
        assert token.revoked_at is None

    def test_nonces_are_single_use_and_secrets_stable(self, store: Store) -> None:
        assert not store.nonce_used("link-1")
        assert store.use_nonce("link-1", at=at(0))
        assert store.nonce_used("link-1")
        assert not store.use_nonce("link-1", at=at(1))
        assert store.use_nonce("link-2", at=at(1))
        secret = store.secret("links")
        assert len(secret) >= 32
        assert store.secret("links") == secret
        assert store.secret("other") != secret


class ShadowConformance:
    """Shadow cases: one side at a time, paired with the oldest open case of the subject that lacks that side."""

    def _side(self, store: Store, subject: str, side: str, tool: str | None, minutes: float) -> ShadowCase:
        def fill(case: ShadowCase | None) -> ShadowCase:
            base = case or ShadowCase(id=f"{subject}-{minutes}", subject=subject, created_at=at(minutes))
            if side == "agent":
                return replace(base, agent=AGENT, has_agent=True, agent_tool=tool, agent_args={"n": minutes})
            return replace(base, has_human=True, human_tool=tool, human_args={"n": minutes}, human_by="ana")

        def events(case: ShadowCase) -> list[EventDraft]:
            return [EventDraft("system", f"shadow.{side}_recorded", None, {"case": case.id})]

        return store.record_shadow(subject, "agent" if side == "agent" else "human", fill, events, at=at(minutes))

    def test_the_first_side_opens_a_case(self, store: Store) -> None:
        case = self._side(store, "T-1", "human", "refund", 1)
        assert store.shadow_cases(ShadowFilter()) == [case]
        assert (case.has_human, case.has_agent) == (True, False)

    def test_the_other_side_completes_the_open_case(self, store: Store) -> None:
        self._side(store, "T-1", "human", "refund", 1)
        completed = self._side(store, "T-1", "agent", "refund", 2)
        assert (completed.has_agent, completed.has_human, completed.id) == (True, True, "T-1-1")
        assert len(store.shadow_cases(ShadowFilter())) == 1

    def test_a_second_report_from_the_same_side_opens_a_new_case(self, store: Store) -> None:
        self._side(store, "T-1", "agent", "refund", 1)
        self._side(store, "T-1", "agent", "refund", 2)
        assert len(store.shadow_cases(ShadowFilter(subject="T-1"))) == 2
        completed = self._side(store, "T-1", "human", "refund", 3)
        assert completed.id == "T-1-1"  # the oldest open case is completed first

    def test_cases_of_other_subjects_are_left_alone(self, store: Store) -> None:
        self._side(store, "T-1", "agent", "refund", 1)
        other = self._side(store, "T-2", "human", "refund", 2)
        assert other.has_agent is False

    def test_shadow_cases_filter_and_round_trip(self, store: Store) -> None:
        self._side(store, "T-1", "agent", "refund", 1)
        self._side(store, "T-1", "human", None, 2)
        self._side(store, "T-2", "human", "close", 3)
        [case] = store.shadow_cases(ShadowFilter(subject="T-1"))
        assert (case.agent_tool, case.human_tool, case.agent_args, case.human_by) == ("refund", None, {"n": 1}, "ana")
        assert [c.subject for c in store.shadow_cases(ShadowFilter(tool="close"))] == ["T-2"]
        assert [c.subject for c in store.shadow_cases(ShadowFilter(agent=AGENT))] == ["T-1"]
        assert [e.kind for e in store.audit_events()] == [
            "shadow.agent_recorded",
            "shadow.human_recorded",
            "shadow.human_recorded",
        ]


class OutboxConformance:
    """The notification outbox: fills that follow the audit cursor once, claims that one worker wins, retries."""

    @staticmethod
    def _delivery(delivery_id: str, *, seq: int = 1, minutes: float = 0, **fields: Any) -> Delivery:
        return Delivery(
            id=delivery_id,
            seq=seq,
            action_id="a1",
            kind="approval_needed",
            channel="ops",
            created_at=at(0),
            next_at=at(minutes),
            **fields,
        )

    def test_fill_moves_the_cursor_once(self, store: Store) -> None:
        assert store.outbox_cursor() == 0
        assert store.outbox_fill([self._delivery("d1")], after=0, upto=3)
        assert store.outbox_cursor() == 3
        assert not store.outbox_fill([self._delivery("d2")], after=0, upto=5)  # another instance got there first
        assert [d.id for d in store.outbox_list()] == ["d1"]
        assert store.outbox_fill([], after=3, upto=7)
        assert store.outbox_cursor() == 7

    def test_claims_take_due_deliveries_once_and_lapsed_leases_come_back(self, store: Store) -> None:
        store.outbox_fill(
            [self._delivery("now"), self._delivery("later", minutes=10), self._delivery("soon", minutes=1)],
            after=0,
            upto=1,
        )
        first = store.outbox_claim(at(2), worker="w1", lease_until=at(3))
        assert [d.id for d in first] == ["now", "soon"]
        assert all(d.status == "sending" and d.claimed_by == "w1" for d in first)
        assert store.outbox_claim(at(2), worker="w2", lease_until=at(3)) == []
        again = store.outbox_claim(at(4), worker="w2", lease_until=at(5))  # w1 died: its lease lapsed
        assert [d.id for d in again] == ["now", "soon"]
        assert not store.outbox_settle("now", worker="w1", status="sent", attempts=1, next_at=at(4))
        assert store.outbox_settle("now", worker="w2", status="sent", attempts=1, next_at=at(4), sent_at=at(4))
        sent = next(d for d in store.outbox_list() if d.id == "now")
        assert (sent.status, sent.attempts, sent.sent_at, sent.claimed_by) == ("sent", 1, at(4), None)

    def test_dead_letters_are_listed_and_retried(self, store: Store) -> None:
        store.outbox_fill([self._delivery("d1")], after=0, upto=1)
        assert len(store.outbox_claim(at(0), worker="w", lease_until=at(1))) == 1
        store.outbox_settle("d1", worker="w", status="dead", attempts=5, next_at=at(0), error="HTTP 500")
        [dead] = store.outbox_list(status="dead")
        assert (dead.id, dead.last_error, dead.attempts) == ("d1", "HTTP 500", 5)
        again = store.outbox_retry("d1", now=at(9))
        assert (again.status, again.attempts, again.next_at) == ("pending", 0, at(9))
        with pytest.raises(NotFound):
            store.outbox_retry("d1", now=at(9))  # pending, not dead
        assert store.outbox_list(status="dead") == []


class PinConformance:
    """Pinned tool definitions: one pin per agent and tool, first pin wins, a change replaces only the pin it saw,
    each with its audit event."""

    def _pin(self, digest: str, *, agent: str = "mcp", tool: str = "delete_repo", by: str = "first use") -> ToolPin:
        definition = {"name": tool, "description": f"version {digest}"}
        return ToolPin(agent=agent, tool=tool, digest=digest, definition=definition, pinned_at=at(0), pinned_by=by)

    def test_the_first_pin_wins_and_a_change_replaces_only_the_pin_it_saw(self, store: Store) -> None:
        pinned = EventDraft("agent:mcp", "mcp.tool_pinned")
        assert store.save_pin(self._pin("a"), pinned, at=at(0))
        assert not store.save_pin(self._pin("b"), pinned, at=at(1))  # another gateway pinned it first
        assert store.tool_pins("mcp") == {"delete_repo": self._pin("a")}
        accepted = EventDraft("human:alice", "mcp.tool_change_accepted")
        assert store.save_pin(self._pin("c", by="alice"), accepted, at=at(2), replaces="a")
        assert not store.save_pin(self._pin("d", by="bob"), accepted, at=at(3), replaces="a")  # it moved on
        assert store.tool_pins("mcp")["delete_repo"] == self._pin("c", by="alice")
        assert [e.kind for e in store.audit_events()] == ["mcp.tool_pinned", "mcp.tool_change_accepted"]

    def test_pins_are_per_agent(self, store: Store) -> None:
        assert store.save_pin(self._pin("a"), EventDraft("agent:mcp", "mcp.tool_pinned"), at=at(0))
        other = self._pin("z", agent="other")
        assert store.save_pin(other, EventDraft("agent:other", "mcp.tool_pinned"), at=at(0))
        assert store.tool_pins("other") == {"delete_repo": other}
        assert store.tool_pins("nobody") == {}

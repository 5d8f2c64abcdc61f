"""Undo inside an override window, and veto of a deferred action.

An undo request is durable: it is recorded (``undo_requested``) the moment a human asks, inside the window, and
the compensator runs in whichever process registered the tool — now, or when that process comes back. The
compensator is claimed like a tool (``undoing``, under a lease), so it runs at most once.
"""

from __future__ import annotations

from tether._json import iso
from tether._names import same_identity
from tether.audit import jsonable
from tether.errors import AlreadyDecided, ClaimConflict, NotDecidable, SeparationOfDuties, UndoRefused, UsageError
from tether.model import Action, Status, UndoRecord
from tether.plane._core import PlaneCore
from tether.store import ActionStore, Changes, EventDraft

_UNDO_UNDER_WAY = frozenset({Status.UNDO_REQUESTED, Status.UNDOING, Status.UNDONE, Status.UNDO_FAILED})


class Undo:
    """Undo requests and vetoes, and the compensator's claim and result."""

    def __init__(self, core: PlaneCore) -> None:
        self.core = core
        self.actions: ActionStore = core.store

    def request_undo(self, action_id: str, *, by: str) -> Action:
        """Ask for an executed override action to be undone, or a deferred one to be vetoed, inside its window.

        After the window the request is refused with a message that names when the window closed.
        """
        if not by or not by.strip():
            raise UsageError("an undo must say who asked for it (by=...)")
        while True:
            action = self.actions.get_action(action_id)
            if same_identity(by, action.call.agent):
                raise SeparationOfDuties(f"{by!r} proposed action {action_id} and may not undo it")
            now = self.core.clock.now()
            if action.status is Status.DEFERRED:
                deadline, status, kind = action.run_at, Status.VETOED, "action.vetoed"
            elif action.status is Status.EXECUTED and action.window_ends_at is not None:
                deadline, status, kind = action.window_ends_at, Status.UNDO_REQUESTED, "action.undo_requested"
            else:
                raise _why_not_undoable(action)
            assert deadline is not None
            if deadline <= now:
                raise UndoRefused(f"the undo window of action {action_id} closed at {iso(deadline)}")
            body = {"window_ends_at": iso(deadline), "policy": action.policy_version}
            updated = self.core.transition(
                action_id,
                expect={action.status},
                changes=Changes(status=status, updated_at=now, undo=UndoRecord(by=by, requested_at=now)),
                events=[EventDraft(f"human:{by}", kind, action_id, body)],
                expect_version=action.version,
            )
            if updated is not None:
                return updated

    def claim_undo(self, action: Action, *, worker: str | None = None) -> Action:
        """The compensator's atomic claim: ``undo_requested`` → ``undoing`` for exactly one worker."""
        now = self.core.clock.now()
        claimed = self.core.transition(
            action.id,
            expect={Status.UNDO_REQUESTED},
            changes=Changes(
                status=Status.UNDOING, updated_at=now, claimed_by=worker, lease_until=now + self.core.lease
            ),
            events=[EventDraft("system", "action.undo_started", action.id, {"policy": action.policy_version})],
        )
        if claimed is None:
            current = self.actions.get_action(action.id)
            raise ClaimConflict(f"the undo of action {action.id} cannot start: it is {current.status.value}")
        return claimed

    def finish_undo(self, action: Action, *, result: object = None, error: str | None = None) -> Action:
        """Record what the compensator did; a failed undo alerts a human."""
        now = self.core.clock.now()
        assert action.undo is not None
        record = UndoRecord(
            by=action.undo.by, requested_at=action.undo.requested_at, result=jsonable(result), error=error
        )
        status, kind = (Status.UNDONE, "action.undone") if error is None else (Status.UNDO_FAILED, "action.undo_failed")
        body: dict[str, object] = {"outcome": status.value, "policy": action.policy_version}
        body.update({"result": self.core.redact(jsonable(result))} if error is None else {"error": error})
        finished = self.core.transition(
            action.id,
            expect={Status.UNDOING, Status.UNKNOWN},
            changes=Changes(status=status, updated_at=now, undo=record, lease_until=None),
            events=[EventDraft("system", kind, action.id, body)],
        )
        if finished is None:
            current = self.actions.get_action(action.id)
            raise ClaimConflict(f"the undo of action {action.id} is {current.status.value}; its result was not kept")
        if error is not None:
            self.core.notify("undo_failed", finished)
        return finished


def _why_not_undoable(action: Action) -> Exception:
    if action.status in _UNDO_UNDER_WAY and action.undo is not None:
        return AlreadyDecided(
            f"an undo of action {action.id} was already requested by {action.undo.by} "
            f"at {iso(action.undo.requested_at)} (it is {action.status.value})"
        )
    if action.status is Status.VETOED and action.undo is not None:
        return AlreadyDecided(f"action {action.id} was already vetoed by {action.undo.by}")
    if action.status is Status.FINALIZED:
        return UndoRefused(f"the undo window of action {action.id} closed at {iso(action.window_ends_at)}")
    if action.status is Status.EXECUTED:
        return UndoRefused(
            f"action {action.id} ran in {action.verdict.mode.value} mode, without an undo window; Tether cannot undo it"
        )
    return NotDecidable(f"action {action.id} is {action.status.value}; there is nothing to undo")

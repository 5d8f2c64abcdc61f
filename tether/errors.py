"""Every error Tether raises, in one tree.

Catch ``TetherError`` to catch them all; catch a branch to handle one kind of failure::

    TetherError
    ├── ConfigError            a policy file or setting is wrong (names the file and the key path)
    ├── UsageError             the API was called in a way that cannot work (no agent context, bad args)
    ├── NotFound               no such action, tool or lane
    ├── DecisionError          a decision could not be applied
    │   ├── AlreadyDecided     compare-and-set lost: someone decided first (says who and how)
    │   ├── NotDecidable       the action is not waiting for a decision (e.g. it already ran, or expired)
    │   ├── UndoRefused        the undo window has closed (says when), or the action cannot be undone
    │   └── SeparationOfDuties the proposing agent tried to decide (or undo) its own action
    ├── ClaimConflict          the action was already started by someone else (started at most once)
    ├── AccessError            the caller may not do this
    │   ├── Unauthenticated    no token, a malformed one, or a revoked one
    │   └── Forbidden          a valid token whose role, groups or ownership do not allow it
    ├── RemoteError            the Tether server answered with an error this client does not know
    ├── ResultNotRecorded      the tool RAN, but its result could not be recorded: never run it again
    └── StoreError             the store failed or is unreachable; nothing above ``auto`` runs

Control-flow signals are not errors: ``tether.ToolNotRun`` (a gated tool called as a plain function did not run)
lives apart.
"""

from __future__ import annotations


class TetherError(Exception):
    """Base of every error Tether raises on purpose."""


class ConfigError(TetherError):
    """A policy file or setting is wrong.

    The message always names where (``file``, ``key`` path) and what is wrong, so a user can fix it
    without reading a traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        self.file = file
        self.key = key
        self.detail = message
        where = ": ".join(part for part in (file, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(TetherError):
    """The API was used in a way that cannot work; the message says how to use it instead."""


class NotFound(TetherError):
    """A thing that was asked for by id does not exist."""


class DecisionError(TetherError):
    """A decision could not be applied to an action."""


class AlreadyDecided(DecisionError):
    """Another decision won the race; the action's decision is unchanged."""


class NotDecidable(DecisionError):
    """The action is in a state in which it takes no decision (shadowed, denied, executed, ...)."""


class UndoRefused(DecisionError):
    """The action cannot be undone (any more); the message says when its window closed."""


class SeparationOfDuties(DecisionError):
    """The agent that proposed an action may not decide it."""


class ClaimConflict(TetherError):
    """Someone else already started this action; it is started at most once."""


class AccessError(TetherError):
    """The caller may not do this."""


class Unauthenticated(AccessError):
    """No valid token was presented."""


class Forbidden(AccessError):
    """The token is valid, but its role, groups or ownership do not allow the request."""


class RemoteError(TetherError):
    """The server answered with an error this client cannot map to a more specific one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class StoreError(TetherError):
    """The store failed or cannot be reached."""


class ResultNotRecorded(TetherError):
    """The tool ran — its effect happened — but the store would not take its result, even after retrying with the
    same claim for as long as the claim's lease held. Deliberately not a ``StoreError`` ("nothing ran"): an agent
    framework that retries on store errors must not repeat this call. ``result`` (or ``error``, if the tool raised)
    is what the tool returned; the action turns ``unknown`` when its lease lapses, for a human to resolve as ran
    (``tether resolve ID --ran``)."""

    def __init__(self, action_id: str, *, result: object = None, error: str | None = None, cause: str = "") -> None:
        self.action_id = action_id
        self.result = result
        self.error = error
        super().__init__(
            f"action {action_id} ran, but its result could not be recorded ({cause}); do not run it again: it "
            f"becomes unknown until a human resolves it (tether resolve {action_id} --ran --by NAME)"
        )

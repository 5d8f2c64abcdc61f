"""Tether: a human-in-the-loop control plane for AI agents.

Every tool call an agent makes passes a gate that runs it, alerts on it, opens an undo window, holds it for a
human, records it in shadow mode, or refuses it, and writes every step to a hash-chained audit log.
"""

from tether.agent._experiment import Experiment, Proposal
from tether.agent._gate import Gate
from tether.agent._signals import ToolNotRun
from tether.audit import Anchor, AuditEvent, Verification, verify
from tether.clock import Clock, FakeClock, SystemClock
from tether.errors import (
    AccessError,
    AlreadyDecided,
    ClaimConflict,
    ConfigError,
    DecisionError,
    Forbidden,
    NotDecidable,
    NotFound,
    RemoteError,
    ResultNotRecorded,
    SeparationOfDuties,
    StoreError,
    TetherError,
    Unauthenticated,
    UndoRefused,
    UsageError,
)
from tether.model import (
    Action,
    Approve,
    Decision,
    Deferred,
    Denied,
    Edit,
    Executed,
    Failed,
    LaneState,
    Mode,
    Outcome,
    Pending,
    Reason,
    Reject,
    Rejected,
    Respond,
    Responded,
    Reversibility,
    Risk,
    ShadowCase,
    Shadowed,
    ShadowResult,
    Status,
    ToolCall,
    UndoRecord,
    Urgency,
    Verdict,
)
from tether.plane import ControlPlane
from tether.policy import Declared, Policy
from tether.store import MemoryStore, Store, open_store

__version__ = "0.1.0"


def connect(url: str, token: str, *, clock: Clock | None = None, poll_interval: float = 0.02) -> Gate:
    """A Gate whose plane is the Tether server at ``url``, acting as the agent (or person) that owns ``token``.

    The same Gate as a local one: ``call``, ``acall``, ``resume``, ``decide``, ``undo``, lanes and shadow reports
    all go over HTTP. A refused token raises ``Unauthenticated`` or ``Forbidden`` (both ``AccessError``); an error
    the server reports that this client does not know raises ``RemoteError``. ``poll_interval`` is how often a
    waiting call re-checks when the server cannot push; ``clock`` is for tests.
    """
    from tether.agent._remote import connect as _connect  # httpx only for those who connect

    return _connect(url, token, clock=clock, poll_interval=poll_interval)


__all__ = [
    "AccessError",
    "Action",
    "AlreadyDecided",
    "Anchor",
    "Approve",
    "AuditEvent",
    "ClaimConflict",
    "Clock",
    "ConfigError",
    "ControlPlane",
    "Decision",
    "DecisionError",
    "Declared",
    "Deferred",
    "Denied",
    "Edit",
    "Executed",
    "Experiment",
    "Failed",
    "FakeClock",
    "Forbidden",
    "Gate",
    "LaneState",
    "MemoryStore",
    "Mode",
    "NotDecidable",
    "NotFound",
    "Outcome",
    "Pending",
    "Policy",
    "Proposal",
    "Reason",
    "Reject",
    "Rejected",
    "RemoteError",
    "Respond",
    "Responded",
    "ResultNotRecorded",
    "Reversibility",
    "Risk",
    "SeparationOfDuties",
    "ShadowCase",
    "ShadowResult",
    "Shadowed",
    "Status",
    "Store",
    "StoreError",
    "SystemClock",
    "TetherError",
    "ToolCall",
    "ToolNotRun",
    "Unauthenticated",
    "UndoRecord",
    "UndoRefused",
    "Urgency",
    "UsageError",
    "Verdict",
    "Verification",
    "__version__",
    "connect",
    "open_store",
    "verify",
]

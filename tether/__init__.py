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
    AlreadyDecided,
    ClaimConflict,
    ConfigError,
    DecisionError,
    NotDecidable,
    NotFound,
    SeparationOfDuties,
    StoreError,
    TetherError,
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


def connect(url: str, token: str, **options: object) -> Gate:
    """A Gate backed by the Tether server at ``url`` (see ``tether.agent._remote.connect`` for the options)."""
    from tether.agent._remote import connect as _connect

    return _connect(url, token, **options)  # type: ignore[arg-type]


__all__ = [
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
    "Respond",
    "Responded",
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

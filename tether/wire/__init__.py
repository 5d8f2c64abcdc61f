"""The JSON bodies of the HTTP API (``/v1``), as pydantic models.

One model per response body names every field, so ``/openapi.json`` documents them, the server builds its answers
from them, and the Python client (``tether.connect``) and the CLI's ``--json`` parse and print the same shapes.
Each model converts from the ``tether.model`` object it shows (``ActionOut.of(action)``) and, where a client needs
it, back (``.to_action()``). No FastAPI here: the client and the CLI use these without the server extra.

The API's format is its own: stored rows (``tether.store``) change only with a migration, the wire only with the API.
"""

from tether.wire._action import (
    ActionOut,
    ApprovalOut,
    ApproveOut,
    CallOut,
    DecisionOut,
    EditOut,
    ReasonOut,
    RejectOut,
    RespondOut,
    UndoOut,
    VerdictOut,
)
from tether.wire._admin import (
    DeliveryList,
    DeliveryOut,
    DeliveryStatus,
    PolicyOut,
    PolicyToolOut,
    RevokedOut,
    TokenCreated,
    TokenList,
    TokenOut,
)
from tether.wire._audit import AnchorOut, AuditPage, EventOut, StreamEventOut, VerificationOut
from tether.wire._base import Moment, WireModel
from tether.wire._errors import ErrorDetail, ErrorOut, FieldError
from tether.wire._lanes import BreakerList, BreakerOut, ClosedOut, LaneList, LaneOut
from tether.wire._outcome import (
    ActionDetail,
    ActionList,
    ActionView,
    DeferredOut,
    DeniedOut,
    ExecutedOut,
    FailedOut,
    LeasesOut,
    OutcomeOut,
    PendingOut,
    RejectedOut,
    RespondedOut,
    ShadowedOut,
    outcome_out,
)
from tether.wire._shadow import AgentSide, CaseList, CaseOut, HumanSide, ShadowCaseOut, ShadowReportOut, ShadowStatsOut

__all__ = [
    "ActionDetail",
    "ActionList",
    "ActionOut",
    "ActionView",
    "AgentSide",
    "AnchorOut",
    "ApprovalOut",
    "ApproveOut",
    "AuditPage",
    "BreakerList",
    "BreakerOut",
    "CallOut",
    "CaseList",
    "CaseOut",
    "ClosedOut",
    "DecisionOut",
    "DeferredOut",
    "DeliveryList",
    "DeliveryOut",
    "DeliveryStatus",
    "DeniedOut",
    "EditOut",
    "ErrorDetail",
    "ErrorOut",
    "EventOut",
    "ExecutedOut",
    "FailedOut",
    "FieldError",
    "HumanSide",
    "LaneList",
    "LaneOut",
    "LeasesOut",
    "Moment",
    "OutcomeOut",
    "PendingOut",
    "PolicyOut",
    "PolicyToolOut",
    "ReasonOut",
    "RejectOut",
    "RejectedOut",
    "RespondOut",
    "RespondedOut",
    "RevokedOut",
    "ShadowCaseOut",
    "ShadowReportOut",
    "ShadowStatsOut",
    "ShadowedOut",
    "StreamEventOut",
    "TokenCreated",
    "TokenList",
    "TokenOut",
    "UndoOut",
    "VerdictOut",
    "VerificationOut",
    "WireModel",
    "outcome_out",
]

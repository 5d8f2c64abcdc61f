"""The bodies the HTTP API accepts. Strict: unknown fields are refused, sizes are bounded, so a malformed request
gets a 4xx that names the field, never a 500."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tether._json import json_problem

MAX_ARGS_BYTES = 64 * 1024
MAX_TEXT = 8000
MAX_NOTE = 4000
Name = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _storable(self) -> _Body:
        """Everything a body carries is stored and hashed: refuse deep nesting and invalid Unicode up front."""
        for name in type(self).model_fields:
            problem = json_problem(getattr(self, name))
            if problem is not None:
                raise ValueError(f"{name}: {problem}")
        return self


def _bounded_json(value: Any, what: str, limit: int = MAX_ARGS_BYTES) -> Any:
    try:
        size = len(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be plain JSON: {exc}") from None
    if size > limit:
        raise ValueError(f"{what} is {size} bytes as JSON; the limit is {limit}")
    return value


class SubmitCall(_Body):
    """A tool call an agent wants to make. The server evaluates the policy; an agent never sends a verdict."""

    tool: str = Name
    args: dict[str, Any] = Field(default_factory=dict)
    agent: str | None = Field(None, min_length=1, max_length=200, description="Must be the token's own name.")
    thread: str | None = Field(None, max_length=200)
    reasoning: str | None = Field(None, max_length=MAX_TEXT)
    confidence: float | None = Field(None, ge=0.0, le=1.0)
    subject: str | None = Field(None, max_length=200)
    call_id: str | None = Field(
        None, min_length=1, max_length=200, description="Idempotency key; one is made if absent."
    )
    worker: str | None = Field(None, min_length=1, max_length=64, description="Who runs it if it may run at once.")
    has_undo: bool = Field(
        False, description="The agent registered a compensator; otherwise override calls are deferred."
    )
    risk: Literal["low", "medium", "high", "critical"] | None = Field(
        None, description="Declared in code; tightens only."
    )
    reversible: Literal["yes", "partial", "no"] | None = None

    @field_validator("args")
    @classmethod
    def _args_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        return dict(_bounded_json(value, "args"))


class DecisionIn(_Body):
    """A reviewer's decision. The reviewer is the token's owner; the body cannot name someone else."""

    kind: Literal["approve", "edit", "reject", "respond"]
    note: str = Field("", max_length=MAX_NOTE)
    args: dict[str, Any] | None = Field(None, description="The edited arguments (edit only).")
    message: str | None = Field(None, min_length=1, max_length=MAX_NOTE, description="The answer (respond only).")

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> DecisionIn:
        if self.kind == "edit" and self.args is None:
            raise ValueError("an edit needs args: the arguments the tool should run with")
        if self.kind != "edit" and self.args is not None:
            raise ValueError(f"args belong to an edit, not to {self.kind}")
        if self.kind == "reject" and not self.note.strip():
            raise ValueError("a rejection needs a note saying why: the agent gets it as its tool result")
        if self.kind == "respond" and not self.message:
            raise ValueError("a respond needs message: the answer the agent gets")
        if self.kind != "respond" and self.message is not None:
            raise ValueError(f"message belongs to respond, not to {self.kind}")
        if self.args is not None:
            _bounded_json(self.args, "args")
        return self


class WithdrawIn(_Body):
    """The proposing agent takes back a call still held (its application said no)."""

    note: str = Field(min_length=1, max_length=MAX_NOTE, description="Why the application took the call back.")


class ClaimIn(_Body):
    worker: str = Field(min_length=1, max_length=64)
    retry: bool = Field(False, description="Claim a crashed (unknown) run again; only for reversible idempotent tools.")


class ResultIn(_Body):
    worker: str = Field(min_length=1, max_length=64)
    result: Any = None
    error: str | None = Field(None, min_length=1, max_length=MAX_TEXT)

    @field_validator("result")
    @classmethod
    def _result_size(cls, value: Any) -> Any:
        return _bounded_json(value, "result", limit=1024 * 1024)


class UndoResultIn(ResultIn):
    """What the compensator returned (``result``) or raised (``error``)."""


class Claim(_Body):
    action_id: str = Field(min_length=1, max_length=64)
    worker: str = Field(min_length=1, max_length=64, description="The claim's token, as the claim returned it.")


class LeasesIn(_Body):
    claims: list[Claim] = Field(max_length=1000)


class UndoIn(_Body):
    """Ask for an undo (or a veto of a deferred action); the reviewer is the token's owner."""


class HumanOutcomeIn(_Body):
    """What the human process really did for a subject; ``tool`` null means it took no action."""

    subject: str = Field(min_length=1, max_length=200)
    tool: str | None = Field(None, min_length=1, max_length=200)
    args: dict[str, Any] = Field(default_factory=dict)

    @field_validator("args")
    @classmethod
    def _args_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        return dict(_bounded_json(value, "args"))


class AgentProposalIn(HumanOutcomeIn):
    """What the agent would have done for a subject (an Experiment's candidate); ``tool`` null: nothing."""

    confidence: float | None = Field(None, ge=0.0, le=1.0)
    error: str | None = Field(None, min_length=1, max_length=MAX_TEXT)


class TokenIn(_Body):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^/:\x00-\x1f]+$")
    role: Literal["agent", "viewer", "reviewer", "admin"]
    groups: list[str] = Field(default_factory=list, max_length=50)


class IncidentIn(_Body):
    note: str = Field(min_length=1, max_length=MAX_NOTE)


class ReviewIn(_Body):
    ok: bool = Field(description="The run was right (true), or wrong but not critical (false).")
    note: str = Field("", max_length=MAX_NOTE)


class DemoteIn(_Body):
    to: Literal["shadow", "approve", "override"] | None = None


class ResolveIn(_Body):
    """What a human found about an action a crash left unknown."""

    ran: bool
    note: str = Field("", max_length=MAX_NOTE)

"""The human-in-the-loop exchange LangGraph and LangChain share: held calls pause the graph with ``interrupt()``
in the shape of LangChain's ``HumanInTheLoopMiddleware``, and the resume value's decisions are applied to the
Tether actions.

The request::

    {"action_requests": [{"name": "refund", "args": {...}, "description": "...", "action_id": "..."}],
     "review_configs": [{"action_name": "refund", "allowed_decisions": ["approve", "edit", "reject", "respond"]}]}

``allowed_decisions`` is the tool's ``decisions`` policy key. The answers accepted, as ``Command(resume=...)``:

- ``{"decisions": [...]}``, one decision per action request, in order (LangChain's ``HITLResponse``); each is
  ``{"type": "approve"}``, ``{"type": "edit", "edited_action": {"name": ..., "args": {...}}}``,
  ``{"type": "reject", "message": "why"}`` or ``{"type": "respond", "message": "the answer"}``;
- one decision alone, when one call is held;
- ``{"approved": true|false, "note": "..."}`` (the shape of the well-known approval-gate pattern), only when one
  call is held, so that one answer never approves a batch.

A decision (or the resume value) may say ``"by"``, the reviewer's name for the audit log; otherwise the
integration's ``reviewer`` is recorded. A decision already recorded in Tether (the dashboard, the CLI, Slack, or
an earlier resume) wins: the resume value is then ignored. A bad answer never raises — LangGraph would hand the
same value back on every resume — it is explained in the next request instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tether.integrations import require

require("langgraph.types", "langgraph")

from langchain_core.messages import AIMessage  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langgraph.types import interrupt  # noqa: E402

from tether.agent._gate import Gate  # noqa: E402
from tether.errors import AccessError, DecisionError, NotDecidable, UsageError  # noqa: E402
from tether.model import Action, Approve, Decision, Edit, Reject, Respond, Status  # noqa: E402

log = logging.getLogger("tether")

DECISIONS: tuple[str, ...] = ("approve", "edit", "reject", "respond")
"""The decisions a reviewer may make on a held call, as LangChain's ``allowed_decisions`` names them."""

DEFAULT_REVIEWER = "langgraph-resume"
"""Who a decision given through ``Command(resume=...)`` is recorded as, when it does not say (``"by"``)."""


@dataclass(slots=True)
class Held:
    """A held call of the AI message: its tool, the model's tool call id and its Tether action."""

    name: str
    tool_call_id: str
    action_id: str


class Review:
    """Pauses the graph until every held call is decided, here or in Tether."""

    def __init__(
        self, gate: Gate, *, reviewer: str, description_prefix: str, schemas: Mapping[str, dict[str, Any]]
    ) -> None:
        if not reviewer or not isinstance(reviewer, str):
            raise UsageError("reviewer=... must be a name, recorded as who decided through a resume")
        self.gate = gate
        self.reviewer = reviewer
        self.description_prefix = description_prefix
        self.schemas = schemas

    def settle(self, held: Sequence[Held]) -> list[Action]:
        """Interrupt until none of ``held`` is pending; returns their actions as they then stand."""
        problem: str | None = None
        while True:
            actions = [self.gate.get(slot.action_id) for slot in held]
            if not any(action.status is Status.PENDING for action in actions):
                return actions
            # Pauses the graph the first time; when the graph resumes, LangGraph re-runs the node and each
            # interrupt() returns its resume value, in order. Applying a decision again changes nothing.
            answer = interrupt(self.request(held, actions, problem))
            problem = self.apply(held, answer)

    def request(self, held: Sequence[Held], actions: Sequence[Action], problem: str | None) -> dict[str, Any]:
        requests: list[dict[str, Any]] = []
        configs: list[dict[str, Any]] = []
        for slot, action in zip(held, actions, strict=True):
            requests.append(
                {
                    "name": slot.name,
                    "args": action.call.args,
                    "description": self.describe(action, problem),
                    "action_id": action.id,
                }
            )
            review: dict[str, Any] = {"action_name": slot.name, "allowed_decisions": self.allowed(slot.name)}
            if slot.name in self.schemas:
                review["args_schema"] = self.schemas[slot.name]
            configs.append(review)
        return {"action_requests": requests, "review_configs": configs}

    def allowed(self, tool: str) -> list[str]:
        return list(self.gate.plane.policy.decisions_for(tool))

    def describe(self, action: Action, problem: str | None) -> str:
        lines = [
            self.description_prefix,
            "",
            f"Tool: {action.call.tool}",
            f"Args: {json.dumps(action.call.args, sort_keys=True, default=str)}",
            f"Tether action {action.id}: " + ("; ".join(action.verdict.explain()) or "held for a human"),
        ]
        if action.status is Status.PENDING:
            quorum = action.verdict.quorum
            if quorum > 1:
                lines.append(f'Approvals: {len(action.approvals)} of {quorum}, from different reviewers ("by").')
            if action.expires_at is not None:
                lines.append(f"Expires at {action.expires_at.isoformat()}.")
            lines.append(
                f"Decide here, or in Tether's dashboard or CLI (tether approve {action.id} --by NAME); "
                "either way it runs at most once."
            )
        else:
            decided = f": {action.decision.kind} by {action.decision.by}" if action.decision is not None else ""
            lines.append(
                f"Already settled in Tether ({action.status.value}{decided}); a decision given here is ignored."
            )
        if problem:
            lines.append(f"The previous answer could not be applied: {problem}")
        return "\n".join(lines)

    def apply(self, held: Sequence[Held], answer: Any) -> str | None:
        """Apply a resume value's decisions to the actions still pending; return what could not be applied."""
        decisions, default_by = decisions_of(answer, len(held))
        if isinstance(decisions, str):
            return decisions
        if len(decisions) != len(held):
            return f"got {len(decisions)} decisions for {len(held)} action requests; give one per request, in order"
        problems: list[str] = []
        for slot, raw in zip(held, decisions, strict=True):
            action = self.gate.get(slot.action_id)
            if action.status is not Status.PENDING:
                continue  # decided meanwhile (in Tether's dashboard or CLI, or by an earlier resume): that wins
            decision = decision_of(raw, slot.name, default_by or self.reviewer)
            if isinstance(decision, str):
                problems.append(f"{slot.name} ({action.id}): {decision}")
                continue
            allowed = self.allowed(slot.name)
            if decision.kind not in allowed:
                problems.append(
                    f"{slot.name} ({action.id}): decision type {decision.kind!r} is not allowed for tool "
                    f"{slot.name!r}; expected one of {allowed} (its decisions in the policy)"
                )
                continue
            if already_applied(action, decision):
                continue  # the same answer, replayed by LangGraph on a later re-run of the node
            try:
                self.gate.decide(action.id, decision)
            except NotDecidable as exc:  # it expired (or was otherwise settled) meanwhile: the record wins
                log.info("resume decision for %s not applied: %s", action.id, exc)
            except (DecisionError, UsageError) as exc:  # e.g. the same reviewer twice, the agent itself, bad edit
                problems.append(f"{slot.name} ({action.id}): {exc}")
            except AccessError as exc:  # a gate on an agent's token (tether.connect) may not decide
                problems.append(f"{slot.name} ({action.id}): {exc}; decide in Tether's dashboard or CLI instead")
        return "; ".join(problems) or None


EDIT_NOTICE = (
    "Note: a human reviewer ({by}) replaced this tool call before it ran. The call recorded in your message is the "
    "one you produced, not the one that executed. This was intentional and authorized. Do not re-issue your "
    "original call."
)
"""What the model is told before the result of a call a reviewer edited (as HumanInTheLoopMiddleware tells it)."""

Confidence = Callable[[Mapping[str, Any], AIMessage], "float | None"]
"""Reads the agent's confidence in one tool call (the call, and the AI message that made it), or None."""


def edit_of(action: Action) -> Edit | None:
    """The reviewer's edit the action ran (or will run) with, if any."""
    return next((a for a in reversed(action.approvals) if isinstance(a, Edit)), None)


def edit_notice(edit: Edit, tool: str, template: str = EDIT_NOTICE) -> str:
    return (
        f"{template.format(by=edit.by)} Executed instead: {tool} with arguments {json.dumps(edit.args, default=str)}."
    )


def thread_id(config: RunnableConfig, who: str) -> str:
    thread = (config.get("configurable") or {}).get("thread_id")
    if thread is None or thread == "":
        raise UsageError(
            f"{who} needs a thread: compile the graph with a checkpointer and invoke it with "
            "config={'configurable': {'thread_id': ...}}"
        )
    return str(thread)


def decisions_of(answer: Any, held: int) -> tuple[list[Any] | str, str | None]:
    """The decisions in a resume value (or why there are none), and the reviewer it names for all of them."""
    expected = f'expected {{"decisions": [...]}} with one decision per action request ({held}), got {short(answer)}'
    if isinstance(answer, Mapping):
        by = answer.get("by") if isinstance(answer.get("by"), str) and answer.get("by") else None
        if "decisions" in answer:
            decisions = answer["decisions"]
            return (list(decisions) if isinstance(decisions, list | tuple) else expected), by
        if "type" in answer:  # a single decision, for a request with a single action
            return [answer], by
        if "approved" in answer:  # {"approved": bool, "note": "..."}: one call only
            if held != 1 or not isinstance(answer["approved"], bool):
                return (
                    '{"approved": true|false, "note": ...} answers a single held call; '
                    f'{held} are waiting: give {{"decisions": [...]}}, one per request, in order'
                    if held != 1
                    else f'"approved" must be true or false, got {short(answer["approved"])}'
                ), by
            note = answer.get("note", "")
            kind = "approve" if answer["approved"] else "reject"
            return [{"type": kind, "message": note if isinstance(note, str) else ""}], by
        return expected, by
    if isinstance(answer, list | tuple):
        return list(answer), None
    return expected, None


def decision_of(raw: Any, tool: str, default_by: str) -> Decision | str:
    """A Tether decision from one LangChain-shaped decision, or why it is not one."""
    if not isinstance(raw, Mapping):
        return f"a decision is an object with a type ({', '.join(DECISIONS)}), got {short(raw)}"
    by = raw.get("by") or default_by
    if not isinstance(by, str):
        return f'"by" must be the reviewer\'s name, got {short(by)}'
    message = raw.get("message")
    note = raw.get("note", message)
    if message is not None and not isinstance(message, str):
        return f'"message" must be text, got {short(message)}'
    note = note if isinstance(note, str) else ""
    match raw.get("type"):
        case "approve":
            return Approve(by=by, note=note)
        case "edit":
            edited = raw.get("edited_action")
            if not isinstance(edited, Mapping):
                return 'an edit needs "edited_action": {"name": ..., "args": {...}}'
            if edited.get("name", tool) != tool:
                return f"an edit changes the arguments of {tool}, not which tool runs (got {edited.get('name')!r})"
            args = edited.get("args", edited.get("arguments"))
            if not isinstance(args, dict):
                return f'"edited_action" needs "args", an object of the arguments to run {tool} with'
            return Edit(by=by, args=args, note=note)
        case "reject":
            return Reject(by=by, note=note.strip() or "rejected through a LangGraph resume, without a reason")
        case "respond":
            if not message or not message.strip():
                return 'a respond decision needs a "message" for the model'
            return Respond(by=by, message=message)
        case other:
            return f"unknown decision type {other!r}; expected one of {', '.join(DECISIONS)}"


def already_applied(action: Action, decision: Decision) -> bool:
    """An edit this action already counts: LangGraph replays resume values when it re-runs a node, and applying
    the same edit again would restart its quorum. (An approval replayed is refused by the plane: same reviewer.)"""
    if isinstance(decision, Edit):
        return any(isinstance(a, Edit) and a.by == decision.by and a.args == decision.args for a in action.approvals)
    return False


def short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Tool pinning for the MCP gateway: an upstream tool is trusted as first seen, and a change is a decision.

A server can change a tool's description or schema after a client has come to trust it (a "rug pull": a new
description that instructs the model, a schema that now takes a recipient). The gateway pins each tool's
definition — title, description, input and output schemas, annotations — the first time it lists it
(``mcp.tool_pinned`` in the audit log). When the upstream later lists a different definition:

- the gateway keeps serving the **pinned** definition to its clients (the new description never reaches the model)
  and refuses calls of that tool without running them;
- it asks for a review: an action of the tool ``mcp.accept_tool_change`` with the tool's name, the fields that
  changed (before and after) and the new definition, held for a reviewer like any call (dashboard, CLI, Slack,
  email). Approving it pins the new definition (``mcp.tool_change_accepted``, by the approver); rejecting it
  keeps the tool refused while the upstream serves the change. The same change asks once, however often the
  gateway restarts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from mcp.types import Tool

from tether.agent._gate import Gate
from tether.errors import UsageError
from tether.model import Action, Reversibility, Risk, Status, ToolCall, ToolPin
from tether.plane import ControlPlane
from tether.store import EventDraft

ACCEPT_TOOL = "mcp.accept_tool_change"
"""The tool name of a review of a changed upstream tool definition."""

PINNED = "mcp.tool_pinned"
ACCEPTED = "mcp.tool_change_accepted"
ASK_AGAIN = frozenset({Status.EXPIRED, Status.FAILED, Status.UNKNOWN})
FIELDS = ("title", "description", "inputSchema", "outputSchema", "annotations")
"""What a definition is: what a model reads and what a call must fit. ``_meta`` and icons are not pinned."""


def definition_of(tool: Tool) -> dict[str, Any]:
    dumped = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {name: dumped[name] for name in FIELDS if name in dumped}


def digest_of(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ, each with its pinned and its new value (``null`` where one side has none)."""
    return {
        name: {"pinned": before.get(name), "now": after.get(name)}
        for name in FIELDS
        if before.get(name) != after.get(name)
    }


@dataclass(frozen=True, slots=True)
class Held:
    """A tool whose upstream definition changed: the review action and why calls are refused meanwhile."""

    action_id: str
    message: str


class Pins:
    """The gateway's pins for one agent, on the gate's store."""

    def __init__(self, gate: Gate, agent: str) -> None:
        if not isinstance(gate.plane, ControlPlane):
            raise UsageError("tool pinning needs a Gate on a local store")
        self.gate = gate
        self.plane: ControlPlane = gate.plane
        self.agent = agent
        if ACCEPT_TOOL not in gate.tools():
            gate.tool(name=ACCEPT_TOOL, risk=Risk.HIGH, reversible=Reversibility.NO)(self._accept)

    def reconcile(self, listed: list[Tool]) -> tuple[dict[str, Tool], dict[str, Held]]:
        """What to serve for each listed tool (its pinned definition), and which tools are held for a review."""
        pins = self.plane.store.tool_pins(self.agent)
        served: dict[str, Tool] = {}
        held: dict[str, Held] = {}
        for tool in listed:
            definition = definition_of(tool)
            digest = digest_of(definition)
            pin = pins.get(tool.name) or self._first_use(tool.name, definition, digest)
            if pin.digest == digest:
                served[tool.name] = tool
                continue
            served[tool.name] = Tool.model_validate({**pin.definition, "name": tool.name})
            held[tool.name] = self._review(tool.name, pin, definition, digest)
        return served, held

    def _first_use(self, name: str, definition: dict[str, Any], digest: str) -> ToolPin:
        now = self.plane.clock.now()
        pin = ToolPin(
            agent=self.agent, tool=name, digest=digest, definition=definition, pinned_at=now, pinned_by="first use"
        )
        event = EventDraft(f"agent:{self.agent}", PINNED, None, {"agent": self.agent, "tool": name, "digest": digest})
        if self.plane.store.save_pin(pin, event, at=now):
            return pin
        return self.plane.store.tool_pins(self.agent)[name]  # another gateway of this agent pinned it first

    def _review(self, name: str, pin: ToolPin, definition: dict[str, Any], digest: str) -> Held:
        """The review of this change (one per change: its call id names the new digest), submitted if new."""
        args = {
            "tool": name,
            "replaces": pin.digest,
            "digest": digest,
            "changes": changes(pin.definition, definition),
            "definition": definition,
        }
        reasoning = (
            f"The upstream MCP server changed the definition of {name} since Tether pinned it "
            f"({', '.join(args['changes'])}). Approve to trust the new definition; until then {name} is not "
            "called and clients see the pinned one."
        )
        for generation in range(1, 1000):  # a review that expired or failed unanswered is asked again
            call_id = f"pin-{name}-{digest[:32]}-{generation}"
            action = self.plane.store.find_call(self.agent, call_id)
            if action is None:
                call = ToolCall(tool=ACCEPT_TOOL, args=args, agent=self.agent, call_id=call_id, reasoning=reasoning)
                self.gate.call(call, wait=0)
                action = self.plane.store.find_call(self.agent, call_id)
            if action is not None and action.status not in ASK_AGAIN:
                return Held(action.id, _refusal(name, action))
        raise UsageError(f"the change of {name} was asked about too often without an answer")

    def _accept(
        self,
        tool: str,
        replaces: str,
        digest: str,
        changes: dict[str, Any],
        definition: dict[str, Any],
        idempotency_key: str,
    ) -> str:
        """Run when a reviewer approves a change: pin the new definition, in the approver's name."""
        if digest_of(definition) != digest:
            raise UsageError(f"the definition of {tool} was edited after the review was asked for: not pinned")
        action = self.plane.store.find_call(self.agent, idempotency_key)
        by = action.decision.by if action is not None and action.decision is not None else "a reviewer"
        now = self.plane.clock.now()
        pin = ToolPin(agent=self.agent, tool=tool, digest=digest, definition=definition, pinned_at=now, pinned_by=by)
        body = {"agent": self.agent, "tool": tool, "digest": digest, "replaces": replaces, "by": by}
        event = EventDraft(f"human:{by}", ACCEPTED, action.id if action is not None else None, body)
        if not self.plane.store.save_pin(pin, event, at=now, replaces=replaces):
            raise UsageError(f"the pin of {tool} changed since this review was asked for: not pinned")
        return f"{tool}: the new definition is pinned"


def _refusal(name: str, action: Action) -> str:
    where = f"Tether action {action.id}"
    match action.status:
        case Status.PENDING | Status.APPROVED | Status.RUNNING | Status.EXECUTED | Status.FINALIZED:
            pass
        case _:
            note = getattr(action.decision, "note", "") or action.error or ""
            why = f": {note}" if note else ""
            return (
                f"{name} is not called: the upstream server changed its definition and the change was not accepted "
                f"({action.status.value}, {where}{why})."
            )
    return (
        f"{name} is not called: the upstream server changed its definition since Tether pinned it, and the change "
        f"is held for a reviewer ({where}). Tell the user; it can be called once the change is accepted."
    )

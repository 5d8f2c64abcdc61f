"""What the model-SDK integrations share: one tool call the model asked for, who asked, and submitting a turn's
calls to the gate — together (the model asked for them together, and reviewers see them together), then waiting
for the held ones on one deadline."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tether.agent._gate import Gate
from tether.agent._tools import IDEMPOTENCY_KEY, RegisteredTool
from tether.errors import UsageError
from tether.model import Outcome, Pending, ToolCall

Wait = float | timedelta | None


@dataclass(frozen=True, slots=True)
class Use:
    """One tool call the model asked for; ``args`` is None when its arguments were not a JSON object."""

    id: str
    name: str
    args: dict[str, Any] | None
    toolset: str | None = None  # Anthropic's toolset_name, echoed back in the result


@dataclass(frozen=True, slots=True)
class Who:
    agent: str
    thread: str | None = None
    reasoning: str | None = None
    confidence: float | None = None


def gate_all(gate: Gate, uses: Sequence[Use], who: Who, wait: Wait) -> dict[str, Outcome | str]:
    """Each call's outcome, or the reason it could not be submitted, by call id. The calls of one message run at
    the same time (a thread each, as the model asked for them together), and share one wait for held ones."""
    answers, calls = _submit_checked(uses, who, gate)
    deadline = _deadline(wait)

    def settle(call: ToolCall) -> Outcome:
        outcome = gate.call(call)
        if deadline is not None and isinstance(outcome, Pending):
            outcome = gate.call(call, wait=_left(deadline))
        return outcome

    if len(calls) <= 1:
        answers.update({use_id: settle(call) for use_id, call in calls.items()})
        return answers
    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="tether-call") as pool:
        futures = {use_id: pool.submit(contextvars.copy_context().run, settle, call) for use_id, call in calls.items()}
        answers.update({use_id: future.result() for use_id, future in futures.items()})
    return answers


async def agate_all(gate: Gate, uses: Sequence[Use], who: Who, wait: Wait) -> dict[str, Outcome | str]:
    """The async twin of ``gate_all``: the calls of one message are awaited together."""
    answers, calls = _submit_checked(uses, who, gate)
    deadline = _deadline(wait)

    async def settle(call: ToolCall) -> Outcome:
        outcome = await gate.acall(call)
        if deadline is not None and isinstance(outcome, Pending):
            outcome = await gate.acall(call, wait=_left(deadline))
        return outcome

    outcomes = await asyncio.gather(*(settle(call) for call in calls.values()))
    answers.update(zip(calls, outcomes, strict=True))
    return answers


def _submit_checked(uses: Sequence[Use], who: Who, gate: Gate) -> tuple[dict[str, Outcome | str], dict[str, ToolCall]]:
    """The calls that can be submitted, in order, and the reasons for those that cannot."""
    answers: dict[str, Outcome | str] = {}
    calls: dict[str, ToolCall] = {}
    for use in uses:
        reason = problem(gate, use)
        if reason is not None:
            answers[use.id] = reason
        else:
            calls[use.id] = to_call(use, who)
    return answers, calls


def problem(gate: Gate, use: Use) -> str | None:
    """Why this call cannot even be submitted: a tool the gate does not know, or arguments that do not fit."""
    entry = gate.tools().get(use.name)
    if entry is None:
        return f"Not run: there is no tool named {use.name!r}."
    if use.args is None:
        return f"Not run: the arguments for {use.name} must be a JSON object."
    found = entry.args_problem(use.args)
    return f"Not run: {found}." if found is not None else None


def to_call(use: Use, who: Who) -> ToolCall:
    return ToolCall(
        tool=use.name,
        args=dict(use.args or {}),
        agent=who.agent,
        thread=who.thread,
        reasoning=who.reasoning,
        confidence=who.confidence,
        call_id=use.id,
    )


def registered(gate: Gate, tool: str | Callable[..., Any]) -> RegisteredTool:
    """A registered tool, by name or by the decorated function."""
    tools = gate.tools()
    if isinstance(tool, str):
        if tool in tools:
            return tools[tool]
    else:
        fn = getattr(tool, "__wrapped__", tool)
        for entry in tools.values():
            if entry.fn is fn:
                return entry
    known = ", ".join(sorted(tools)) or "none"
    raise UsageError(f"{tool!r} is not registered with this gate (registered: {known}); decorate it with @gate.tool")


def without_key(entry: RegisteredTool) -> Callable[..., Any]:
    """The tool as the model should see it: without ``idempotency_key``, which the gate supplies."""

    @functools.wraps(entry.fn)
    def view(*args: Any, **kwargs: Any) -> Any:  # pragma: no cover - the SDKs read its signature only
        return entry.fn(*args, **kwargs)

    parameters = [p for p in entry.signature.parameters.values() if p.name != IDEMPOTENCY_KEY]
    view.__signature__ = entry.signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return view


def parse_args(arguments: str | None) -> dict[str, Any] | None:
    """A JSON-object argument string as a dict; None when it is not one."""
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def get(item: Any, key: str) -> Any:
    """A field of an SDK object or of the plain dict a stored message is."""
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _deadline(wait: Wait) -> float | None:
    if wait is None:
        return None
    seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    return time.monotonic() + max(seconds, 0.0)


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)

"""Claude's tool use through the gate: every ``tool_use`` block becomes a ``ToolCall``, every outcome a
``tool_result``. ``pip install "tether[anthropic]"``.

``tool_results(gate, message, agent=...)`` answers one assistant message; ``run_loop(client, gate, ...)`` drives
the whole exchange until the model stops asking for tools. The block's ``id`` is the call's ``call_id``, so
answering the same message twice (a retry, a restart) never runs a tool twice: the second answer is the recorded
outcome.

A call the policy holds waits up to ``wait`` seconds for a reviewer, and all the calls of one message share that
wait; a call still held when it ends is answered with a ``tool_result`` saying it awaits approval, with its action
id, and has not run (``LoopResult.pending`` lists them; ``gate.resume(id)`` runs one once approved). With
``held="return"`` the loop hands control back instead, leaving the conversation ending on the unanswered
``tool_use`` turn: pass ``result.messages`` to ``run_loop`` again later and the held calls are answered then.

Rejected, denied and failed calls come back with ``is_error: true`` and the reason (a reviewer's note, the
policy's reasons, the error). A tool the gate does not know, or arguments that do not fit its signature, are
answered with an error without being submitted.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from tether.gate import Gate
from tether.integrations import require
from tether.model import Outcome, Pending, ToolCall

try:
    from anthropic import Anthropic, AsyncAnthropic
    from anthropic.types import Message, MessageParam, ToolResultBlockParam, ToolUnionParam
except ImportError:  # pragma: no cover - the message names the extra to install
    require("anthropic", "anthropic")
    raise

__all__ = ["LoopResult", "arun_loop", "atool_results", "run_loop", "tool_results"]

Held = Literal["tell_model", "return"]
Wait = float | timedelta | None

_ERRORS = frozenset({"rejected", "denied", "failed"})


@dataclass(frozen=True, slots=True)
class LoopResult:
    """Where a ``run_loop`` stopped: the whole conversation (ready to send again) and what every call came to."""

    messages: list[MessageParam]
    final: Message | None  # the model's last response
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by tool_use id, for the calls that reached Tether
    turns: int = 0  # model requests made by this loop
    finished: bool = False  # True when the model stopped asking for tools

    @property
    def text(self) -> str:
        """The text of the model's last response."""
        return "".join(block.text for block in self.final.content if block.type == "text") if self.final else ""

    @property
    def pending(self) -> list[Pending]:
        """Calls still waiting for a human when the loop ended: they have not run."""
        return [outcome for outcome in self.outcomes.values() if isinstance(outcome, Pending)]


@dataclass(frozen=True, slots=True)
class _Use:
    """One ``tool_use`` block, from a response or from a stored message."""

    id: str
    name: str
    input: Any
    toolset: str | None = None


def tool_results(
    gate: Gate,
    message: Message | MessageParam,
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[ToolResultBlockParam]:
    """Submit every ``tool_use`` block of an assistant message and answer each with a ``tool_result`` block.

    ``reasoning`` defaults to the message's text (what the model said before asking)."""
    uses = _uses(message)
    why = reasoning if reasoning is not None else _text(message)
    answers = _gate_all(gate, uses, _Who(agent, thread, why, confidence), wait)
    return [_result(use, answers[use.id]) for use in uses]


async def atool_results(
    gate: Gate,
    message: Message | MessageParam,
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[ToolResultBlockParam]:
    """The async twin of ``tool_results`` (async tools are awaited on the caller's loop)."""
    uses = _uses(message)
    why = reasoning if reasoning is not None else _text(message)
    answers = await _agate_all(gate, uses, _Who(agent, thread, why, confidence), wait)
    return [_result(use, answers[use.id]) for use in uses]


def run_loop(
    client: Anthropic,
    gate: Gate,
    *,
    model: str,
    messages: Iterable[MessageParam],
    tools: Iterable[ToolUnionParam],
    agent: str,
    max_tokens: int = 1024,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult:
    """Ask the model, answer its tool calls through the gate, and repeat until it stops asking (or ``max_turns``
    requests have been made: then ``finished`` is False and ``messages`` ends on its unanswered calls).

    ``create`` goes to ``client.messages.create`` as is (``system=...``, ``temperature=...``)."""
    conversation = list(messages)
    tool_list = list(tools)
    loop = _Loop(agent, thread, confidence, held)
    final: Message | None = None
    turns = 0
    while True:
        unanswered = _unanswered(conversation)
        if unanswered is not None:
            answers = _gate_all(gate, _uses(unanswered), loop.who(unanswered), wait)
            if loop.answer(conversation, unanswered, answers):
                return loop.result(conversation, final, turns, finished=False)
        if turns >= max_turns:
            return loop.result(conversation, final, turns, finished=False)
        final = client.messages.create(
            model=model, max_tokens=max_tokens, messages=conversation, tools=tool_list, stream=False, **create
        )
        turns += 1
        conversation.append(final.to_param())
        if not _asks(final):
            return loop.result(conversation, final, turns, finished=True)
        if turns >= max_turns:  # its calls stay unanswered: nothing runs that the model would never hear of
            return loop.result(conversation, final, turns, finished=False)


async def arun_loop(
    client: AsyncAnthropic,
    gate: Gate,
    *,
    model: str,
    messages: Iterable[MessageParam],
    tools: Iterable[ToolUnionParam],
    agent: str,
    max_tokens: int = 1024,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult:
    """The async twin of ``run_loop``, with an ``AsyncAnthropic`` client."""
    conversation = list(messages)
    tool_list = list(tools)
    loop = _Loop(agent, thread, confidence, held)
    final: Message | None = None
    turns = 0
    while True:
        unanswered = _unanswered(conversation)
        if unanswered is not None:
            answers = await _agate_all(gate, _uses(unanswered), loop.who(unanswered), wait)
            if loop.answer(conversation, unanswered, answers):
                return loop.result(conversation, final, turns, finished=False)
        if turns >= max_turns:
            return loop.result(conversation, final, turns, finished=False)
        final = await client.messages.create(
            model=model, max_tokens=max_tokens, messages=conversation, tools=tool_list, stream=False, **create
        )
        turns += 1
        conversation.append(final.to_param())
        if not _asks(final):
            return loop.result(conversation, final, turns, finished=True)
        if turns >= max_turns:  # its calls stay unanswered: nothing runs that the model would never hear of
            return loop.result(conversation, final, turns, finished=False)


# -- the loop's bookkeeping, shared by both twins ----------------------------------------------------------------


@dataclass
class _Loop:
    agent: str
    thread: str | None
    confidence: float | None
    held: Held
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def who(self, message: Message | MessageParam) -> _Who:
        return _Who(self.agent, self.thread, _text(message), self.confidence)

    def answer(
        self, conversation: list[MessageParam], message: Message | MessageParam, answers: Mapping[str, Outcome | str]
    ) -> bool:
        """Append the tool results to the conversation; True when the loop should hand control back instead."""
        self.outcomes.update((k, v) for k, v in answers.items() if not isinstance(v, str))
        if self.held == "return" and any(isinstance(v, Pending) for v in answers.values()):
            return True
        conversation.append({"role": "user", "content": [_result(use, answers[use.id]) for use in _uses(message)]})
        return False

    def result(
        self, conversation: list[MessageParam], final: Message | None, turns: int, *, finished: bool
    ) -> LoopResult:
        return LoopResult(conversation, final, dict(self.outcomes), turns, finished)


# -- submitting and waiting ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Who:
    agent: str
    thread: str | None
    reasoning: str | None
    confidence: float | None


def _gate_all(gate: Gate, uses: Sequence[_Use], who: _Who, wait: Wait) -> dict[str, Outcome | str]:
    """Submit every call first (so reviewers see them all at once), then wait for the held ones together."""
    answers: dict[str, Outcome | str] = {}
    calls: dict[str, ToolCall] = {}
    for use in uses:
        problem = _problem(gate, use)
        if problem is not None:
            answers[use.id] = problem
            continue
        calls[use.id] = _call(use, who)
        answers[use.id] = gate.call(calls[use.id])
    deadline = _deadline(wait)
    for use_id, call in calls.items():
        if deadline is not None and isinstance(answers[use_id], Pending):
            answers[use_id] = gate.call(call, wait=_left(deadline))
    return answers


async def _agate_all(gate: Gate, uses: Sequence[_Use], who: _Who, wait: Wait) -> dict[str, Outcome | str]:
    answers: dict[str, Outcome | str] = {}
    calls: dict[str, ToolCall] = {}
    for use in uses:
        problem = _problem(gate, use)
        if problem is not None:
            answers[use.id] = problem
            continue
        calls[use.id] = _call(use, who)
        answers[use.id] = await gate.acall(calls[use.id])
    deadline = _deadline(wait)
    for use_id, call in calls.items():
        if deadline is not None and isinstance(answers[use_id], Pending):
            answers[use_id] = await gate.acall(call, wait=_left(deadline))
    return answers


def _problem(gate: Gate, use: _Use) -> str | None:
    """Why this call cannot even be submitted: a tool the gate does not know, or arguments that do not fit."""
    entry = gate.tools().get(use.name)
    if entry is None:
        return f"Not run: there is no tool named {use.name!r}."
    if not isinstance(use.input, dict):
        return f"Not run: the input for {use.name} must be a JSON object."
    problem = entry.args_problem(use.input)
    return f"Not run: {problem}." if problem is not None else None


def _call(use: _Use, who: _Who) -> ToolCall:
    return ToolCall(
        tool=use.name,
        args=dict(use.input),
        agent=who.agent,
        thread=who.thread,
        reasoning=who.reasoning,
        confidence=who.confidence,
        call_id=use.id,
    )


def _deadline(wait: Wait) -> float | None:
    if wait is None:
        return None
    seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    return time.monotonic() + max(seconds, 0.0)


def _left(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.0)


# -- reading and writing Messages blocks -----------------------------------------------------------------------


def _result(use: _Use, answer: Outcome | str) -> ToolResultBlockParam:
    text = answer if isinstance(answer, str) else answer.to_tool_result()
    error = isinstance(answer, str) or answer.kind in _ERRORS
    block: ToolResultBlockParam = {"type": "tool_result", "tool_use_id": use.id, "content": text, "is_error": error}
    if use.toolset is not None:
        block["toolset_name"] = use.toolset
    return block


def _get(block: Any, key: str) -> Any:
    return block.get(key) if isinstance(block, Mapping) else getattr(block, key, None)


def _blocks(message: Message | MessageParam) -> list[Any]:
    content = _get(message, "content")
    return list(content) if isinstance(content, list | tuple) else []


def _uses(message: Message | MessageParam) -> list[_Use]:
    return [
        _Use(str(_get(b, "id")), str(_get(b, "name")), _get(b, "input"), _get(b, "toolset_name"))
        for b in _blocks(message)
        if _get(b, "type") == "tool_use"
    ]


def _text(message: Message | MessageParam) -> str | None:
    content = _get(message, "content")
    if isinstance(content, str):
        return content or None
    text = "\n".join(str(_get(b, "text")) for b in _blocks(message) if _get(b, "type") == "text").strip()
    return text or None


def _asks(message: Message) -> bool:
    return any(block.type == "tool_use" for block in message.content)


def _unanswered(conversation: Sequence[MessageParam]) -> MessageParam | None:
    """The last message, when it is the assistant's and asks for tools nobody has answered yet."""
    if not conversation:
        return None
    last = conversation[-1]
    return last if _get(last, "role") == "assistant" and _uses(last) else None

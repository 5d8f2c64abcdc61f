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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from tether.agent._gate import Gate
from tether.integrations import require
from tether.integrations._calls import Use as _Use
from tether.integrations._calls import Wait
from tether.integrations._calls import Who as _Who
from tether.integrations._calls import agate_all as _agate_all
from tether.integrations._calls import gate_all as _gate_all
from tether.integrations._calls import get as _get
from tether.model import Executed, Outcome, Pending

try:
    from anthropic import Anthropic, AsyncAnthropic
    from anthropic.types import Message, MessageParam, ToolResultBlockParam, ToolUnionParam
except ImportError:  # pragma: no cover - the message names the extra to install
    require("anthropic", "anthropic")
    raise

__all__ = ["LoopResult", "arun_loop", "atool_results", "run_loop", "tool_results"]

Held = Literal["tell_model", "return"]

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
        conversation.append(_param(final))
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
        conversation.append(_param(final))
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


# -- reading and writing Messages blocks -----------------------------------------------------------------------


def _param(message: Message) -> MessageParam:
    """The model's message as plain JSON params (the SDK's ``to_param`` keeps block objects, which ``json.dumps``
    refuses): a conversation can be saved and handed back to ``run_loop`` later."""
    content = [block.model_dump(mode="json", exclude_none=True) for block in message.content]
    return cast(MessageParam, {"role": "assistant", "content": content})


CONTENT_BLOCKS = frozenset({"text", "image", "document", "search_result"})
"""Block types a tool may return as its result, sent to the model as blocks (an image stays an image)."""


def _content(answer: Outcome | str) -> str | list[dict[str, Any]]:
    if isinstance(answer, Executed) and _is_blocks(answer.result):
        blocks: list[dict[str, Any]] = [dict(block) for block in answer.result]
        if answer.window_ends_at is not None:
            blocks.append(
                {"type": "text", "text": f"(A human may undo this until {answer.window_ends_at.isoformat()}.)"}
            )
        return blocks
    return answer if isinstance(answer, str) else answer.to_tool_result()


def _is_blocks(result: Any) -> bool:
    return (
        isinstance(result, list)
        and bool(result)
        and all(isinstance(item, Mapping) and item.get("type") in CONTENT_BLOCKS for item in result)
    )


def _result(use: _Use, answer: Outcome | str) -> ToolResultBlockParam:
    error = isinstance(answer, str) or answer.kind in _ERRORS
    block: ToolResultBlockParam = {
        "type": "tool_result",
        "tool_use_id": use.id,
        "content": _content(answer),  # type: ignore[typeddict-item]
        "is_error": error,
    }
    if use.toolset is not None:
        block["toolset_name"] = use.toolset
    return block


def _object(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None


def _blocks(message: Message | MessageParam) -> list[Any]:
    content = _get(message, "content")
    return list(content) if isinstance(content, list | tuple) else []


def _uses(message: Message | MessageParam) -> list[_Use]:
    return [
        _Use(str(_get(b, "id")), str(_get(b, "name")), _object(_get(b, "input")), _get(b, "toolset_name"))
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

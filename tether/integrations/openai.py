"""OpenAI tool calls through the gate: Chat Completions ``tool_calls``, Responses API ``function_call`` items, and
the Agents SDK's ``needs_approval``. ``pip install "tether[openai]"`` (the openai SDK and openai-agents).

Chat Completions: ``tool_messages(gate, message, agent=...)`` answers one assistant message with ``role: "tool"``
messages; ``run_chat_loop(client, gate, ...)`` drives the exchange until the model stops asking for tools.
Responses API: ``function_call_outputs(gate, response, agent=...)`` answers a response's ``function_call`` items
with ``function_call_output`` items; ``run_responses_loop`` drives it (stateless: the whole input is sent each
turn). The model's call id is the ``call_id``, so answering the same call twice never runs a tool twice.

Held calls wait up to ``wait`` seconds (one deadline for all the calls of a turn); one still held then is answered
with a text saying it awaits approval, with its action id, and has not run (``LoopResult.pending``;
``gate.resume(id)`` runs it once approved). With ``held="return"`` the loop hands control back instead, leaving the
history ending on the unanswered calls; pass it to the loop again later to answer them. OpenAI tool results carry
no error flag, so a rejection, a denial or a failure says so in its text, with the reviewer's note or the reason.

The Agents SDK: ``AgentsBridge(gate, agent=...)`` turns gated tools into ``FunctionTool``s whose ``needs_approval``
asks Tether. The SDK asks it before running a call; the bridge submits the call then, so Tether runs what its policy
allows at once (the SDK's invocation that follows returns the recorded result) and a held call interrupts the run.
``bridge.settle(state)`` turns Tether's decisions into ``state.approve``/``state.reject``; ``bridge.run(...)`` does
the whole dance, waiting up to ``wait`` for reviewers, and returns a still-interrupted result if they have not
decided by then (resume it later with ``bridge.run(agent, result.to_state())``). Tether runs each tool once:
approving a call in the SDK without Tether's approval runs nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast

from tether.agent._gate import Gate
from tether.integrations import require
from tether.integrations._calls import Use as _Use
from tether.integrations._calls import Wait
from tether.integrations._calls import Who as _Who
from tether.integrations._calls import agate_all as _agate_all
from tether.integrations._calls import gate_all as _gate_all
from tether.integrations._calls import get as _get
from tether.integrations._calls import parse_args as _args
from tether.integrations._calls import registered as _entry
from tether.integrations._calls import without_key as _without_key
from tether.integrations.openai_agents import AgentsBridge
from tether.model import Outcome, Pending

try:
    from agents.function_schema import FuncSchema, function_schema
    from openai import AsyncOpenAI, OpenAI
    from openai.types.chat import (
        ChatCompletion,
        ChatCompletionAssistantMessageParam,
        ChatCompletionFunctionToolParam,
        ChatCompletionMessage,
        ChatCompletionMessageParam,
        ChatCompletionToolMessageParam,
        ChatCompletionToolUnionParam,
    )
    from openai.types.responses import FunctionToolParam, Response, ResponseInputItemParam, ToolParam
    from openai.types.responses.response_input_item_param import FunctionCallOutput
except ImportError:  # pragma: no cover - the message names the extra to install
    require("openai", "openai")
    require("agents", "openai")
    raise

__all__ = [
    "AgentsBridge",
    "LoopResult",
    "afunction_call_outputs",
    "arun_chat_loop",
    "arun_responses_loop",
    "atool_messages",
    "chat_tools",
    "function_call_outputs",
    "responses_tools",
    "run_chat_loop",
    "run_responses_loop",
    "tool_messages",
]

Held = Literal["tell_model", "return"]
M = TypeVar("M")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class LoopResult(Generic[M, R]):
    """Where a loop stopped: the whole history (ready to send again) and what every call came to."""

    messages: list[M]  # chat messages, or Responses input items
    final: R | None  # the model's last response
    text: str  # its text
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by call id, for the calls that reached Tether
    turns: int = 0  # model requests made by this loop
    finished: bool = False  # True when the model stopped asking for tools

    @property
    def pending(self) -> list[Pending]:
        """Calls still waiting for a human when the loop ended: they have not run."""
        return [outcome for outcome in self.outcomes.values() if isinstance(outcome, Pending)]


# -- Chat Completions --------------------------------------------------------------------------------------------


def tool_messages(
    gate: Gate,
    message: ChatCompletionMessage | ChatCompletionMessageParam,
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[ChatCompletionToolMessageParam]:
    """Submit every tool call of an assistant message and answer each with a ``role: "tool"`` message."""
    uses = _chat_uses(message)
    who = _Who(agent, thread, reasoning if reasoning is not None else _chat_text(message), confidence)
    return _chat_answers(uses, _gate_all(gate, uses, who, wait))


async def atool_messages(
    gate: Gate,
    message: ChatCompletionMessage | ChatCompletionMessageParam,
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[ChatCompletionToolMessageParam]:
    """The async twin of ``tool_messages``."""
    uses = _chat_uses(message)
    who = _Who(agent, thread, reasoning if reasoning is not None else _chat_text(message), confidence)
    return _chat_answers(uses, await _agate_all(gate, uses, who, wait))


def run_chat_loop(
    client: OpenAI,
    gate: Gate,
    *,
    model: str,
    messages: Iterable[ChatCompletionMessageParam],
    tools: Iterable[ChatCompletionToolUnionParam],
    agent: str,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult[ChatCompletionMessageParam, ChatCompletion]:
    """Ask the model, answer its tool calls through the gate, repeat until it stops asking (or ``max_turns``
    requests: then ``finished`` is False and ``messages`` ends on its unanswered calls). ``create`` goes to
    ``client.chat.completions.create`` as is."""
    tool_list = list(tools)

    def ask(history: list[ChatCompletionMessageParam]) -> ChatCompletion:
        completion: ChatCompletion = client.chat.completions.create(
            model=model, messages=history, tools=tool_list, stream=False, **create
        )
        return completion

    return _drive(_CHAT, ask, gate, list(messages), _Loop(agent, thread, confidence, wait, held, max_turns))


async def arun_chat_loop(
    client: AsyncOpenAI,
    gate: Gate,
    *,
    model: str,
    messages: Iterable[ChatCompletionMessageParam],
    tools: Iterable[ChatCompletionToolUnionParam],
    agent: str,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult[ChatCompletionMessageParam, ChatCompletion]:
    """The async twin of ``run_chat_loop``, with an ``AsyncOpenAI`` client."""
    tool_list = list(tools)

    async def ask(history: list[ChatCompletionMessageParam]) -> ChatCompletion:
        completion: ChatCompletion = await client.chat.completions.create(
            model=model, messages=history, tools=tool_list, stream=False, **create
        )
        return completion

    return await _adrive(_CHAT, ask, gate, list(messages), _Loop(agent, thread, confidence, wait, held, max_turns))


# -- the Responses API -------------------------------------------------------------------------------------------


def function_call_outputs(
    gate: Gate,
    response: Response | Iterable[ResponseInputItemParam],
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[FunctionCallOutput]:
    """Submit every ``function_call`` of a response (or of input items) that has no output yet, and answer each
    with a ``function_call_output`` item."""
    items = _response_items(response)
    uses = _responses_uses(items)
    who = _Who(agent, thread, reasoning if reasoning is not None else _responses_text(items), confidence)
    return _responses_answers(uses, _gate_all(gate, uses, who, wait))


async def afunction_call_outputs(
    gate: Gate,
    response: Response | Iterable[ResponseInputItemParam],
    *,
    agent: str,
    wait: Wait = None,
    thread: str | None = None,
    confidence: float | None = None,
    reasoning: str | None = None,
) -> list[FunctionCallOutput]:
    """The async twin of ``function_call_outputs``."""
    items = _response_items(response)
    uses = _responses_uses(items)
    who = _Who(agent, thread, reasoning if reasoning is not None else _responses_text(items), confidence)
    return _responses_answers(uses, await _agate_all(gate, uses, who, wait))


def run_responses_loop(
    client: OpenAI,
    gate: Gate,
    *,
    model: str,
    input: str | Iterable[ResponseInputItemParam],
    tools: Iterable[ToolParam],
    agent: str,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult[ResponseInputItemParam, Response]:
    """``run_chat_loop`` for the Responses API; ``messages`` of the result are the input items so far.
    ``create`` goes to ``client.responses.create`` as is (``instructions=...``)."""
    tool_list = list(tools)

    def ask(history: list[ResponseInputItemParam]) -> Response:
        response: Response = client.responses.create(
            model=model, input=history, tools=tool_list, stream=False, **create
        )
        return response

    return _drive(_RESPONSES, ask, gate, _input_items(input), _Loop(agent, thread, confidence, wait, held, max_turns))


async def arun_responses_loop(
    client: AsyncOpenAI,
    gate: Gate,
    *,
    model: str,
    input: str | Iterable[ResponseInputItemParam],
    tools: Iterable[ToolParam],
    agent: str,
    max_turns: int = 10,
    wait: Wait = None,
    held: Held = "tell_model",
    thread: str | None = None,
    confidence: float | None = None,
    **create: Any,
) -> LoopResult[ResponseInputItemParam, Response]:
    """The async twin of ``run_responses_loop``, with an ``AsyncOpenAI`` client."""
    tool_list = list(tools)

    async def ask(history: list[ResponseInputItemParam]) -> Response:
        response: Response = await client.responses.create(
            model=model, input=history, tools=tool_list, stream=False, **create
        )
        return response

    loop = _Loop(agent, thread, confidence, wait, held, max_turns)
    return await _adrive(_RESPONSES, ask, gate, _input_items(input), loop)


# -- tool definitions from gated functions ------------------------------------------------------------------------


def chat_tools(gate: Gate, *tools: str | Callable[..., Any]) -> list[ChatCompletionFunctionToolParam]:
    """Chat Completions tool definitions for tools registered with the gate (all of them when none is named),
    from their signatures and docstrings, in strict mode; ``idempotency_key`` is left out (the gate supplies it)."""
    return [
        {
            "type": "function",
            "function": {
                "name": schema.name,
                "description": schema.description or schema.name,
                "parameters": schema.params_json_schema,
                "strict": True,
            },
        }
        for schema in _schemas(gate, tools)
    ]


def responses_tools(gate: Gate, *tools: str | Callable[..., Any]) -> list[FunctionToolParam]:
    """``chat_tools`` for the Responses API."""
    return [
        {
            "type": "function",
            "name": schema.name,
            "description": schema.description or schema.name,
            "parameters": schema.params_json_schema,
            "strict": True,
        }
        for schema in _schemas(gate, tools)
    ]


def _schemas(gate: Gate, tools: tuple[str | Callable[..., Any], ...]) -> list[FuncSchema]:
    entries = [_entry(gate, tool) for tool in tools] if tools else list(gate.tools().values())
    return [function_schema(_without_key(entry), name_override=entry.name) for entry in entries]


# -- the loop, shared by Chat Completions and the Responses API ----------------------------------------------------


@dataclass
class _Loop:
    agent: str
    thread: str | None
    confidence: float | None
    wait: Wait
    held: Held
    max_turns: int
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    turns: int = 0


@dataclass(frozen=True, slots=True)
class _Dialect(Generic[M, R]):
    """How one API spells calls and answers."""

    unanswered: Callable[[list[M]], tuple[list[_Use], str | None]]
    answers: Callable[[list[_Use], Mapping[str, Outcome | str]], Sequence[M]]
    record: Callable[[R], Sequence[M]]
    asks: Callable[[R], bool]
    text: Callable[[R | None], str]


def _drive(
    dialect: _Dialect[M, R], ask: Callable[[list[M]], R], gate: Gate, history: list[M], loop: _Loop
) -> LoopResult[M, R]:
    final: R | None = None
    while True:
        uses, why = dialect.unanswered(history)
        if uses:
            answers = _gate_all(gate, uses, _Who(loop.agent, loop.thread, why, loop.confidence), loop.wait)
            if _answer(dialect, history, loop, uses, answers):
                return _result(dialect, history, final, loop, finished=False)
        if loop.turns >= loop.max_turns:
            return _result(dialect, history, final, loop, finished=False)
        final = ask(history)
        loop.turns += 1
        history.extend(dialect.record(final))
        if not dialect.asks(final):
            return _result(dialect, history, final, loop, finished=True)
        if loop.turns >= loop.max_turns:  # its calls stay unanswered: nothing runs that the model would never hear of
            return _result(dialect, history, final, loop, finished=False)


async def _adrive(
    dialect: _Dialect[M, R], ask: Callable[[list[M]], Awaitable[R]], gate: Gate, history: list[M], loop: _Loop
) -> LoopResult[M, R]:
    final: R | None = None
    while True:
        uses, why = dialect.unanswered(history)
        if uses:
            answers = await _agate_all(gate, uses, _Who(loop.agent, loop.thread, why, loop.confidence), loop.wait)
            if _answer(dialect, history, loop, uses, answers):
                return _result(dialect, history, final, loop, finished=False)
        if loop.turns >= loop.max_turns:
            return _result(dialect, history, final, loop, finished=False)
        final = await ask(history)
        loop.turns += 1
        history.extend(dialect.record(final))
        if not dialect.asks(final):
            return _result(dialect, history, final, loop, finished=True)
        if loop.turns >= loop.max_turns:
            return _result(dialect, history, final, loop, finished=False)


def _answer(
    dialect: _Dialect[M, R], history: list[M], loop: _Loop, uses: list[_Use], answers: Mapping[str, Outcome | str]
) -> bool:
    """Append the answers to the history; True when the loop should hand control back instead."""
    loop.outcomes.update((k, v) for k, v in answers.items() if not isinstance(v, str))
    if loop.held == "return" and any(isinstance(v, Pending) for v in answers.values()):
        return True
    history.extend(dialect.answers(uses, answers))
    return False


def _result(
    dialect: _Dialect[M, R], history: list[M], final: R | None, loop: _Loop, *, finished: bool
) -> LoopResult[M, R]:
    return LoopResult(history, final, dialect.text(final), dict(loop.outcomes), loop.turns, finished)


# -- submitting and waiting ----------------------------------------------------------------------------------------


def _text_of(answer: Outcome | str) -> str:
    return answer if isinstance(answer, str) else answer.to_tool_result()


# -- Chat Completions messages ---------------------------------------------------------------------------------------


def _chat_uses(message: ChatCompletionMessage | ChatCompletionMessageParam) -> list[_Use]:
    uses = []
    for call in _get(message, "tool_calls") or []:
        function = _get(call, "function")
        if function is None:  # a custom tool's free-form input: not a gated function call
            custom = _get(call, "custom")
            uses.append(_Use(str(_get(call, "id")), str(_get(custom, "name")), None))
        else:
            uses.append(_Use(str(_get(call, "id")), str(_get(function, "name")), _args(_get(function, "arguments"))))
    return uses


def _chat_text(message: ChatCompletionMessage | ChatCompletionMessageParam | None) -> str | None:
    content = _get(message, "content") if message is not None else None
    if isinstance(content, str):
        return content or None
    parts = [str(_get(part, "text")) for part in content or [] if _get(part, "type") == "text"]
    return "\n".join(parts) or None


def _chat_answers(uses: list[_Use], answers: Mapping[str, Outcome | str]) -> list[ChatCompletionToolMessageParam]:
    return [{"role": "tool", "tool_call_id": use.id, "content": _text_of(answers[use.id])} for use in uses]


def _chat_unanswered(history: list[ChatCompletionMessageParam]) -> tuple[list[_Use], str | None]:
    if not history or _get(history[-1], "role") != "assistant":
        return [], None
    return _chat_uses(history[-1]), _chat_text(history[-1])


def _chat_record(completion: ChatCompletion) -> list[ChatCompletionMessageParam]:
    message = completion.choices[0].message
    param: ChatCompletionAssistantMessageParam = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        param["tool_calls"] = [cast(Any, call.to_dict()) for call in message.tool_calls]
    return [param]


def _chat_final_text(completion: ChatCompletion | None) -> str:
    return (completion.choices[0].message.content or "") if completion is not None else ""


_CHAT: _Dialect[ChatCompletionMessageParam, ChatCompletion] = _Dialect(
    unanswered=_chat_unanswered,
    answers=_chat_answers,
    record=_chat_record,
    asks=lambda completion: bool(completion.choices[0].message.tool_calls),
    text=_chat_final_text,
)


# -- Responses API items ----------------------------------------------------------------------------------------------


def _input_items(input: str | Iterable[ResponseInputItemParam]) -> list[ResponseInputItemParam]:
    return [{"role": "user", "content": input}] if isinstance(input, str) else list(input)


def _response_items(response: Response | Iterable[ResponseInputItemParam]) -> list[Any]:
    return list(response.output) if isinstance(response, Response) else list(response)


def _responses_uses(items: Sequence[Any]) -> list[_Use]:
    """The function calls among the items that no ``function_call_output`` among them answers."""
    answered = {_get(i, "call_id") for i in items if _get(i, "type") == "function_call_output"}
    return [
        _Use(str(_get(i, "call_id")), str(_get(i, "name")), _args(_get(i, "arguments")))
        for i in items
        if _get(i, "type") == "function_call" and _get(i, "call_id") not in answered
    ]


def _responses_text(items: Sequence[Any]) -> str | None:
    """The text of the model's output messages among the items (what it said before asking)."""
    parts = [
        str(_get(part, "text"))
        for item in items
        if _get(item, "type") == "message" and _get(item, "role") == "assistant"
        for part in _get(item, "content") or []
        if _get(part, "type") == "output_text"
    ]
    return "\n".join(parts) or None


def _responses_answers(uses: list[_Use], answers: Mapping[str, Outcome | str]) -> list[FunctionCallOutput]:
    return [{"type": "function_call_output", "call_id": use.id, "output": _text_of(answers[use.id])} for use in uses]


def _responses_unanswered(history: list[ResponseInputItemParam]) -> tuple[list[_Use], str | None]:
    turn = _last_turn(history)
    return _responses_uses(history), _responses_text(turn)


def _last_turn(history: list[ResponseInputItemParam]) -> list[Any]:
    """The items after the last user message: the model's latest turn and any answers to it."""
    for index in range(len(history) - 1, -1, -1):
        if _get(history[index], "role") == "user":
            return list(history[index + 1 :])
    return list(history)


def _responses_record(response: Response) -> list[ResponseInputItemParam]:
    return [cast(ResponseInputItemParam, item.to_dict()) for item in response.output]


_RESPONSES: _Dialect[ResponseInputItemParam, Response] = _Dialect(
    unanswered=_responses_unanswered,
    answers=_responses_answers,
    record=_responses_record,
    asks=lambda response: any(item.type == "function_call" for item in response.output),
    text=lambda response: response.output_text if response is not None else "",
)

"""The MCP gateway: serve an upstream MCP server's tools to any MCP client, every call through the gate.

``pip install "tether[mcp]"``, then ``tether mcp-gateway --upstream "COMMAND"`` (stdio) or
``--upstream-url URL`` (streamable HTTP). The gateway is an MCP client of the upstream server and an MCP server to
the agent's client (over stdio, or streamable HTTP with ``--listen HOST:PORT``). See docs/integrations/mcp.md.

**Classification.** The policy classifies each upstream tool by name, exactly like a Python tool; a tool the
policy does not know is held (fail closed). MCP tool annotations are hints from a server Tether does not trust,
so they only ever tighten: an explicit ``destructiveHint: true`` is declared as at least risk ``medium``,
reversible ``no`` (held for approval by the default matrix), and ``readOnlyHint`` is ignored — it never loosens.

**Calls.** Auto (and notify) calls run upstream at once and return the upstream result unchanged. A held call
waits up to ``wait`` seconds for a decision and runs if approved in time; otherwise it returns an error result
``Awaiting approval (action ID): ...``. Rejections, responses, expiries, denials and shadow mode come back as
error results with the reviewer's note. Every result that is not the upstream tool's own is an error result, so
a client that checks structured output never mistakes it for the tool's output.

**A later identical call picks up the earlier action.** An MCP call carries no id, so the gateway derives the
call's idempotency key from what the agent asked for: ``mcp-<sha256 of (tool, canonical args)>-<generation>``,
scoped to the gateway's agent. Identical calls share the digest; the generation says which of them this is. A
call looks up the latest generation (a few indexed reads: generations are numbered 1, 2, 3 … without gaps) and

- **picks it up** (same call id: the plane returns the same action, never a second one) while that action is
  open — held, approved but not yet run, deferred, running, or left ``unknown`` by a crash (a human must say
  whether it ran before an identical call may run again) — or while it was held and its final outcome (the
  run after an approval, a rejection with its note, an expiry …) has not yet been returned to the agent;
- otherwise **starts the next generation**: a new action, evaluated and gated afresh.

So a retry of a held call gets the decision (and an approved call runs exactly once, in the call that picks it
up), while the same call made again after its outcome was delivered is a new call: auto tools run again, held
tools are held again. "Returned to the agent" is recorded durably as an ``mcp.outcome_delivered`` audit event on
the action (only for held actions: an auto call's outcome is always returned by the call that ran it), so the
rule survives restarts of the gateway. Identical calls made at the same moment share one action.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import json
import logging
import os
import shlex
import signal
import sys
import threading
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, TextIO

import anyio
import anyio.abc

from tether import __version__
from tether.agent._gate import Gate
from tether.errors import ClaimConflict, DecisionError, NotFound, TetherError, UsageError
from tether.integrations import require
from tether.model import (
    Action,
    Approve,
    Decision,
    Deferred,
    Executed,
    Mode,
    Outcome,
    Pending,
    Reject,
    Rejected,
    Reversibility,
    Risk,
    Status,
    ToolCall,
)
from tether.plane import ControlPlane
from tether.policy import Declared
from tether.store import ActionFilter, EventDraft

require("mcp", "mcp")

from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.server import NotificationOptions, Server, ServerRequestContext  # noqa: E402
from mcp.server.models import InitializationOptions  # noqa: E402
from mcp.server.stdio import stdio_server  # noqa: E402
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError  # noqa: E402
from mcp.shared.message import SessionMessage  # noqa: E402
from mcp.types import (  # noqa: E402
    CONNECTION_CLOSED,
    REQUEST_TIMEOUT,
    CallToolRequestParams,
    CallToolResult,
    ClientCapabilities,
    ElicitationCapability,
    ElicitResult,
    EmptyResult,
    ListToolsResult,
    PaginatedRequestParams,
    TextContent,
    Tool,
    ToolAnnotations,
    ToolListChangedNotification,
)

from tether.integrations._mcp_pins import ACCEPT_TOOL, Held, Pins  # noqa: E402
from tether.integrations._mcp_relay import CALLER, Caller, Downstream  # noqa: E402

# The gateway relays what the upstream and its clients speak, including what the newest protocol deprecates.
warnings.filterwarnings("ignore", category=MCPDeprecationWarning, module=r"tether\.integrations\.")

DELIVERED = "mcp.outcome_delivered"  # audit event: a held action's final outcome was returned to the agent
CONNECT_TIMEOUT = 30.0  # seconds for the upstream server to start and complete the MCP handshake
OPEN = frozenset({Status.PENDING, Status.APPROVED, Status.DEFERRED, Status.RUNNING, Status.UNKNOWN})
log = logging.getLogger("tether.mcp")

CONFIDENCE_META = "tether/confidence"
"""The ``_meta`` key of a ``tools/call`` request by which a client reports its confidence in the call (0 to 1): below
the policy's thresholds the call is held (or urgent), as for any agent."""

REASONING_META = "tether/reasoning"
"""The ``_meta`` key for why the model made the call, shown to reviewers."""

INSTRUCTIONS = (
    "Every tool call passes through Tether, a human-in-the-loop gate. A call a human must approve first returns "
    "'Awaiting approval (action ID)' and has not run: later, call the same tool again with the same arguments, or "
    "tether_check with the action id, to get the decision (and the result, once approved; an approved call runs "
    "once, whichever you do). A rejection returns the reviewer's note."
)

ASK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "approve": {"type": "boolean", "title": "Approve", "description": "Run this call now."},
        "note": {"type": "string", "title": "Note", "description": "Why (kept in the audit log)."},
    },
    "required": ["approve"],
}
"""What ``--approve-in-client`` asks the client's user through MCP elicitation."""

CHECK_TOOL = "tether_check"
CHECK = Tool(
    name=CHECK_TOOL,
    description=(
        "Look up a call Tether held for a human decision, by the action id its answer gave ('Awaiting approval "
        "(action ID)'): whether a human has decided it and, once approved, the tool's result. Runs nothing that "
        "was not approved, and nothing twice."
    ),
    input_schema={
        "type": "object",
        "properties": {"action_id": {"type": "string", "description": "The action id from the held call's answer."}},
        "required": ["action_id"],
    },
    annotations=ToolAnnotations(title="Check a held call", read_only_hint=True),
)


class UpstreamUnavailable(TetherError):
    """The upstream MCP server could not be started or reached, or closed the connection."""


class UpstreamToolError(Exception):
    """The upstream server answered a call with an error (``isError``, or a JSON-RPC error): the call failed."""


class UpstreamLost(BaseException):
    """The connection to the upstream server broke while a call was in flight: it may or may not have taken
    effect. Not an ``Exception``, so that the Gate records no result for the run: the action stays ``running``
    until its lease lapses and then becomes ``unknown``, for a human to check (``tether resolve``)."""


class _Lost(Exception):
    """``UpstreamLost`` while it crosses the event loop (which should carry only ordinary exceptions)."""


def declared_from(annotations: ToolAnnotations | None) -> Declared:
    """What a tool's MCP annotations add to the policy. Only an explicit ``destructiveHint: true`` counts, and
    only to tighten: at least risk medium, irreversible. ``readOnlyHint`` (and the spec's default of
    destructive for tools without annotations) is not trusted either way: the policy decides."""
    if annotations is not None and annotations.destructive_hint is True:
        return Declared(risk=Risk.MEDIUM, reversible=Reversibility.NO)
    return Declared()


def call_digest(tool: str, args: dict[str, Any]) -> str:
    """The identity of "the same call": the tool and its arguments as canonical JSON, hashed."""
    canonical = json.dumps([tool, args], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=repr)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Upstream:
    """A live MCP client session with the upstream server; ``closed`` is set when its connection ends."""

    session: ClientSession
    closed: anyio.Event
    label: str
    instructions: str | None = None


@asynccontextmanager
async def connect_upstream(
    command: str | None = None,
    url: str | None = None,
    *,
    errlog: TextIO | None = None,
    downstream: Downstream | None = None,
) -> AsyncIterator[Upstream]:
    """Start the upstream server (``command``, over stdio; it inherits this process's environment) or connect to
    it (``url``, streamable HTTP), and complete the MCP handshake."""
    if (command is None) == (url is None):
        raise UsageError("give exactly one upstream MCP server: a command (--upstream) or a URL (--upstream-url)")
    label = command if command is not None else str(url)
    ready = False
    try:
        async with AsyncExitStack() as stack:
            if command is not None:
                argv = shlex.split(command)
                if not argv:
                    raise UsageError("--upstream is an empty command")
                params = StdioServerParameters(command=argv[0], args=argv[1:], env=dict(os.environ))
                try:
                    read, write = await stack.enter_async_context(stdio_client(params, errlog=errlog or sys.stderr))
                except OSError as exc:
                    raise UpstreamUnavailable(f"could not start the upstream server {command!r}: {exc}") from None
            else:
                read, write = await stack.enter_async_context(streamable_http_client(label))
            closed = anyio.Event()
            relay_send, relay_receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)
            group = await stack.enter_async_context(anyio.create_task_group())
            stack.callback(group.cancel_scope.cancel)
            group.start_soon(_relay, read, relay_send, closed)
            callbacks: dict[str, Any] = {}
            if downstream is not None:
                callbacks = {
                    "elicitation_callback": downstream.elicit,
                    "sampling_callback": downstream.sample,
                    "logging_callback": downstream.log,
                    "message_handler": downstream.notify,
                }
            session = await stack.enter_async_context(ClientSession(relay_receive, write, **callbacks))
            try:
                with anyio.fail_after(CONNECT_TIMEOUT):
                    init = await session.initialize()
            except (MCPError, TimeoutError) as exc:
                raise UpstreamUnavailable(f"the upstream server {label} did not start an MCP session: {exc}") from None
            ready = True
            yield Upstream(session=session, closed=closed, label=label, instructions=init.instructions)
    except Exception as exc:  # an ExceptionGroup too: the transports fail from their task groups
        if ready:
            raise
        leaves = _leaves(exc)
        ours = [leaf for leaf in leaves if isinstance(leaf, TetherError)]
        if ours:
            raise ours[0] from None
        why = "; ".join(f"{type(leaf).__name__}: {leaf}" for leaf in leaves)
        raise UpstreamUnavailable(f"could not connect to the upstream server {label}: {why}") from None


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


async def _relay(
    source: AsyncIterable[SessionMessage | Exception],
    sink: anyio.abc.ObjectSendStream[SessionMessage | Exception],
    closed: anyio.Event,
) -> None:
    """Pass the upstream's messages to the session, and say when the connection ends."""
    try:
        async with sink:
            async for item in source:
                await sink.send(item)
    except (anyio.BrokenResourceError, anyio.ClosedResourceError):
        pass
    finally:
        closed.set()


class Gateway:
    """The upstream's tools registered with ``gate`` (each forwards to the upstream session) and served as an
    MCP server whose every call goes through the gate. Needs a Gate on a local store (``Gate(policy, db)``)."""

    def __init__(
        self,
        gate: Gate,
        upstream: Upstream,
        *,
        agent: str = "mcp",
        wait: float = 30.0,
        downstream: Downstream | None = None,
        approve_in_client: str | None = None,
    ) -> None:
        if approve_in_client is not None and (not approve_in_client.strip() or approve_in_client == agent):
            raise UsageError("--approve-in-client names the person who reviews in the client, not the agent")
        if not isinstance(gate.plane, ControlPlane):
            raise UsageError("the MCP gateway needs a Gate on a local store (--db): it keeps its bookkeeping there")
        if not agent:
            raise UsageError("the MCP gateway needs an agent name (--agent)")
        if wait < 0:
            raise UsageError(f"--wait must not be negative, got {wait}")
        self.gate = gate
        gate.agents = frozenset({agent, *(gate.agents or ())})  # its worker runs this agent's deferred calls only
        self.upstream = upstream
        self.downstream = downstream
        self.agent = agent
        self.wait = wait
        self.approve_in_client = approve_in_client
        self.tools: dict[str, Tool] = {}  # what clients see: each tool's pinned definition
        self.held: dict[str, Held] = {}  # tools whose changed definition awaits a review
        self._forwarded: set[str] = set()  # tools registered with the gate as forwarders to the upstream
        self.pins = Pins(gate, agent)
        self._plane: ControlPlane = gate.plane
        if downstream is not None:
            downstream.on_tools_changed = self.refresh_tools
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    # -- tools ---------------------------------------------------------------------------------------------------

    async def load_tools(self) -> list[Tool]:
        """List the upstream's tools, pin or check each definition, and register each with the gate under its own
        name (a call of it forwards to the upstream)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        await self.refresh_tools()
        return list(self.tools.values())

    async def refresh_tools(self) -> bool:
        """List the upstream's tools again (at start, when the upstream says its list changed, when a client lists
        them, when a review of a change was decided); whether what clients see changed."""
        listed: list[Tool] = []
        cursor: str | None = None
        for _ in range(1000):  # a server whose cursor never ends is not followed for ever
            params = PaginatedRequestParams(cursor=cursor) if cursor else None
            try:
                page = await self.upstream.session.list_tools(params=params)
            except MCPError as exc:
                raise UpstreamUnavailable(f"the upstream server did not list its tools: {exc.message}") from None
            listed.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                break
        served, held = await asyncio.to_thread(self.pins.reconcile, listed)
        registered = self.gate.tools()
        for name, tool in list(served.items()):
            if name in self._forwarded:
                continue
            if name in registered or name == CHECK_TOOL:  # a name Tether uses itself: not served
                del served[name]
                continue
            hint = declared_from(tool.annotations)
            self.gate.tool(name=name, risk=hint.risk, reversible=hint.reversible)(self._forwarder(name))
            self._forwarded.add(name)
        changed = served != self.tools
        self.tools, self.held = served, held
        return changed

    def describe(self) -> list[str]:
        """One line per tool: the mode its classification gives (before lane levels, rules and limits)."""
        policy = self.gate.policy
        lines = [
            f"tether mcp-gateway: {len(self.tools)} tools from {self.upstream.label} as agent {self.agent!r}, "
            f"policy {policy.source}; held calls wait up to {self.wait:g}s"
        ]
        for name, tool in sorted(self.tools.items()):
            if name in self.held:
                lines.append(f"  {name} → not called: {self.held[name].message}")
                continue
            verdict = policy.evaluate(ToolCall(tool=name, agent=self.agent), declared=declared_from(tool.annotations))
            why = "; ".join(r.text for r in verdict.reasons if r.step in ("matrix", "unknown_tool", "declared"))
            lines.append(f"  {name} → {verdict.ceiling.value} ({why})")
        return lines

    def server(self) -> Server[Any]:
        """The MCP server the agent's client talks to: the upstream's tools, each call gated; everything else the
        upstream offers (resources, prompts, completions, logging) handed through unchanged."""
        downstream = self.downstream

        def seen(ctx: ServerRequestContext[Any]) -> None:
            if downstream is not None:
                downstream.seen(ctx.session)

        async def list_tools(ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None) -> ListToolsResult:
            seen(ctx)
            with contextlib.suppress(TetherError):  # an upstream that cannot list now: the pinned list stands
                await self.refresh_tools()
            return ListToolsResult(tools=[*self.tools.values(), CHECK])

        async def call_tool(ctx: ServerRequestContext[Any], params: CallToolRequestParams) -> CallToolResult:
            seen(ctx)
            CALLER.set(Caller(ctx.session, ctx.request_id))  # whose call the upstream's messages belong to
            meta = dict(params.meta or {})
            confidence, reasoning = meta.get(CONFIDENCE_META), meta.get(REASONING_META)
            if confidence is not None and (
                isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1
            ):
                return _error(f"_meta {CONFIDENCE_META!r} must be a number from 0 to 1, got {confidence!r}")
            if reasoning is not None and not isinstance(reasoning, str):
                return _error(f"_meta {REASONING_META!r} must be text, got {reasoning!r}")

            async def progress(step: float, message: str) -> None:
                await ctx.session.report_progress(step, None, message)  # a no-op unless the client asked for progress

            async def ask(message: str, schema: dict[str, Any]) -> ElicitResult:
                return await ctx.session.elicit_form(message, schema, related_request_id=ctx.request_id)

            can_ask = ctx.session.check_client_capability(ClientCapabilities(elicitation=ElicitationCapability()))
            return await self.call_tool(
                params.name,
                params.arguments,
                confidence=confidence,
                reasoning=reasoning,
                progress=progress,
                ask=ask if can_ask else None,
            )

        instructions = "\n\n".join(part for part in (self.upstream.instructions, INSTRUCTIONS) if part)
        return _GatewayServer(
            "tether-mcp-gateway",
            version=__version__,
            instructions=instructions,
            on_list_tools=list_tools,
            on_call_tool=call_tool,
            notifications=self._notifications(),
            **self._passed_through(seen),
        )

    def _notifications(self) -> NotificationOptions:
        """The list-changed notifications the gateway relays: those the upstream sends."""
        capabilities = self.upstream.session.server_capabilities
        if capabilities is None:
            return NotificationOptions()
        return NotificationOptions(
            prompts_changed=bool(capabilities.prompts and capabilities.prompts.list_changed),
            resources_changed=bool(capabilities.resources and capabilities.resources.list_changed),
            tools_changed=bool(capabilities.tools and capabilities.tools.list_changed),
        )

    def _passed_through(self, seen: Callable[[Any], None]) -> dict[str, Any]:
        """Handlers that hand the upstream's resources, prompts, completions and logging to the client unchanged:
        only tool calls act on the world, so only they are gated. Offered only when the upstream offers them."""
        session = self.upstream.session
        capabilities = session.server_capabilities
        downstream = self.downstream
        handlers: dict[str, Any] = {}
        if capabilities is None:
            return handlers
        if capabilities.resources is not None:

            async def list_resources(ctx: Any, params: PaginatedRequestParams | None) -> Any:
                seen(ctx)
                return await session.list_resources(params=params)

            async def list_resource_templates(ctx: Any, params: PaginatedRequestParams | None) -> Any:
                seen(ctx)
                return await session.list_resource_templates(params=params)

            async def read_resource(ctx: Any, params: Any) -> Any:
                seen(ctx)
                return await session.read_resource(str(params.uri))

            handlers.update(
                on_list_resources=list_resources,
                on_list_resource_templates=list_resource_templates,
                on_read_resource=read_resource,
            )
            if capabilities.resources.subscribe and downstream is not None:

                async def subscribe(ctx: Any, params: Any) -> Any:
                    uri = str(params.uri)
                    first = uri not in downstream.subscribers
                    downstream.subscribe(ctx.session, uri)
                    return await session.subscribe_resource(uri) if first else EmptyResult()

                async def unsubscribe(ctx: Any, params: Any) -> Any:
                    uri = str(params.uri)
                    last = downstream.unsubscribe(ctx.session, uri)
                    return await session.unsubscribe_resource(uri) if last else EmptyResult()

                handlers.update(on_subscribe_resource=subscribe, on_unsubscribe_resource=unsubscribe)
        if capabilities.prompts is not None:

            async def list_prompts(ctx: Any, params: PaginatedRequestParams | None) -> Any:
                seen(ctx)
                return await session.list_prompts(params=params)

            async def get_prompt(ctx: Any, params: Any) -> Any:
                seen(ctx)
                return await session.get_prompt(params.name, params.arguments)

            handlers.update(on_list_prompts=list_prompts, on_get_prompt=get_prompt)
        if capabilities.completions is not None:

            async def complete(ctx: Any, params: Any) -> Any:
                context = params.context.arguments if params.context is not None else None
                return await session.complete(params.ref, params.argument.model_dump(), context)

            handlers["on_completion"] = complete
        if capabilities.logging is not None:

            async def set_logging_level(ctx: Any, params: Any) -> Any:
                seen(ctx)
                return await session.set_logging_level(params.level)

            handlers["on_set_logging_level"] = set_logging_level
        return handlers

    # -- one call ------------------------------------------------------------------------------------------------

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any] | None,
        *,
        confidence: float | None = None,
        reasoning: str | None = None,
        progress: Callable[[float, str], Awaitable[None]] | None = None,
        ask: Callable[[str, dict[str, Any]], Awaitable[ElicitResult]] | None = None,
    ) -> CallToolResult:
        """Gate one call from the agent's client and say what happened, as an MCP tool result. ``confidence`` and
        ``reasoning`` are what the client said of the call (``_meta``), for the policy and the reviewers. While a
        held call waits, ``progress`` is told every few seconds which action it is and where to decide it."""
        if name == CHECK_TOOL:
            return await self.check((arguments or {}).get("action_id"))
        if name not in self.tools:
            return _error(f"Unknown tool {name!r}; this gateway serves: {', '.join(sorted(self.tools)) or 'none'}.")
        if name in self.held:
            with contextlib.suppress(TetherError):  # the change may have been accepted since
                await self.refresh_tools()
            if name in self.held:
                return _error(self.held[name].message)
        args = dict(arguments or {})
        call_id = ""
        try:
            call_id = await asyncio.to_thread(self._call_id, name, args)
            call = ToolCall(
                tool=name, args=args, agent=self.agent, call_id=call_id, confidence=confidence, reasoning=reasoning
            )
            outcome = await self.gate.acall(call)
            if isinstance(outcome, Pending) and ask is not None and self.approve_in_client is not None:
                outcome = await self._ask_the_user(call, outcome, ask, self.approve_in_client)
            if isinstance(outcome, Pending) and self.wait > 0:
                ticker = None
                if progress is not None:
                    ticker = asyncio.create_task(_keep_telling(progress, self._waiting(name, outcome.action_id)))
                try:
                    outcome = await self.gate.acall(call, wait=self.wait)
                finally:
                    if ticker is not None:
                        ticker.cancel()
            action = await asyncio.to_thread(self._returning, outcome)
        except UpstreamLost:
            found = await asyncio.to_thread(self._plane.store.find_call, self.agent, call_id)
            ref = f" (action {found.id})" if found is not None else ""
            return _error(
                f"The connection to the upstream server broke while {name} ran{ref}: whether it took effect is "
                f"unknown, and a human must check it. Until then, calling {name} again with the same arguments "
                "reports this, without running it again."
            )
        except TetherError as exc:
            return _error(f"Tether could not gate this call: {exc}")
        result = _result(name, outcome, action)
        if isinstance(outcome, Pending) and action.status is Status.PENDING:
            others = await asyncio.to_thread(self._also_held, action)
            if others:
                result.content.append(TextContent(type="text", text=others))
        return result

    async def _ask_the_user(
        self, call: ToolCall, outcome: Pending, ask: Callable[[str, dict[str, Any]], Awaitable[ElicitResult]], by: str
    ) -> Outcome:
        """``--approve-in-client``: the client's user is a reviewer (a desktop app's single user). Ask them, through
        MCP elicitation, to approve or reject the held call, and record their answer under ``by``. Never for a
        locked tool or a call that needs several approvals: the agent's own channel must not be the only approval
        of a critical call. Cancelling, or a client that cannot answer, leaves the call held as usual."""
        action = await asyncio.to_thread(self._plane.get, outcome.action_id)
        if action.status is not Status.PENDING or action.verdict.locked or action.verdict.quorum > 1:
            return outcome
        args = json.dumps(call.args, ensure_ascii=False, sort_keys=True)
        reasons = "; ".join(outcome.reasons)
        message = (
            f"Tether holds {call.tool} {args} for approval (action {action.id}). Held because: {reasons}. "
            f"Approve it? You answer as {by}; it is recorded in the audit log."
        )
        try:
            answer = await ask(message, ASK_SCHEMA)
        except Exception:  # a client that cannot answer after all: the call waits for a reviewer as usual
            log.debug("approval through elicitation not answered", exc_info=True)
            return outcome
        content = answer.content or {}
        raw_note = content.get("note")
        note = raw_note.strip() if isinstance(raw_note, str) else ""
        decision: Decision
        if answer.action == "accept" and content.get("approve") is True:
            decision = Approve(by=by, note=note or "approved in the MCP client")
        elif answer.action in ("accept", "decline"):
            decision = Reject(by=by, note=note or "declined in the MCP client")
        else:  # cancelled: no answer
            return outcome
        with contextlib.suppress(DecisionError):  # decided meanwhile by a reviewer: that decision stands
            await asyncio.to_thread(self.gate.decide, action.id, decision)
        return await self.gate.acall(call)  # runs once if approved; the rejection otherwise

    async def check(self, action_id: Any) -> CallToolResult:
        """``tether_check``: the decision on a held call of this gateway's agent and, once approved, its result
        (the call runs here if it was approved and nobody has run it yet; never twice)."""
        if not isinstance(action_id, str) or not action_id.strip():
            return _error(f"{CHECK_TOOL} takes action_id: the id in the held call's answer 'Awaiting approval (...)'.")
        action_id = action_id.strip()
        try:
            action = await asyncio.to_thread(self._plane.get, action_id)
        except NotFound:
            action = None
        if action is None or action.call.agent != self.agent or action.call.tool not in self._forwarded:
            return _error(f"There is no Tether action {action_id} for this gateway's tools.")
        name = action.call.tool
        try:
            outcome = await self.gate.aresume(action_id)
            if isinstance(outcome, Pending) and (await asyncio.to_thread(self._plane.get, action_id)).status in (
                Status.RUNNING,
                Status.APPROVED,
            ):  # running right now (the gateway's own pass took it): its result is moments away
                outcome = await self.gate.aresume(action_id, wait=max(self.wait, RUNNING_WAIT))
            action = await asyncio.to_thread(self._returning, outcome)
        except UpstreamLost:
            return _error(f"The connection to the upstream server broke while {name} ran (action {action_id}).")
        except TetherError as exc:
            return _error(f"Tether could not look up action {action_id}: {exc}")
        return _result(name, outcome, action)

    def _also_held(self, action: Action) -> str | None:
        """The other calls of this tool still held, so the model can tell the user what else waits (a reworded
        call is a new request: the first one stays held until a human decides it)."""
        query = ActionFilter(status={Status.PENDING}, agent=self.agent, tool=action.call.tool, oldest_first=True)
        others = [a for a in self._plane.actions(query) if a.id != action.id]
        if not others:
            return None
        listed = "; ".join(f"action {a.id} with {json.dumps(a.call.args, sort_keys=True)}" for a in others[:5])
        more = f" (and {len(others) - 5} more)" if len(others) > 5 else ""
        return f"Also still waiting for a decision on {action.call.tool}: {listed}{more}."

    def _waiting(self, tool: str, action_id: str) -> str:
        base = self.gate.plane.policy.config.notify.base_url
        where = f": {base.rstrip('/')}/actions/{action_id}" if base else f" (tether approve {action_id} --by NAME)"
        return f"{tool} is held for a human decision, Tether action {action_id}; waiting up to {self.wait:g} s{where}"

    def _call_id(self, tool: str, args: dict[str, Any]) -> str:
        """The idempotency key of this call: the open (or undelivered) generation, or the next one."""
        prefix = f"mcp-{call_digest(tool, args)}-"
        generation, latest = self._latest(prefix)
        if latest is not None and (latest.status in OPEN or (_held(latest) and not self._delivered(latest))):
            return f"{prefix}{generation}"
        return f"{prefix}{generation + 1}"

    def _latest(self, prefix: str) -> tuple[int, Action | None]:
        """The highest generation with an action, found in O(log n) indexed reads (generations have no gaps)."""
        store = self._plane.store

        def find(n: int) -> Action | None:
            return store.find_call(self.agent, f"{prefix}{n}")

        found = find(1)
        if found is None:
            return 0, None
        low, high = 1, 2
        while (probe := find(high)) is not None:
            low, found, high = high, probe, high * 2
        while high - low > 1:  # low exists, high does not
            middle = (low + high) // 2
            probe = find(middle)
            if probe is None:
                high = middle
            else:
                low, found = middle, probe
        return low, found

    def _delivered(self, action: Action) -> bool:
        return any(event.kind == DELIVERED for event in self._plane.store.events_for(action.id))

    def _returning(self, outcome: Outcome) -> Action:
        """Note (durably) that a held action's final outcome is being returned to the agent."""
        action = self._plane.get(outcome.action_id)
        if action.status not in OPEN and _held(action):
            body = {"outcome": outcome.kind, "status": action.status.value, "via": "mcp-gateway"}
            draft = EventDraft(f"agent:{self.agent}", DELIVERED, action.id, body)
            self._plane.store.append_events([draft], at=self._plane.clock.now())
        return action

    # -- approved while nobody waited --------------------------------------------------------------------------------

    async def run_approved(self) -> None:
        """Run, upstream, the calls a reviewer approved after their caller stopped waiting: the gateway holds the
        upstream connection, so it runs them itself, once, and keeps the result for the model's next identical
        call to pick up. A gateway that starts again runs the ones approved while it was down."""
        while True:
            try:
                await self.run_approved_once()
            except TetherError as exc:  # the store is down for a moment: the next pass tries again
                log.warning("approved calls not run this pass: %s", exc)
            await asyncio.sleep(RUN_APPROVED_EVERY)

    async def run_approved_once(self) -> int:
        """One pass: how many approved calls it ran."""
        tools = {*self.tools, ACCEPT_TOOL}
        query = ActionFilter(status={Status.APPROVED}, agent=self.agent, tools=tools, oldest_first=True, limit=100)
        ran = 0
        accepted = False
        for action in await asyncio.to_thread(self._plane.actions, query):
            try:
                await self.gate.aresume(action.id)  # claimed first: a caller resuming it too never doubles it
                ran += 1
                accepted |= action.call.tool == ACCEPT_TOOL
            except ClaimConflict:
                continue
        if accepted and await self.refresh_tools() and self.downstream is not None:
            await self.downstream.broadcast(ToolListChangedNotification())  # clients list the accepted definitions
        return ran

    # -- running a tool upstream -----------------------------------------------------------------------------------

    def _forwarder(self, name: str) -> Callable[..., dict[str, Any]]:
        def forward(**arguments: Any) -> dict[str, Any]:
            return self._forward(name, arguments)

        return forward

    def _forward(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Run the call upstream. The Gate calls this from a thread (a call's, or the worker's); the session lives
        on the gateway's event loop, so the call is handed to that loop and this thread waits for it."""
        loop = self._loop
        if loop is None or threading.get_ident() == self._loop_thread:
            raise UsageError("the gateway's tools run from a thread, with the gateway's event loop running")
        if self.upstream.closed.is_set():
            raise UpstreamUnavailable("the upstream server is not connected")
        caller = CALLER.get()  # the client request this call serves, if any (not for a deferred or approved run)
        future = asyncio.run_coroutine_threadsafe(self._call_upstream(name, arguments, caller), loop)
        try:
            return future.result()
        except (_Lost, concurrent.futures.CancelledError) as exc:
            raise UpstreamLost(str(exc) or "the call was cancelled") from None

    async def _call_upstream(self, name: str, arguments: dict[str, Any], caller: Caller | None) -> dict[str, Any]:
        relay: Any = None
        if caller is not None:

            async def relay(progress: float, total: float | None, message: str | None) -> None:
                with contextlib.suppress(Exception):  # a client that went away: the call itself goes on
                    await caller.session.report_progress(progress, total, message)

        running = self.downstream.running(caller) if self.downstream is not None else contextlib.nullcontext()
        try:
            with running:
                result = await self.upstream.session.call_tool(name, arguments, progress_callback=relay)
        except MCPError as exc:
            if exc.code in (CONNECTION_CLOSED, REQUEST_TIMEOUT):
                raise _Lost(exc.message) from None
            raise UpstreamToolError(f"the upstream server refused the call: {exc.message} (code {exc.code})") from None
        if result.is_error:
            raise UpstreamToolError(_text(result) or "the upstream tool reported an error")
        return result.model_dump(mode="json", by_alias=True, exclude_none=True)


class _GatewayServer(Server[Any]):
    """The SDK's server, announcing the list-changed notifications the gateway relays over every transport (the
    streamable HTTP session manager builds its initialization options without arguments)."""

    def __init__(self, *args: Any, notifications: NotificationOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notifications = notifications

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> InitializationOptions:
        return super().create_initialization_options(
            notification_options or self.notifications, experimental_capabilities, extensions
        )


RUNNING_WAIT = 30.0
"""Seconds ``tether_check`` waits for a call that is running at that moment (claimed by another pickup)."""

RUN_APPROVED_EVERY = 1.0
"""Seconds between the gateway's looks for calls approved while nobody waited on them."""

PROGRESS_EVERY = 5.0
"""Seconds between progress notifications while a held call waits (the first is sent at once)."""


async def _keep_telling(progress: Callable[[float, str], Awaitable[None]], message: str) -> None:
    step = 0
    while True:
        try:
            await progress(step, message)
        except Exception:  # a client that went away: the wait goes on, the result is kept for the next pickup
            log.debug("progress notification not sent", exc_info=True)
            return
        step += 1
        await asyncio.sleep(PROGRESS_EVERY)


def _held(action: Action) -> bool:
    """Whether the action waited for someone (a reviewer, or its override window) instead of running at once."""
    return action.verdict.mode is Mode.APPROVE or action.run_at is not None


def _result(name: str, outcome: Outcome, action: Action) -> CallToolResult:
    again = f"Call {name} again with the same arguments"
    match outcome:
        case Executed():
            return _executed(outcome, action)
        case Pending() if action.status is Status.RUNNING:
            return _error(
                f"Action {action.id}: {name} is running now (an identical call started it). {again} for its result."
            )
        case Pending():
            text = f"Awaiting approval (action {action.id}): {name} is held for a human decision and has not run."
            if outcome.reasons:
                text += " Held because: " + "; ".join(outcome.reasons) + "."
            if outcome.quorum > 1:
                text += f" It needs {outcome.quorum} approvals ({outcome.approvals} so far)."
            if outcome.expires_at is not None:
                text += f" The request expires at {outcome.expires_at.isoformat()}."
            return _error(f"{text} {again} (or {CHECK_TOOL} with this action id) to pick up the decision.")
        case Deferred():
            return _error(f"{outcome.to_tool_result()} {again} after that for its result.")
        case Rejected():
            by = f" by {outcome.by}" if outcome.by else ""
            return _error(f"Rejected{by} (action {action.id}): {outcome.note or 'no reason given'}")
        case _:
            return _error(f"{outcome.to_tool_result()} (action {action.id})")


def _executed(outcome: Executed, action: Action) -> CallToolResult:
    try:
        result = CallToolResult.model_validate(outcome.result)
    except ValueError:  # not recorded by a forwarder: e.g. a human resolved a crashed run as "it ran"
        result = CallToolResult(content=[TextContent(type="text", text=outcome.to_tool_result())])
    if action.run_args != action.call.args:
        edited = json.dumps(action.run_args, ensure_ascii=False)
        result.content.append(TextContent(type="text", text=f"(A reviewer changed the arguments to {edited}.)"))
    return result


def _error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def _text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


# -- running it -------------------------------------------------------------------------------------------------


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _exit_when_lost(message: str) -> None:
    """The default on losing the upstream: say so and exit at once, like a crash (calls in flight are left for the
    lease to turn ``unknown``). A clean shutdown could hang: the stdio transport reads stdin in a thread that
    cannot be interrupted."""
    _announce(f"tether mcp-gateway: {message}; exiting")
    os._exit(1)


async def serve_gateway(
    gate: Gate,
    *,
    upstream: str | None = None,
    upstream_url: str | None = None,
    agent: str = "mcp",
    wait: float = 30.0,
    listen: str | None = None,
    approve_in_client: str | None = None,
    announce: Callable[[str], None] = _announce,
    on_upstream_lost: Callable[[str], None] = _exit_when_lost,
) -> None:
    """Connect to the upstream, register its tools with ``gate`` and serve them — over stdio until the client
    closes it, or over streamable HTTP at ``listen`` (``HOST:PORT``, path ``/mcp``) until interrupted. The gate's
    worker runs meanwhile (timers, deferred calls)."""
    downstream = Downstream()
    async with connect_upstream(upstream, upstream_url, downstream=downstream) as connection:
        gateway = Gateway(
            gate, connection, agent=agent, wait=wait, downstream=downstream, approve_in_client=approve_in_client
        )
        await gateway.load_tools()
        for line in gateway.describe():
            announce(line)
        gate.start_worker()
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(_watch, connection, on_upstream_lost, group.cancel_scope)
                group.start_soon(gateway.run_approved)
                server = gateway.server()
                if listen is None:
                    async with stdio_server() as (read, write):
                        await server.run(read, write, server.create_initialization_options())
                else:
                    await _serve_http(server, listen, announce)
                group.cancel_scope.cancel()
        finally:
            await asyncio.to_thread(gate.stop_worker)


async def _watch(connection: Upstream, on_lost: Callable[[str], None], scope: anyio.CancelScope) -> None:
    await connection.closed.wait()
    on_lost(f"the upstream server {connection.label} closed the connection")
    scope.cancel()


async def _serve_http(server: Server[Any], listen: str, announce: Callable[[str], None]) -> None:
    """Serve streamable HTTP until SIGINT or SIGTERM, which end it cleanly (uvicorn's own handlers would re-raise
    the signal at the end, killing the process before the upstream and the gate are closed)."""
    import uvicorn

    class Uvicorn(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    host, port = parse_listen(listen)
    app = server.streamable_http_app(host=host)
    http = Uvicorn(uvicorn.Config(app, host=host, port=port, log_level="warning"))

    async def stop_on_signal() -> None:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for _ in signals:
                http.should_exit = True
                return

    async def announce_when_started() -> None:
        while not http.started:  # uvicorn sets it once its socket accepts connections
            await anyio.sleep(0.01)
        bound = http.servers[0].sockets[0].getsockname()
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        announce(f"tether mcp-gateway: serving MCP on http://{shown}:{bound[1]}/mcp")

    async with anyio.create_task_group() as group:
        group.start_soon(stop_on_signal)
        group.start_soon(announce_when_started)
        await http.serve()
        group.cancel_scope.cancel()


def parse_listen(listen: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8000`` for IPv6; port 0 picks a free one)."""
    host, sep, port = listen.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise UsageError(f"--listen takes HOST:PORT, e.g. 127.0.0.1:8765; got {listen!r}")
    return host, int(port)


def run_gateway(gate: Gate, **options: Any) -> None:
    """``serve_gateway`` from synchronous code (the CLI), on an event loop of its own; closes the gate afterwards.

    The loop gets a larger thread pool than asyncio's default (a few threads per CPU): every call in flight holds
    a thread while its tool runs upstream, and the store is used from threads too."""

    async def main() -> None:
        asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=64))
        await serve_gateway(gate, **options)

    try:
        anyio.run(main, backend="asyncio")
    except BaseExceptionGroup as group:
        raise _single(group) from None
    finally:
        gate.close()


def _single(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """A task group's lone error (an upstream that would not start, a bad option) as itself, so the CLI can say it
    in one line; anything else stays the group it was."""
    errors = list(group.exceptions)
    while len(errors) == 1 and isinstance(errors[0], BaseExceptionGroup):
        errors = list(errors[0].exceptions)
    return errors[0] if len(errors) == 1 and isinstance(errors[0], TetherError) else group


__all__ = [
    "DELIVERED",
    "Gateway",
    "Upstream",
    "UpstreamLost",
    "UpstreamToolError",
    "UpstreamUnavailable",
    "call_digest",
    "connect_upstream",
    "declared_from",
    "parse_listen",
    "run_gateway",
    "serve_gateway",
]

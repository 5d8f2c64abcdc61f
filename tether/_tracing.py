"""OpenTelemetry spans for gated calls, when ``opentelemetry-api`` is installed (the ``otel`` extra).

Tether only *emits* spans, to whatever tracer provider the process set up (the agent's own OpenTelemetry set-up,
or ``tether serve``'s, see ``tether.server._telemetry``); without one they are skipped. A gated call is one span
following the GenAI ``execute_tool`` conventions (name ``execute_tool {tool}``, ``gen_ai.operation.name``,
``gen_ai.tool.name``, ``gen_ai.tool.call.id``), with Tether's verdict, the decision, the reviewers and the
outcome as ``tether.*`` attributes. The wait for a human is a child span of its own (``await_human {tool}``), so a
trace shows how long a person took. Arguments and results are not recorded: they may hold personal data, and the
audit log already keeps them, redacted where the policy says.

Trace context crosses ``tether.connect`` as W3C ``traceparent`` headers (``inject``) and is picked up by the
server (FastAPI's own request spans), so the server's spans join the agent's trace.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from tether.model import Action, Approve, Edit, Reject, Respond, Status, ToolCall

try:
    from opentelemetry import propagate, trace
except ImportError:  # the otel extra is not installed: every helper here is a no-op
    trace = None  # type: ignore[assignment]

TRACER = "tether"


def enabled() -> bool:
    return trace is not None


@functools.cache
def _tracer() -> Any:
    """Tether's tracer; a proxy until the process sets a provider, so caching it is safe."""
    return trace.get_tracer(TRACER, importlib.metadata.version("tether"))


def inject(headers: MutableMapping[str, str]) -> None:
    """Add the current trace context to outgoing request headers."""
    if trace is not None:
        propagate.inject(headers)


def verdict_attributes(action: Action) -> dict[str, Any]:
    """What the policy decided about the call, as span attributes."""
    verdict = action.verdict
    level = next((r.ref for r in verdict.reasons if r.step == "level"), verdict.ceiling.value)
    attributes: dict[str, Any] = {
        "tether.action.id": action.id,
        "tether.agent": action.call.agent,
        "tether.verdict.mode": verdict.mode.value,
        "tether.verdict.reasons": [r.text for r in verdict.reasons],
        "tether.verdict.urgency": verdict.urgency.value,
        "tether.lane": action.call.lane,
        "tether.lane.level": level,
    }
    if verdict.quorum > 1:
        attributes["tether.verdict.quorum"] = verdict.quorum
    if action.call.confidence is not None:
        attributes["tether.confidence"] = action.call.confidence
    return attributes


def decision_attributes(action: Action) -> dict[str, Any]:
    """Who decided the call and how, as span attributes (nothing while it is undecided)."""
    decision = action.decision
    attributes: dict[str, Any] = {}
    if action.approvals:
        attributes["tether.approved_by"] = [a.by for a in action.approvals]
    if decision is None:
        return attributes
    kind = {Approve: "approve", Edit: "edit", Reject: "reject", Respond: "respond"}[type(decision)]
    attributes["tether.decision"] = kind
    attributes["tether.decision.by"] = decision.by
    return attributes


class ToolSpan:
    """The ``execute_tool`` span of one gated call, and the human wait inside it."""

    def __init__(self, span: Any) -> None:
        self.span = span
        self._wait: Any = None

    def verdict(self, action: Action) -> None:
        if self.span is not None and self.span.is_recording():
            self.span.set_attributes(verdict_attributes(action))

    def watch(self, action: Action) -> None:
        """Follow the action while the caller waits: a held action opens the human wait, a decided one closes it."""
        if self.span is None:
            return
        if self._wait is None and action.status is Status.PENDING:
            context = trace.set_span_in_context(self.span)
            self._wait = _tracer().start_span(
                f"await_human {action.call.tool}",
                context=context,
                attributes={
                    "tether.action.id": action.id,
                    "tether.reviewers": action.reviewers or "",
                    "tether.verdict.quorum": action.verdict.quorum,
                },
            )
        elif self._wait is not None and action.status is not Status.PENDING:
            self._end_wait(action)

    def _end_wait(self, action: Action) -> None:
        self._wait.set_attributes({**decision_attributes(action), "tether.status": action.status.value})
        self._wait.end()
        self._wait = None

    def outcome(self, outcome: Any, action: Action | None = None) -> None:
        if self.span is None:
            return
        if self._wait is not None and action is not None:
            if action.status is Status.PENDING:
                self._wait.set_attribute("tether.wait.ended", "caller stopped waiting")
            self._end_wait(action)
        if not self.span.is_recording():
            return
        self.span.set_attribute("tether.outcome", outcome.kind)
        if action is not None:
            self.span.set_attributes(decision_attributes(action))
        if outcome.kind == "failed":
            self.span.set_attribute("error.type", str(outcome.error).split(":", 1)[0])
            self.span.set_status(trace.StatusCode.ERROR, str(outcome.error))

    def close(self) -> None:
        if self._wait is not None:
            self._wait.end()
            self._wait = None


NO_SPAN = ToolSpan(None)


@contextmanager
def tool_span(call: ToolCall, *, resumed: bool = False) -> Iterator[ToolSpan]:
    """The span of one gated call (``resumed``: the run of an action submitted earlier)."""
    if trace is None or isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        yield NO_SPAN  # no tracer provider set: nothing would record, so skip the span's cost (~10 µs a call)
        return
    attributes: dict[str, Any] = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": call.tool,
        "gen_ai.tool.call.id": call.call_id,
        "gen_ai.tool.type": "function",
        "gen_ai.agent.name": call.agent,
    }
    if resumed:
        attributes["tether.resumed"] = True
    with _tracer().start_as_current_span(f"execute_tool {call.tool}", attributes=attributes) as span:
        traced = ToolSpan(span)
        try:
            yield traced
        finally:
            traced.close()


def annotate(attributes: dict[str, Any]) -> None:
    """Add attributes to the current span (a server handler naming the action it acted on)."""
    if trace is not None:
        span = trace.get_current_span()
        if span.is_recording():
            span.set_attributes(attributes)

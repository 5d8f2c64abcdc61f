"""The OTLP exporter for ``tether serve``.

The request spans themselves are FastAPI's own (its native OpenTelemetry support, which continues the trace an
agent's ``traceparent`` header carries, so the submit, the long poll and the claim show up under the agent's
``execute_tool`` span); the API adds the verdict to them. ``tether serve`` exports spans with OpenTelemetry's
standard OTLP exporter when the usual environment variables ask for it
(``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, or ``OTEL_TRACES_EXPORTER=otlp``;
``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES`` and the exporter's own variables apply as everywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tether.errors import ConfigError

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def export_from_env(env: Mapping[str, str]) -> tuple[str, Callable[[], Any]] | None:
    """Install an OTLP-exporting tracer provider when ``env`` asks for one.

    Returns what to tell the operator (where spans go) and the shutdown that flushes the last spans, or None when
    tracing is not asked for. Asking for it without the ``otel`` extra is a ConfigError, not a silent no-op.
    """
    endpoint = next((env[name] for name in ENDPOINTS if env.get(name)), None)
    wanted = env.get("OTEL_TRACES_EXPORTER", "otlp" if endpoint else "none").strip().lower()
    if wanted in ("", "none") or env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    if wanted != "otlp":
        raise ConfigError(f"OTEL_TRACES_EXPORTER={wanted!r}: tether serve exports traces with 'otlp' only")
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise ConfigError(
            "the environment asks for OpenTelemetry traces (OTEL_*), but the otel extra is not installed: "
            'pip install "tether[otel]"'
        ) from None
    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or "tether"})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return f"traces: OTLP to {endpoint or 'the default endpoint (http://localhost:4318)'}", provider.shutdown

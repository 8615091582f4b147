"""OpenTelemetry traces, on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the SDK's own variable).

The SDK and its OTLP/HTTP exporter are dependencies; the instrumentation packages for Starlette, asyncpg
and httpx are not available to this build, so the spans they would make are made here, few and at the
same places: one server span per HTTP request (continuing an incoming W3C ``traceparent``), one per
GraphQL operation, one per SQL statement. Off, every call here is a no-op on the API's default tracer.
"""

from __future__ import annotations

import os
import time

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanProcessor

ENDPOINT_VAR = "OTEL_EXPORTER_OTLP_ENDPOINT"
SERVICE_NAME = "ledgerport"

_provider: TracerProvider | None = None


def tracer() -> trace.Tracer:
    """Our tracer: the configured provider's, else the API's no-op one."""
    if _provider is not None:
        return _provider.get_tracer("ledgerport")
    return trace.get_tracer("ledgerport")


def configure(environ: dict[str, str] | None = None, *, processor: SpanProcessor | None = None) -> bool:
    """Start exporting when the environment names an OTLP endpoint (or a test passes a processor).
    Idempotent per process; returns whether tracing is on."""
    global _provider
    env = os.environ if environ is None else environ
    if processor is None:
        if not env.get(ENDPOINT_VAR):
            return _provider is not None
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter()  # reads the endpoint and headers from the environment
        processor = BatchSpanProcessor(exporter)
    if _provider is None:
        name = env.get("OTEL_SERVICE_NAME") or SERVICE_NAME
        _provider = TracerProvider(resource=Resource.create({"service.name": name}))
    _provider.add_span_processor(processor)
    return True


def shutdown() -> None:
    """Flush what is queued and stop (the server's shutdown; tests between cases)."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def enabled() -> bool:
    return _provider is not None


def current_trace_id() -> str:
    """The 32-hex trace id of the span being served, or ``-`` (for log lines)."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else "-"


def record_statement(kind: str, engine: str, started_ns: int, sql: str) -> None:
    """A finished SQL statement as a child span of whatever is current (no-op when tracing is off)."""
    if _provider is None:
        return
    span = tracer().start_span(
        f"{kind.upper()} {engine}",
        kind=trace.SpanKind.CLIENT,
        start_time=started_ns,
        attributes={"db.system": engine, "db.operation.name": kind.upper(), "db.query.text": sql[:2000]},
    )
    span.end(end_time=time.time_ns())

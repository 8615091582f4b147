"""OpenTelemetry traces: a server span per request continuing the caller's trace, GraphQL and SQL spans
beneath it, the trace id in every log line, and export over OTLP/HTTP to a collector on loopback."""

from __future__ import annotations

import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.observability import tracing
from app.web.logs import JsonFormatter
from tests.helpers import make_token

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    tracing.configure({}, processor=SimpleSpanProcessor(exporter))
    yield exporter
    tracing.shutdown()


@pytest.fixture
def http_log():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ledgerport.http")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not the attribute: it clears the logger's level cache
    yield out
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_a_request_continues_the_callers_trace_with_graphql_and_sql_spans(client, spans, http_log):
    token = await make_token("northwind")
    spans.clear()  # the token's own statements ran outside any request
    answer = await client.post(
        "/graphql",
        json={"query": "query Tiles { arSummary { asOf } }", "operationName": "Tiles"},
        headers={"Authorization": f"Bearer {token}", "traceparent": TRACEPARENT},
    )
    assert answer.status_code == 200
    finished = spans.get_finished_spans()
    server = [s for s in finished if s.name == "POST /graphql"]
    assert len(server) == 1
    assert format(server[0].context.trace_id, "032x") == TRACE_ID
    assert server[0].attributes["http.response.status_code"] == 200
    operation = [s for s in finished if s.name == "query Tiles"]
    assert len(operation) == 1 and operation[0].parent.span_id == server[0].context.span_id
    statements = [s for s in finished if s.attributes.get("db.operation.name") == "SELECT"]
    assert statements, "the summary's SQL statements are spans"
    assert all(format(s.context.trace_id, "032x") == TRACE_ID for s in statements)
    lines = [json.loads(line) for line in http_log.getvalue().splitlines()]
    access = [line for line in lines if line.get("path") == "/graphql"]
    assert access, http_log.getvalue()
    assert access[-1]["trace_id"] == TRACE_ID and access[-1]["request_id"] != "-"


async def test_without_an_endpoint_tracing_is_off_and_logs_say_so(client, http_log, monkeypatch):
    monkeypatch.delenv(tracing.ENDPOINT_VAR, raising=False)
    assert tracing.configure() is False and not tracing.enabled()
    assert (await client.get("/healthz")).status_code == 200
    access = [json.loads(line) for line in http_log.getvalue().splitlines()]
    assert access[-1]["path"] == "/healthz" and access[-1]["trace_id"] == "-"


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, ExportTraceServiceRequest]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        type(self).received.append((self.path, request))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


async def test_spans_are_exported_over_otlp_http_to_the_configured_endpoint(client, monkeypatch):
    _Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv(tracing.ENDPOINT_VAR, f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("OTEL_SERVICE_NAME", "ledgerport-test")
        assert tracing.configure() is True
        assert (await client.get("/healthz", headers={"traceparent": TRACEPARENT})).status_code == 200
        tracing.shutdown()  # flushes the batch
    finally:
        tracing.shutdown()
        server.shutdown()
        server.server_close()
    assert _Collector.received, "the collector received an export"
    path, request = _Collector.received[0]
    assert path == "/v1/traces"
    resource = request.resource_spans[0].resource
    assert {a.key: a.value.string_value for a in resource.attributes}["service.name"] == "ledgerport-test"
    names = [s.name for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert "GET /healthz" in names
    traces = {s.trace_id.hex() for rs in request.resource_spans for ss in rs.scope_spans for s in ss.spans}
    assert TRACE_ID in traces

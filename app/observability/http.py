"""Per-request metrics and the request's server span, as ASGI middleware inside the request id.

The route label is the router's template for the matched route (``scope["route"]``, set by Starlette's
router as it dispatches), so ``/portal/invoices/SW52...`` counts under ``/portal/invoices/{id}`` and a
path that matched nothing counts under ``unmatched``: the label set stays as small as the route table.
"""

from __future__ import annotations

import time

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability import metrics, tracing

_propagator = TraceContextTextMapPropagator()


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        carrier = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"] if k == b"traceparent"
        }
        parent = _propagator.extract(carrier) if carrier and tracing.enabled() else None
        span = tracing.tracer().start_span(
            f"HTTP {scope['method']}", context=parent, kind=trace.SpanKind.SERVER
        )
        token = otel_context.attach(trace.set_span_in_context(span))

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route, method = route_label(scope), scope["method"]
            metrics.http_requests.labels(route, method, str(status)).inc()
            metrics.http_duration.labels(route, method).observe(time.perf_counter() - started)
            span.update_name(f"{method} {route}")
            span.set_attributes(
                {"http.request.method": method, "http.route": route, "http.response.status_code": status}
            )
            if status >= 500:
                span.set_status(trace.StatusCode.ERROR)
            span.end()
            otel_context.detach(token)

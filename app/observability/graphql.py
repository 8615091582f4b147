"""A Strawberry extension that times each GraphQL operation and gives it a span.

Labelled by schema, operation name (bounded: ``metrics.operation_label``), type (query, mutation) and
outcome: ``error`` when the result carries errors (refused by a limit, invalid, or a resolver raised),
``ok`` otherwise (a mutation answering ``userErrors`` is ``ok``: the API answered as designed).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from app.observability import metrics, tracing


def operation_metrics(schema_name: str):
    """The extension factory for one schema (Strawberry builds an instance per request)."""

    class OperationMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            with tracing.tracer().start_as_current_span(f"graphql {schema_name}") as span:
                yield
                context = self.execution_context
                name = metrics.operation_label(context.operation_name)
                try:
                    kind = context.operation_type.value
                except Exception:  # unparsable document: no operation type
                    kind = "unknown"
                result = context.result
                outcome = "error" if result is None or getattr(result, "errors", None) else "ok"
                span.update_name(f"{kind} {name}")
                span.set_attributes(
                    {"graphql.operation.name": name, "graphql.operation.type": kind, "outcome": outcome}
                )
            metrics.graphql_duration.labels(schema_name, name, kind, outcome).observe(
                time.perf_counter() - started
            )

    return OperationMetrics

"""Every Prometheus metric of a Ledgerport process, in one registry of our own.

Our own registry rather than prometheus-client's global one: tests build many apps in one process, and a
scrape must hold exactly what this module declares (no library's metrics creeping in unannounced).
With ``PROMETHEUS_MULTIPROC_DIR`` set (several uvicorn workers or server processes on one host), the
client writes each process's samples to files there and ``/metrics`` sums them (``app.observability.scrape``).

Label values are bounded: routes are the router's templates (``/portal/invoices/{id}``), never raw paths,
and GraphQL operation names are the client's choice, so unknown or odd ones fold into ``other``
(``operation_label``).
"""

from __future__ import annotations

import re
import threading

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

#: Seconds; from a 2 ms lookup to a 30 s export.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Seconds; SQL statements are mostly sub-millisecond.
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)

http_requests = Counter(
    "ledgerport_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
http_duration = Histogram(
    "ledgerport_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
graphql_duration = Histogram(
    "ledgerport_graphql_operation_duration_seconds",
    "GraphQL operations by schema (staff, portal), operation name and type, and outcome (ok, error).",
    ["schema", "operation", "type", "outcome"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
db_query_duration = Histogram(
    "ledgerport_db_query_duration_seconds",
    "SQL statements by engine and kind (select, insert, update, delete, other).",
    ["engine", "statement"],
    buckets=QUERY_BUCKETS,
    registry=REGISTRY,
)
email_deliveries = Counter(
    "ledgerport_email_deliveries",
    "Email delivery attempts by outcome: sent, retrying, failed (after the last attempt), disabled (no SMTP).",
    ["outcome"],
    registry=REGISTRY,
)
replica_reads = Counter(
    "ledgerport_replica_reads",
    "Marked reads (dashboard aggregates, exports, reports) served by the read replica.",
    registry=REGISTRY,
)
replica_primary_reads = Counter(
    "ledgerport_replica_primary_reads",
    "Marked reads sent to the primary instead of the replica, by reason: lag (beyond the bound), unavailable.",
    ["reason"],
    registry=REGISTRY,
)
replica_lag = Gauge(
    "ledgerport_replica_lag_seconds",
    "The read replica's replay lag as last measured by this process.",
    multiprocess_mode="mostrecent",
    registry=REGISTRY,
)

_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: Distinct operation names kept per process; more than that is a client inventing names.
MAX_OPERATION_NAMES = 200
_seen_operations: set[str] = set()
_seen_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The label for a GraphQL operation name: ``anonymous``, the name, or ``other`` past the bound."""
    if not name:
        return "anonymous"
    if not _OPERATION_NAME.match(name):
        return "other"
    with _seen_lock:
        if name in _seen_operations:
            return name
        if len(_seen_operations) >= MAX_OPERATION_NAMES:
            return "other"
        _seen_operations.add(name)
        return name


def statement_kind(sql: str) -> str:
    """``select``, ``insert``, ``update``, ``delete`` or ``other`` from a statement's first keyword."""
    head = sql.lstrip()[:12].split(None, 1)
    word = head[0].lower() if head else ""
    if word == "with":  # a CTE: reads in every statement we send
        return "select"
    return word if word in {"select", "insert", "update", "delete"} else "other"

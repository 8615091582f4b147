"""``/metrics``: this process's samples (or every process's, in multiprocess mode) plus the job queue.

The queue's depth and age are read from the database at scrape time, not counted in memory: any process
answers for the whole queue, and the figures are right however many workers there are. In production
``/metrics`` is not public: without ``LEDGERPORT_METRICS_TOKEN`` it does not exist (404), with it the
scraper sends ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import logging
import os
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from app import clock
from app.jobs import status as job_status
from app.observability import metrics
from app.web.errors import error_response

log = logging.getLogger("ledgerport.metrics")
MULTIPROC_VAR = "PROMETHEUS_MULTIPROC_DIR"


class _Snapshot:
    """A collector of values read just before the scrape (prometheus-client collectors are synchronous)."""

    def __init__(self, families: list) -> None:
        self.families = families

    def collect(self):
        return iter(self.families)


async def queue_families(request: Request, now: datetime) -> list:
    states = GaugeMetricFamily(
        "ledgerport_jobs", "Background jobs by tenant and state (database rows).", labels=["tenant", "state"]
    )
    age = GaugeMetricFamily(
        "ledgerport_jobs_oldest_due_age_seconds",
        "Seconds since the oldest queued job fell due, by tenant (0 when none is waiting).",
        labels=["tenant"],
    )
    for slug, found in (await job_status.by_tenant(request.app.state.tenants, now)).items():
        for state, n in found.counts.items():
            states.add_metric([slug, state], n)
        age.add_metric([slug], found.oldest_due_age_seconds)
    return [states, age]


def _authorised(request: Request) -> Response | None:
    settings = request.app.state.settings
    token = settings.metrics_token
    if token is None:
        return error_response(404, "not_found", "Not found.") if settings.is_production else None
    sent = request.headers.get("authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return error_response(401, "unauthenticated", "Send the metrics token as a bearer credential.")
    return None


async def metrics_endpoint(request: Request) -> Response:
    refused = _authorised(request)
    if refused is not None:
        return refused
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get(MULTIPROC_VAR):
        MultiProcessCollector(registry)
    else:
        registry.register(metrics.REGISTRY)
    try:
        registry.register(_Snapshot(await queue_families(request, clock.now())))
    except Exception:
        # A scrape still answers with the process's figures; the missing queue gauges say the rest.
        log.exception("metrics: reading the job queue failed")
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

"""How many jobs are in each state, for ``/healthz?verbose=1`` and the log line that the server and every
worker write each minute (for operators without a dashboard: ``failed`` > 0 needs a look)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

from app.jobs import repository
from app.models.enums import JobState
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.jobs")
REPORT_SECONDS = 60.0


async def counts(tenants: TenantRegistry) -> dict[str, int]:
    """Every state with its count over all tenants (zero included, so a dashboard sees each key)."""
    total = {state.value: 0 for state in JobState}
    for tenant_file in tenants:
        scope = await system_scope(tenant_file.config.slug, principal="health")
        for state, n in (await repository.counts_by_state(scope)).items():
            total[state] = total.get(state, 0) + n
    return total


@dataclass(frozen=True)
class TenantQueue:
    counts: dict[str, int]
    #: Seconds the oldest waiting job has been due (0 when none is due yet): a worker shortage shows here.
    oldest_due_age_seconds: float


async def by_tenant(tenants: TenantRegistry, now: datetime) -> dict[str, TenantQueue]:
    """Counts per state and the age of the oldest due job, per tenant (``/metrics``)."""
    out = {}
    for tenant_file in tenants:
        slug = tenant_file.config.slug
        scope = await system_scope(slug, principal="metrics")
        found = {state.value: 0 for state in JobState}
        found.update(await repository.counts_by_state(scope))
        due = await repository.next_due(scope)
        out[slug] = TenantQueue(found, max(0.0, (now - due).total_seconds()) if due else 0.0)
    return out


def format_counts(found: dict[str, int]) -> str:
    return ", ".join(f"{state} {n}" for state, n in found.items())


async def report(tenants: TenantRegistry, every: float, stop: asyncio.Event) -> None:
    """Log the counts every ``every`` seconds until ``stop``; a failed count is logged, never fatal."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        if stop.is_set():
            return
        try:
            log.info("jobs by state: %s", format_counts(await counts(tenants)))
        except Exception:
            log.exception("counting jobs failed")

"""How many jobs are in each state, for ``/healthz?verbose=1`` and the log line that the server and every
worker write each minute (for operators without a dashboard: ``failed`` > 0 needs a look)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

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

"""How many jobs are in each state, for ``/healthz?verbose=1`` and the workers' log line."""

from __future__ import annotations

from app.jobs import repository
from app.models.enums import JobState
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope


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

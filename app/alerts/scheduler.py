"""The server's periodic alert evaluation: one loop per tenant at its ``alerts.evaluate_every_minutes``.

Started by the app's lifespan outside tests; a failing evaluation is logged and retried next round, it never
stops the loop or the server.
"""

from __future__ import annotations

import asyncio
import logging

from app.alerts import service
from app.tenancy.config import TenantConfig
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import system_scope

log = logging.getLogger("ledgerport.alerts")


async def evaluate_tenant(config: TenantConfig) -> service.Evaluation:
    scope = await system_scope(config.slug, principal="alerts")
    return await service.evaluate(scope, config, config.today())


async def _loop(config: TenantConfig) -> None:
    while True:
        try:
            result = await evaluate_tenant(config)
            log.info("alerts evaluated for %s: %d new of %d", config.slug, result.created, result.candidates)
        except Exception:
            log.exception("alert evaluation failed for %s", config.slug)
        await asyncio.sleep(config.alerts.evaluate_every_minutes * 60)


def start(registry: TenantRegistry) -> list[asyncio.Task]:
    """Start one evaluation loop per tenant; cancel the returned tasks to stop them."""
    return [asyncio.create_task(_loop(f.config), name=f"alerts:{f.config.slug}") for f in registry]

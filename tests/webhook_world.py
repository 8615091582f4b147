"""Helpers of the webhook tests: a job runner with short leases, and living through a delivery's retry
schedule with the clock moved to each try's time."""

from __future__ import annotations

import json
from datetime import datetime

from tortoise.transactions import in_transaction

from app import clock
from app.jobs.executor import Executor
from app.jobs.inprocess import InProcessRunner
from app.jobs.tuning import Tuning
from app.scope import Scope
from app.webhooks import catalogue, events, repository, service

ALL = sorted(catalogue.EVENT_TYPES)
NOWHERE = "http://127.0.0.1:9/hooks"  # never called: these tests do not run the delivery jobs


async def listen(*scopes) -> None:
    for scope in scopes:
        await service.create(scope, NOWHERE, ALL)


async def emitted(scope) -> list[tuple[str, dict]]:
    """(type, data) of every event sent to the tenant's endpoints, oldest first."""
    rows, _ = await service.deliveries(scope, service.DeliveryFilter(), 0, 100)
    return [(r.event.type, json.loads(r.event.body)["data"]) for r in reversed(rows)]


def types(events) -> list[str]:
    return [t for t, _ in events]


QUICK = Tuning(lease_seconds=5, backoff_base_seconds=10, backoff_cap_seconds=60)


def runner(registry) -> InProcessRunner:
    return InProcessRunner(registry, Executor(registry, QUICK))


async def emit(scope: Scope, event_type: str, data: dict) -> int | None:
    async with in_transaction():
        return await events.emit(scope, event_type, data)


async def run_at(registry, moment: datetime) -> int:
    with clock.frozen(moment):
        return await runner(registry).run_until_idle()


async def run_until_settled(
    registry, scope: Scope, delivery_id: int, start: datetime, *, tries: int = 12
) -> list:
    """Run the delivery's tries, each at the moment it is due, until it is no longer pending; the
    moments the tries ran at."""
    moments = []
    moment = start
    for _ in range(tries):
        await run_at(registry, moment)
        moments.append(moment)
        row = await repository.delivery_for_job(scope, delivery_id)
        if row.next_attempt_at is None:
            break
        moment = row.next_attempt_at
    return moments

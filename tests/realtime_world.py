"""Helpers for the real-time tests: a subscription run in-process through the real schema, and
payments recorded through the service."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date

from app.models.enums import PaymentMethod
from app.payments import service as payments
from app.scope import Scope
from app.settings import Settings
from app.tenancy.registry import TenantRegistry
from schema.context import Context


@dataclass
class FakeSocket:
    """What a subscription needs of its WebSocket: somewhere to close it."""

    closed: list[tuple[int, str]] = field(default_factory=list)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed.append((code, reason))


class Running:
    """A subscription operation started with ``schema.subscribe``; results collected by a task."""

    def __init__(self, schema, query: str, context: Context, variables: dict | None = None) -> None:
        self.schema, self.query, self.context, self.variables = schema, query, context, variables or {}
        self.results: list = []
        self.task: asyncio.Task | None = None

    async def start(self) -> Running:
        stream = await self.schema.subscribe(
            self.query, variable_values=self.variables, context_value=self.context
        )
        if not hasattr(stream, "__aiter__"):  # an error before the stream started
            self.results.append(stream)
            return self

        async def collect() -> None:
            async for result in stream:
                self.results.append(result)

        self.task = asyncio.create_task(collect())
        await asyncio.sleep(0.05)  # subscribed to the hub
        return self

    async def settle(self, seconds: float = 0.1) -> None:
        await asyncio.sleep(seconds)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


def context(
    scope: Scope, settings: Settings, registry: TenantRegistry, socket: FakeSocket | None = None
) -> Context:
    return Context(
        request=socket or FakeSocket(), response=None, scope=scope, settings=settings, tenants=registry
    )


async def record_payment(scope: Scope, customer_id: int, amount: int = 1_000, currency: str = "USD") -> None:
    await payments.record_manual_payment(
        scope,
        payments.PaymentRequest(
            customer_id=customer_id,
            amount=amount,
            currency=currency,
            received_date=date(2026, 6, 1),
            method=PaymentMethod.WIRE,
            external_id=f"wire:{uuid.uuid4().hex}",
        ),
    )

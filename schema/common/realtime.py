"""The event stream behind every subscription field of both schemas.

A subscription registers with this process's hub (app.realtime.hub) for its tenant and topic, with the
scope's pre-filter, and yields each event the subscriber may see (``app.realtime.access.may_see``, the
rules of a query). Its queue is bounded: when it overflows the subscription is dropped and the
WebSocket closed with ``SLOW_SUBSCRIBER`` (4413), so a client that stops reading costs at most
``LEDGERPORT_REALTIME_QUEUE`` events of memory.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from strawberry.types import Info

from app.realtime import access
from app.realtime.events import Event
from app.realtime.hub import HUB, SLOW_SUBSCRIBER


async def _close(websocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason)


async def events(
    info: Info, topic: str, wanted: Callable[[Event], bool] = lambda e: True
) -> AsyncIterator[Event]:
    """The events of ``topic`` the caller may see and ``wanted`` accepts, as they are published."""
    context = info.context
    scope = context.scope
    websocket = context.request
    allowed = access.prefilter(scope)
    tasks: set[asyncio.Task] = set()

    def dropped() -> None:
        task = asyncio.get_running_loop().create_task(
            _close(websocket, SLOW_SUBSCRIBER, "Too slow: events were not read in time")
        )
        tasks.add(task)

    subscription = HUB.subscribe(
        scope.tenant_id,
        topic,
        lambda e: allowed(e) and wanted(e),
        queue_size=context.settings.realtime_queue_size,
        on_drop=dropped,
    )
    try:
        while True:
            event = await subscription.next()
            if await access.may_see(scope, event):
                yield event
    finally:
        subscription.close()

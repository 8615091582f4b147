"""The per-process fan-out: every subscription of this process, indexed by tenant.

An event reaches only the subscriptions of its own tenant (the index is by tenant, so tenant B's
subscribers are not even looked at for tenant A's event), then those whose topic and pre-filter accept
it. Each subscription has a bounded queue: a subscriber that does not read fast enough is dropped
(its connection closed with ``SLOW_SUBSCRIBER``) instead of growing this process's memory. Delivery
into the queues is synchronous and never awaits, so one slow client cannot hold up the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable

from app.realtime.events import Event

log = logging.getLogger(__name__)

#: WebSocket close codes of our own (4000-4999 are the application's; docs/realtime.md).
SLOW_SUBSCRIBER = 4413
TOO_MANY_CONNECTIONS = 4430


class Subscription:
    """One subscribed operation: its tenant, topic, a pre-filter, and a bounded queue."""

    def __init__(
        self,
        hub: Hub,
        tenant_id: int,
        topic: str,
        accepts: Callable[[Event], bool],
        *,
        queue_size: int,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self.hub = hub
        self.tenant_id = tenant_id
        self.topic = topic
        self.accepts = accepts
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=queue_size)
        self.on_drop = on_drop
        self.dropped = False

    def offer(self, event: Event) -> None:
        if self.dropped or event.topic != self.topic or not self.accepts(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.drop()

    def drop(self) -> None:
        """Stop delivering and let the connection be closed; what was queued is discarded."""
        if self.dropped:
            return
        self.dropped = True
        self.hub.remove(self)
        log.warning("real-time subscriber dropped: %d events undelivered", self.queue.qsize())
        while not self.queue.empty():
            self.queue.get_nowait()
        if self.on_drop is not None:
            self.on_drop()

    async def next(self) -> Event:
        return await self.queue.get()

    def close(self) -> None:
        self.hub.remove(self)


class Hub:
    def __init__(self) -> None:
        self._by_tenant: dict[int, set[Subscription]] = defaultdict(set)
        self._connections: dict[tuple, int] = defaultdict(int)

    def subscribe(
        self, tenant_id: int, topic: str, accepts, *, queue_size: int, on_drop=None
    ) -> Subscription:
        subscription = Subscription(self, tenant_id, topic, accepts, queue_size=queue_size, on_drop=on_drop)
        self._by_tenant[tenant_id].add(subscription)
        return subscription

    def remove(self, subscription: Subscription) -> None:
        subscribers = self._by_tenant.get(subscription.tenant_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._by_tenant[subscription.tenant_id]

    def deliver(self, event: Event) -> None:
        for subscription in list(self._by_tenant.get(event.tenant_id, ())):
            subscription.offer(event)

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._by_tenant.values())

    # Connections per principal, in this process (docs/limits.md).
    def open_connection(self, principal: tuple, limit: int) -> bool:
        if self._connections[principal] >= limit:
            return False
        self._connections[principal] += 1
        return True

    def close_connection(self, principal: tuple) -> None:
        self._connections[principal] -= 1
        if self._connections[principal] <= 0:
            del self._connections[principal]


#: This process's hub: every server process has one; transports feed it.
HUB = Hub()

"""How an event published in one process reaches the hubs of every process.

- **Redis** (``LEDGERPORT_REDIS_URL`` set): ``PUBLISH`` on one channel, every process ``SUBSCRIBE``s.
- **PostgreSQL** without Redis: ``NOTIFY`` (``pg_notify``) on one channel, every process ``LISTEN``s on
  a connection of its own (asyncpg ``add_listener``), outside the pool.
- **SQLite**: no transport; ``publish`` hands the event to this process's hub directly.

Both transports deliver a process its own events too, so a process never delivers locally *and*
through the transport: every subscriber hears each event once. Publishing never awaits the network in
the caller's path: the event goes into a bounded outbox that one task drains (when the broker is down
events are dropped with a log line, never held without bound; real-time events are best effort, the
API is the record).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.realtime.events import Event
from app.realtime.hub import HUB

log = logging.getLogger(__name__)

CHANNEL = "ledgerport_realtime"
OUTBOX_SIZE = 10_000


class Transport:
    """Publish through a broker, and deliver what it hears to this process's hub."""

    def __init__(self) -> None:
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=OUTBOX_SIZE)
        self.tasks: list[asyncio.Task] = []

    def send(self, event: Event) -> None:
        try:
            self.outbox.put_nowait(event.to_wire())
        except asyncio.QueueFull:
            log.warning("real-time outbox full: event %s dropped", event.type)

    def heard(self, wire: str | bytes) -> None:
        try:
            event = Event.from_wire(wire)
        except (ValueError, KeyError, TypeError):
            log.warning("real-time: ignored a malformed message")
            return
        HUB.deliver(event)

    async def _drain(self) -> None:
        while True:
            wire = await self.outbox.get()
            try:
                await self.publish(wire)
            except Exception:
                log.exception("real-time: could not publish an event")

    async def publish(self, wire: str) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


class PostgresTransport(Transport):
    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.dsn = dsn
        self.connection = None

    async def start(self) -> None:
        import asyncpg

        self.connection = await asyncpg.connect(self.dsn)
        await self.connection.add_listener(CHANNEL, lambda _c, _pid, _ch, payload: self.heard(payload))
        self.tasks.append(asyncio.create_task(self._drain(), name="realtime-notify"))

    async def publish(self, wire: str) -> None:
        await self.connection.execute("SELECT pg_notify($1, $2)", CHANNEL, wire)

    async def stop(self) -> None:
        await super().stop()
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()


class RedisTransport(Transport):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.client = None
        self.pubsub = None

    async def start(self) -> None:
        import redis.asyncio as redis

        self.client = redis.from_url(self.url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.subscribe(CHANNEL)
        self.tasks.append(asyncio.create_task(self._read(), name="realtime-redis-read"))
        self.tasks.append(asyncio.create_task(self._drain(), name="realtime-redis-publish"))

    async def _read(self) -> None:
        while True:
            try:
                async for message in self.pubsub.listen():
                    if message.get("type") == "message":
                        self.heard(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("real-time: Redis subscription lost; resubscribing in 1 s")
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await self.pubsub.subscribe(CHANNEL)

    async def publish(self, wire: str) -> None:
        await self.client.publish(CHANNEL, wire)

    async def stop(self) -> None:
        await super().stop()
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
            await self.client.aclose()


_current: Transport | None = None


def current() -> Transport | None:
    return _current


async def start(database_url: str, redis_url: str | None) -> Transport | None:
    """Start this process's transport for its settings (none on SQLite without Redis)."""
    global _current
    if _current is not None:
        return _current
    if redis_url:
        transport: Transport = RedisTransport(redis_url)
    elif database_url.startswith(("postgres://", "postgresql://", "asyncpg://", "postgresql+asyncpg://")):
        from app.jobs.engine import asyncpg_dsn

        transport = PostgresTransport(asyncpg_dsn(database_url))
    else:
        return None
    await transport.start()
    _current = transport
    return transport


async def stop() -> None:
    global _current
    transport, _current = _current, None
    if transport is not None:
        await transport.stop()

"""Real-time fan-out on one process: N concurrent subscriptions (two tenants, half each) through the
real staff schema (``paymentReceived``: the hub, the scope filter, Strawberry's execution of each
result), beside a baseline doing the same fan-out with none of that (a bounded asyncio.Queue per
subscriber and a task reading it), in the same run (docs/performance.md, "Real time").

    .venv/bin/python -m bench.realtime [--subscribers 1000] [--events 2000] [--rate 50] [--paced-events 500]

Figures: events per second delivered (subscriber-events, a burst of ``--events`` published as fast as
possible), p50/p99 fan-out latency (publish -> the subscription's result, at ``--rate`` events/s),
memory per subscriber (tracemalloc, after subscribing minus before). What it leaves out: the socket
(JSON framing and the kernel's send), measured by tests/test_realtime_servers.py on real processes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from app.ids import encode_id
from app.realtime import events as topics
from app.realtime.events import Event
from app.realtime.hub import HUB
from app.realtime.publish import publish
from app.scope import Scope
from app.settings import Environment, Settings
from app.tenancy.registry import TenantRegistry
from schema.staff.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent
QUERY = "subscription { paymentReceived { paymentId customerId reference amount { amount currencyCode } } }"
TENANTS = ((1, "northwind"), (2, "cloudly"))


class Arrivals:
    """When each subscriber received each event: (event number -> receipt times)."""

    def __init__(self) -> None:
        self.sent: dict[int, float] = {}
        self.latencies: list[float] = []
        self.count = 0
        self.done = asyncio.Event()
        self.expected = 0

    def arrived(self, seq: int) -> None:
        self.count += 1
        sent = self.sent.get(seq)
        if sent is not None:
            self.latencies.append(time.perf_counter() - sent)
        if self.count >= self.expected:
            self.done.set()


def event(seq: int) -> Event:
    tenant = TENANTS[seq % 2][0]
    data = {
        "id": encode_id("Payment", seq + 1),
        "customerId": encode_id("Customer", seq % 50 + 1),
        "amount": {"amount": "12.34", "currencyCode": "USD"},
        "method": "wire",
        "reference": str(seq),
        "version": seq,
    }
    return Event(tenant, topics.PAYMENT, "payment.succeeded", seq % 50 + 1, data)


async def graphql_subscribers(
    n: int, arrivals: Arrivals, schema, settings: Settings, registry: TenantRegistry
) -> list:
    from schema.context import Context

    class Socket:
        async def close(self, code: int = 1000, reason: str = "") -> None:
            raise SystemExit(f"a subscriber was dropped ({code} {reason}): raise LEDGERPORT_REALTIME_QUEUE")

    tasks = []
    for i in range(n):
        tenant_id, slug = TENANTS[i % 2]
        scope = Scope.system(tenant_id, slug, principal=f"bench-{i}")
        context = Context(request=Socket(), response=None, scope=scope, settings=settings, tenants=registry)
        stream = await schema.subscribe(QUERY, context_value=context)

        async def read(stream=stream) -> None:
            async for result in stream:
                arrivals.arrived(int(result.data["paymentReceived"]["reference"]))

        tasks.append(asyncio.create_task(read()))
    await asyncio.sleep(0.2)  # every generator has subscribed to the hub
    return tasks


async def baseline_subscribers(n: int, arrivals: Arrivals, queue_size: int) -> tuple[list, Callable]:
    queues: dict[int, list[asyncio.Queue]] = {t: [] for t, _ in TENANTS}
    tasks = []
    for i in range(n):
        queue: asyncio.Queue = asyncio.Queue(maxsize=queue_size)
        queues[TENANTS[i % 2][0]].append(queue)

        async def read(queue=queue) -> None:
            while True:
                e = await queue.get()
                arrivals.arrived(int(e.data["reference"]))

        tasks.append(asyncio.create_task(read()))
    await asyncio.sleep(0.2)

    def send(e: Event) -> None:
        for q in queues[e.tenant_id]:
            q.put_nowait(e)

    return tasks, send


async def measure(name: str, start: Callable, send: Callable | None, n: int, args) -> dict:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    arrivals = Arrivals()
    started = await start(arrivals)
    tasks, sender = started if isinstance(started, tuple) else (started, send)
    gc.collect()
    per_subscriber = (tracemalloc.get_traced_memory()[0] - before) / n
    tracemalloc.stop()

    per_event = n // 2  # each event is for one of the two tenants
    # Burst: publish as fast as possible (in chunks the bounded queues absorb), until all delivered.
    arrivals.expected = args.events * per_event
    began = time.perf_counter()
    chunk = max(1, min(args.queue // 2, 50))
    for seq in range(args.events):
        sender(event(seq))
        if seq % chunk == chunk - 1:
            await asyncio.sleep(0)
            # Keep the queues under their bound: the readers are tasks of this loop, no event to wait on.
            while arrivals.count < (seq + 1 - chunk) * per_event:  # noqa: ASYNC110
                await asyncio.sleep(0)
    await asyncio.wait_for(arrivals.done.wait(), 600)
    burst = arrivals.count / (time.perf_counter() - began)

    # Paced: latency of each delivery at a steady rate.
    paced = Arrivals()
    paced.expected = args.paced_events * per_event
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    started = await start(paced)
    tasks, sender = started if isinstance(started, tuple) else (started, send)
    interval = 1 / args.rate
    next_at = time.perf_counter()
    for seq in range(args.paced_events):
        paced.sent[seq] = time.perf_counter()
        sender(event(seq))
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await asyncio.wait_for(paced.done.wait(), 600)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    lat = sorted(paced.latencies)
    return {
        "name": name,
        "burst": burst,
        "p50": statistics.median(lat) * 1000,
        "p99": lat[int(len(lat) * 0.99) - 1] * 1000,
        "memory": per_subscriber,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--paced-events", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second in the latency run")
    parser.add_argument(
        "--queue", type=int, default=100, help="per-subscriber queue (LEDGERPORT_REALTIME_QUEUE)"
    )
    args = parser.parse_args()
    n = args.subscribers
    settings = Settings(env=Environment.TEST, realtime_queue_size=args.queue, tenants_dir=ROOT / "tenants")
    registry = TenantRegistry.load(settings.tenants_dir)
    schema = build_schema(settings)  # built once, outside the memory measured per subscriber
    print(f"load average at start: {os.getloadavg()}", flush=True)
    rows = [
        await measure(
            "baseline: a bounded asyncio.Queue per subscriber",
            lambda a: baseline_subscribers(n, a, args.queue),
            None,
            n,
            args,
        ),
        await measure(
            "subscriptions: hub + scope filter + Strawberry",
            lambda a: graphql_subscribers(n, a, schema, settings, registry),
            publish,
            n,
            args,
        ),
    ]
    assert HUB.subscriber_count() == 0, "every subscription left the hub when its reader stopped"
    print(
        f"\n{n} subscribers (two tenants, half each: each event fans out to {n // 2}); "
        f"burst of {args.events} events; latency at {args.rate:g} events/s over {args.paced_events} events\n"
    )
    print("| run | deliveries/s (burst) | fan-out p50 | fan-out p99 | memory per subscriber |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['burst']:,.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['memory'] / 1024:.1f} KiB |"
        )
    print(f"\nload average at end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

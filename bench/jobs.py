"""Background jobs on PostgreSQL: enqueue and run N no-op jobs with 1, 2 and 4 ``ledgerport worker``
processes; jobs/s and p50/p99 pickup latency (job created -> try started), beside pgqueuer's own bare
throughput (a no-op entrypoint on its own queue manager) measured in the same run (docs/performance.md).

    .venv/bin/python -m bench.jobs [--jobs 100000] [--workers 1,2,4] [--url postgres://postgres@127.0.0.1:5432/postgres]
        [--trickle-rate 50 --trickle-seconds 20]

The drain runs enqueue everything first, so their pickup times are queueing time; the trickle run
(jobs enqueued one per transaction at a steady rate below a worker's throughput, one idle worker) is the
pickup latency of a job that finds a worker waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
from pgqueuer import Queries, QueueManager
from pgqueuer.db import AsyncpgDriver
from pgqueuer.types import QueueExecutionMode
from tortoise.transactions import in_transaction

from app.db import lifecycle, scratch
from app.db.sql import fetch_all
from app.jobs import engine
from app.models import Job
from app.models.enums import JobState
from app.tenancy.registry import TenantRegistry
from app.tenancy.service import sync_tenants, system_scope

ROOT = Path(__file__).resolve().parent.parent
BATCH = 1000


async def bare_engine(dsn: str, n: int) -> float:
    """pgqueuer alone: n rows, one queue manager draining them with a no-op; jobs per second."""
    conn = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        for start in range(0, n, BATCH):
            size = min(BATCH, n - start)
            await queries.enqueue(["bench.bare"] * size, [None] * size, [0] * size)
        manager = QueueManager(queries)

        @manager.entrypoint("bench.bare")
        async def bare(job) -> None:
            return None

        began = time.perf_counter()
        await manager.run(mode=QueueExecutionMode.drain, batch_size=50, dequeue_timeout=timedelta(seconds=1))
        return n / (time.perf_counter() - began)
    finally:
        await conn.close()


async def enqueue_jobs(n: int) -> None:
    """n job rows and their engine rows, a thousand per transaction."""
    from app import clock

    scope = await system_scope("northwind", principal="bench")
    last_id = 0
    for start in range(0, n, BATCH):
        now = clock.now()
        async with in_transaction():
            rows = [
                Job(
                    tenant_id=scope.tenant_id,
                    kind="bench.noop",
                    queue="default",
                    key=f"noop-{i}",
                    args={},
                    state=JobState.QUEUED,
                    max_attempts=1,
                    run_at=now,
                    created_at=now,
                )
                for i in range(start, min(start + BATCH, n))
            ]
            await Job.bulk_create(rows)
            ids = [
                r["id"]
                for r in await fetch_all(
                    "SELECT id FROM job WHERE tenant_id = :t AND key LIKE 'noop-%' AND id > :low ORDER BY id",
                    {"t": scope.tenant_id, "low": last_id},
                )
            ]
            last_id = ids[-1]
            await engine.push_many([("default", engine.Wake("northwind", job_id)) for job_id in ids])


def worker_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "LEDGERPORT_DATABASE_URL": url,
        "LEDGERPORT_ENV": "test",
        "LEDGERPORT_JOB_MODULES": "bench.jobs_noop",
        "LEDGERPORT_SCHEDULE_TICK_SECONDS": "3600",
    }


def start_workers(url: str, workers: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--concurrency", "16"],
            cwd=ROOT,
            env=worker_env(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        p.terminate()
    for p in processes:
        p.wait(timeout=30)


async def wait_until_done() -> None:
    """Polls the job table: the workers are other processes, so there is no event to wait on here."""
    while True:
        if not (await fetch_all("SELECT count(*) AS n FROM job WHERE state <> 'succeeded'", {}))[0]["n"]:
            return
        await asyncio.sleep(0.2)


async def pickup_percentiles(since_id: int = 0) -> dict:
    return (
        await fetch_all(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) AS p50,"
            " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) AS p99"
            " FROM job WHERE id > :since",
            {"since": since_id},
        )
    )[0]


async def run_with_workers(url: str, n: int, workers: int) -> dict:
    """Everything enqueued up front, then drained: throughput; the pickup times are queueing time."""
    await fetch_all("TRUNCATE job, pgqueuer, pgqueuer_log", {})
    await enqueue_jobs(n)
    # One engine row per job: an earlier version pushed every id again with each batch (55,000 rows for
    # 10,000 jobs), and the workers spent their time on wake-ups for jobs already done.
    rows = (await fetch_all("SELECT count(*) AS n FROM pgqueuer", {}))[0]["n"]
    if rows != n:
        raise SystemExit(f"enqueue wrote {rows} engine rows for {n} jobs")
    began = time.perf_counter()
    processes = start_workers(url, workers)
    try:
        await wait_until_done()
        seconds = time.perf_counter() - began
    finally:
        stop_workers(processes)
    latency = await pickup_percentiles()
    return {"workers": workers, "jobs_per_s": n / seconds, "p50": latency["p50"], "p99": latency["p99"]}


async def trickle(url: str, rate: float, seconds: float) -> dict:
    """One idle worker, jobs enqueued one per transaction through ``enqueue`` (the application's own path)
    at ``rate`` a second: the pickup time of a job that finds a worker waiting (LISTEN/NOTIFY)."""
    import bench.jobs_noop  # noqa: F401  (registers the kind in this process too)
    from app.jobs.enqueue import enqueue

    await fetch_all("TRUNCATE job, pgqueuer, pgqueuer_log", {})
    scope = await system_scope("northwind", principal="bench")
    processes = start_workers(url, 1)
    try:
        async with in_transaction():
            await enqueue(scope, "bench.noop", "warm-up")
        await wait_until_done()  # the worker is up and listening
        since = (await fetch_all("SELECT max(id) AS id FROM job", {}))[0]["id"]
        began = time.perf_counter()
        for i in range(int(rate * seconds)):
            async with in_transaction():
                await enqueue(scope, "bench.noop", f"trickle-{i}")
            await asyncio.sleep(max(0.0, began + (i + 1) / rate - time.perf_counter()))
        await wait_until_done()
    finally:
        stop_workers(processes)
    latency = await pickup_percentiles(since)
    return {"rate": rate, "p50": latency["p50"], "p99": latency["p99"]}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--trickle-rate", type=float, default=50.0, help="jobs/s for the pickup-latency run")
    parser.add_argument("--trickle-seconds", type=float, default=20.0)
    args = parser.parse_args()
    url, admin = await scratch.create_database(args.url, "ledgerport_bench_jobs")
    try:
        await lifecycle.apply_migrations(url)
        await lifecycle.open_database(url)
        await sync_tenants(TenantRegistry.load(ROOT / "tenants"))
        print(f"load average at start: {os.getloadavg()}", flush=True)
        bare = await bare_engine(engine.asyncpg_dsn(url), args.jobs)
        print(f"pgqueuer bare, 1 queue manager: {bare:,.0f} jobs/s", flush=True)
        for w in [int(x) for x in args.workers.split(",")]:
            r = await run_with_workers(url, args.jobs, w)
            print(
                f"{w} worker(s): {r['jobs_per_s']:,.0f} jobs/s, pickup p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s",
                flush=True,
            )
        if args.trickle_seconds > 0:
            t = await trickle(url, args.trickle_rate, args.trickle_seconds)
            print(
                f"1 idle worker, {t['rate']:,.0f} jobs/s enqueued one at a time: pickup p50"
                f" {t['p50'] * 1000:.0f} ms, p99 {t['p99'] * 1000:.0f} ms",
                flush=True,
            )
        print(f"load average at end: {os.getloadavg()}", flush=True)
    finally:
        await lifecycle.close_database()
        await scratch.drop_database(admin, url)


if __name__ == "__main__":
    asyncio.run(main())

"""Rate limits that several server processes agree on: in the database (PostgreSQL without Redis) or in
Redis (``LEDGERPORT_REDIS_URL``), never per process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from app.auth import ratelimit_store
from app.auth.ratelimit import RateLimiter, shared
from app.auth.ratelimit_store import DatabaseStorage
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)


async def test_the_database_storage_counts_a_fixed_window_and_starts_afresh_after_it(db, monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit_store.time, "time", lambda: now[0])
    limiter = RateLimiter(3, 60, name="probe", storage=DatabaseStorage())
    assert [await limiter.hit("10.0.0.1", "northwind") for _ in range(3)] == [0, 0, 0]
    now[0] += 20
    assert await limiter.retry_after("10.0.0.1", "northwind") > 0
    assert await limiter.hit("10.0.0.1", "northwind") > 0, "the fourth hit in the window is refused"
    assert await limiter.hit("10.0.0.1", "cloudly") == 0, "another key has its own count"
    now[0] += 41  # the window (60 s from the first hit) has ended
    assert await limiter.retry_after("10.0.0.1", "northwind") == 0
    assert await limiter.hit("10.0.0.1", "northwind") == 0


def test_the_storage_follows_the_deployment():
    pg = "postgres://u@db:5432/ledgerport"
    assert isinstance(shared(5, 60, name="x", redis_url=None, database_url=pg).storage, DatabaseStorage)
    on_redis = shared(5, 60, name="x", redis_url="redis://127.0.0.1:6379/0", database_url=pg)
    assert type(on_redis.storage).__name__ == "RedisStorage"
    on_sqlite = shared(5, 60, name="x", redis_url=None, database_url="sqlite:///tmp/x.sqlite3")
    assert type(on_sqlite.storage).__name__ == "MemoryStorage"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(database_url: str, extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LEDGERPORT_DATABASE_URL": database_url,
        "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants"),
        "LEDGERPORT_ENV": "development",
        **extra,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server process exited: {process.stderr.read()[-3000:]}"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not come up")


@pytest.mark.engine("postgres")
@pytest.mark.parametrize("storage", ["database", "redis"])
def test_two_server_processes_refuse_the_same_stale_credential_after_30_failures_between_them(
    db, database_url, storage
):
    extra = {}
    if storage == "redis":
        try:
            socket.create_connection(REDIS, timeout=1).close()
        except OSError:
            require_or_skip("no Redis server answers on 127.0.0.1:6379")
        extra["LEDGERPORT_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    servers = [_serve(database_url, extra) for _ in range(2)]
    try:
        for process, base in servers:
            _wait_until_up(base, process)
        # A credential of its own per run: counts another run left in Redis are never this one's.
        stale = {"Authorization": f"Bearer lp_stale_{uuid.uuid4().hex}"}
        query = {"query": "{ viewer { role } }"}
        answers = [
            httpx.post(f"{servers[i % 2][1]}/graphql", json=query, headers=stale, timeout=10).status_code
            for i in range(30)
        ]
        assert answers == [401] * 30
        for _, base in servers:
            refused = httpx.post(f"{base}/graphql", json=query, headers=stale, timeout=10)
            assert refused.status_code == 429, "each process counts the failures the other one saw"
            assert int(refused.headers["retry-after"]) >= 1
        other = {"Authorization": f"Bearer lp_other_{uuid.uuid4().hex}"}
        assert httpx.post(f"{servers[0][1]}/graphql", json=query, headers=other).status_code == 401
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(timeout=20)

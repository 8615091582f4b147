"""What the load benchmarks share (bench/mixed.py, bench/overhead.py): servers on loopback and clients.

A server is a real uvicorn process (``--factory``, its default event loop and HTTP parser), so what is
measured is what a deployment runs, not an in-process transport. The clients are closed loops (each
sends its next request when the last one is answered) on keep-alive HTTP/1.1 connections written by
hand: httpx costs about a millisecond of client CPU per request, which on a shared 2-core machine
would be taken from the server being measured and flatten the very differences the benches look for.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(factory: str, env: dict[str, str], log: Path, port: int) -> subprocess.Popen:
    """``uvicorn --factory factory`` on ``port`` (returns at once; ``wait_listening`` waits for it)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out,
        )  # fmt: skip


def wait_listening(proc: subprocess.Popen, port: int, what: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen within {timeout:.0f} s: see {log}") from None
            time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def server(factory: str, env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """``uvicorn --factory factory`` on a free loopback port; yields (host, port) once it listens.
    Blocking on purpose: it runs before and after the measured load, never during it."""
    port = free_port()
    proc = spawn(factory, env, log, port)
    try:
        wait_listening(proc, port, factory, log)
        yield "127.0.0.1", port
    finally:
        stop(proc)


class Connection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the answer (Content-Length only,
    which is what uvicorn sends for these bodies)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return await self.request("POST", path, body, headers)

    async def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sized = (
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body is not None else ""
        )
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{sized}{head}\r\n".encode() + (body or b"")
        )
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Kind:
    """A kind of request: its name, the JSON body for the n-th request, and its headers."""

    name: str
    body: Callable[[int], dict]
    headers: dict[str, str] = field(default_factory=dict)
    path: str = "/graphql"
    #: ``GET`` sends no body (``body`` gives the path's query string then, or ``{}``).
    method: str = "POST"


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    #: Answers with a 5xx status (counted in ``errors`` too).
    server_errors: int = 0
    #: Requests whose connection broke before the answer (a killed server): not in ``latencies_ms``.
    dropped: int = 0

    def p(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


def ok(status: int, payload: bytes) -> bool:
    return status == 200 and b'"errors"' not in payload


async def closed_loops(
    address: tuple[str, int], mix: list[tuple[Kind, int]], seconds: float
) -> tuple[dict[str, Result], float]:
    """``clients`` closed loops of each kind for ``seconds``; returns results per kind and the elapsed time.
    A request still running at the end is waited for and counted (its latency is real)."""
    return await spread_loops(lambda: [address], mix, seconds, survive_drops=False)


DROPPED = (ConnectionError, asyncio.IncompleteReadError, OSError, IndexError, ValueError)


async def spread_loops(
    addresses: Callable[[], list[tuple[str, int]]],
    mix: list[tuple[Kind, int]],
    seconds: float,
    *,
    survive_drops: bool = True,
) -> tuple[dict[str, Result], float]:
    """Closed loops spread over several servers (client ``i`` starts on server ``i mod n``, as a load
    balancer would spread connections). With ``survive_drops``, a connection that breaks (its server
    was killed) counts the request as dropped, and the client reconnects to the next server that
    ``addresses()`` lists, as a load balancer retries a new connection elsewhere."""
    results = {kind.name: Result() for kind, _ in mix}
    deadline = time.perf_counter() + seconds

    async def connect(start: int) -> tuple[Connection, int]:
        attempt = start
        while True:
            live = addresses()
            try:
                return await Connection.open(*live[attempt % len(live)]), attempt
            except OSError:
                if not survive_drops or time.perf_counter() > deadline + 30:
                    raise
                attempt += 1
                await asyncio.sleep(0.05)

    async def client(kind: Kind, number: int) -> None:
        conn, at = await connect(number)
        result, n = results[kind.name], number
        try:
            while time.perf_counter() < deadline:
                made = kind.body(n)
                body = None if kind.method == "GET" else json.dumps(made).encode()
                n += 1000
                t0 = time.perf_counter()
                try:
                    status, payload = await conn.request(kind.method, kind.path, body, kind.headers)
                except DROPPED:
                    if not survive_drops:
                        raise
                    result.dropped += 1
                    conn.close()
                    conn, at = await connect(at + 1)
                    continue
                result.latencies_ms.append((time.perf_counter() - t0) * 1000)
                if not ok(status, payload):
                    result.errors += 1
                    result.server_errors += status >= 500
                    result.first_error = result.first_error or f"{status} {payload[:300]!r}"
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(kind, i) for kind, clients in mix for i in range(clients)))
    return results, time.perf_counter() - started


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (5 min {five:.1f})"

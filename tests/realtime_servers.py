"""Real ``ledgerport serve`` processes and a graphql-transport-ws client for the real-time tests."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, log: Path, extra: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LEDGERPORT_DATABASE_URL": database_url,
            "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants"),
            "LEDGERPORT_ENV": "development",
            **(extra or {}),
        }
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    async def up(self) -> Server:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, f"the server exited: {self.log.read_text()[-3000:]}"
                try:
                    if (await http.get(f"{self.base}/healthz", timeout=1)).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"{self.base} did not come up")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class Subscriber:
    """One graphql-transport-ws connection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    async def open(cls, url: str, payload: dict | None, **kwargs) -> Subscriber:
        socket = await connect(url, subprotocols=["graphql-transport-ws"], **kwargs)
        await socket.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        return cls(socket)

    async def acked(self) -> dict:
        return json.loads(await asyncio.wait_for(self.socket.recv(), 10))

    async def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        message = {
            "id": op_id,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables or {}},
        }
        await self.socket.send(json.dumps(message))

    async def next(self, seconds: float) -> dict | None:
        """The next message, or None when none arrives within ``seconds``."""
        try:
            return json.loads(await asyncio.wait_for(self.socket.recv(), seconds))
        except TimeoutError:
            return None

    async def closed_with(self) -> tuple[int | None, str]:
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), 10)
        except ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), (closed.rcvd.reason if closed.rcvd else "")

    async def close(self) -> None:
        await self.socket.close()


def redis_or_skip() -> str:
    from tests.conftest import require_or_skip

    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        require_or_skip("no Redis server answers on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"

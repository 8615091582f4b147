"""The processes of a multi-process deployment on loopback, for bench/load.py: server processes each on
its own port (the load generator spreads clients over them as a load balancer would), job workers, and
localstripe; one server can be SIGKILLed and restarted on its port while the load runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench import loadgen

ROOT = Path(__file__).resolve().parent.parent
SERVER = "app.web.app:create_server_app"


def start_localstripe(log: Path) -> tuple[subprocess.Popen, str]:
    """localstripe on a free loopback port (its in-memory store: nothing shared with other runs)."""
    port = loadgen.free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.payments.localstripe_runner", "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=out,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"localstripe did not start: see {log}")
        time.sleep(0.1)


class Fleet:
    """``servers`` server processes and ``workers`` job workers sharing one database."""

    def __init__(self, servers: int, workers: int, env: dict[str, str], work: Path) -> None:
        self.env, self.work = env, work
        self.ports = [loadgen.free_port() for _ in range(servers)]
        self.procs: list[subprocess.Popen | None] = [None] * servers
        self.down: set[int] = set()
        self.workers: list[subprocess.Popen] = []
        self.worker_count = workers
        self.kills = 0

    def _log(self, name: str) -> Path:
        return self.work / f"{name}.log"

    def start(self) -> None:
        for i, port in enumerate(self.ports):
            self.procs[i] = loadgen.spawn(SERVER, self.env, self._log(f"server-{i}"), port)
        for i in range(self.worker_count):
            with self._log(f"worker-{i}").open("ab") as out:
                self.workers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "app.cli", "worker"],
                        cwd=ROOT,
                        env={**os.environ, **self.env},
                        stdout=out,
                        stderr=out,
                    )
                )
        for i, port in enumerate(self.ports):
            loadgen.wait_listening(self.procs[i], port, f"server {i}", self._log(f"server-{i}"))

    def addresses(self, first: int | None = None) -> list[tuple[str, int]]:
        """The servers that are up (all of them, or only the first ``first``)."""
        chosen = range(len(self.ports) if first is None else first)
        live = [("127.0.0.1", self.ports[i]) for i in chosen if i not in self.down]
        return live or [("127.0.0.1", self.ports[i]) for i in chosen]

    async def kill_and_restart(self, i: int) -> float:
        """SIGKILL server ``i`` (whatever it was doing), start it again on its port; returns the seconds
        it was away."""
        proc = self.procs[i]
        assert proc is not None
        self.down.add(i)
        started = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        await asyncio.to_thread(proc.wait)
        self.kills += 1
        self.procs[i] = loadgen.spawn(SERVER, self.env, self._log(f"server-{i}"), self.ports[i])
        await asyncio.to_thread(
            loadgen.wait_listening, self.procs[i], self.ports[i], f"server {i}", self._log(f"server-{i}")
        )
        self.down.discard(i)
        return time.monotonic() - started

    async def keep_killing(self, every: float, until: float, victim: int = 0) -> list[float]:
        """Kill and restart server ``victim`` every ``every`` seconds until ``until`` (perf_counter)."""
        away: list[float] = []
        while time.perf_counter() + every < until:
            await asyncio.sleep(every)
            away.append(await self.kill_and_restart(victim))
        return away

    def stop(self) -> None:
        for proc in [*self.procs, *self.workers]:
            if proc is not None and proc.poll() is None:
                loadgen.stop(proc)

"""Worker processes for the job tests: ``ledgerport worker`` started, waited on and stopped by the test.

Each test that needs workers starts its own (``start_worker``) and the fixture stops every one it
started, SIGKILL if SIGTERM is not enough, so no process outlives the test. The tuning is shrunk (leases
of a second, backoffs of a tenth) so crashes and retries play out in seconds.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAST = {
    "LEDGERPORT_JOB_MODULES": "tests.job_probes",
    "LEDGERPORT_JOB_LEASE_SECONDS": "1",
    "LEDGERPORT_JOB_BACKOFF_SECONDS": "0.2",
    "LEDGERPORT_JOB_BACKOFF_CAP_SECONDS": "1",
    "LEDGERPORT_SCHEDULE_TICK_SECONDS": "0.2",
    "LEDGERPORT_JOB_POLL_SECONDS": "0.1",
}


class Workers:
    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.database_url = database_url
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(
        self, extra_env: dict[str, str] | None = None, tenants_dir: Path | None = None
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            **FAST,
            "LEDGERPORT_ENV": "test",
            "LEDGERPORT_DATABASE_URL": self.database_url,
            "LEDGERPORT_TENANTS_DIR": str(tenants_dir or ROOT / "tenants"),
            # The tenants' month-end schedule runs on a worker's first tick: its files stay in the test's folder.
            "LEDGERPORT_STATEMENTS_DIR": str(self.tmp_path / "statements"),
            **(extra_env or {}),
        }
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--concurrency", "4"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def output(self, index: int) -> str:
        return (self.tmp_path / f"worker-{index}.log").read_text()

    def stop(self, process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        if process.poll() is None:
            process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def stop_all(self) -> None:
        """SIGTERM to every worker at once (so none goes on alone while another stops), then wait."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            self.stop(process)


@pytest.fixture
def workers(database_url, tmp_path) -> Iterator[Workers]:
    running = Workers(database_url, tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0, what: str = "") -> None:
    """Wait until ``check()`` is true; fail naming ``what`` after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"not within {within} s: {what}")

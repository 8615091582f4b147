"""The process pool that lays out long statements: bounded, reused, replaced when broken, never orphaned."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from app.documents import pool
from tests.test_cli import ROOT


async def test_given_the_pool_when_used_again_and_again_then_it_keeps_the_same_bounded_processes():
    started = pool.warm()

    rounds = [
        set(await asyncio.gather(*(pool.run(pool._pid_after_pause) for _ in range(3 * pool.default_size()))))
        for _ in range(2)
    ]

    assert 1 <= len(started) <= pool.default_size() <= pool.MAX_PROCESSES
    assert all(pids <= started for pids in rounds)
    assert pool.shared() is pool.shared()


async def test_given_a_process_of_the_pool_dies_then_the_next_job_gets_a_fresh_pool():
    broken = pool.shared()

    with pytest.raises(BrokenProcessPool):
        await pool.run(os._exit, 1)

    assert pool.shared() is not broken
    assert await pool.run(os.getpid) != os.getpid()


ORPHANING = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from app.documents import pool

    if __name__ == "__main__":
        Path(sys.argv[1]).write_text(" ".join(map(str, pool.warm())))
        os._exit(0)  # no shutdown, as when the server is killed
    """
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_given_the_server_dies_without_shutting_the_pool_down_then_its_processes_exit(tmp_path):
    script, pids = tmp_path / "orphaning.py", tmp_path / "pids"
    script.write_text(ORPHANING)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    subprocess.run([sys.executable, str(script), str(pids)], cwd=ROOT, env=env, check=True, timeout=120)
    workers = [int(pid) for pid in pids.read_text().split()]
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [pid for pid in workers if _alive(pid)]
    for pid in orphans:  # do not leave them behind when this fails
        os.kill(pid, signal.SIGTERM)

    assert workers and not orphans

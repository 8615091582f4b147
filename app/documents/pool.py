"""The process pool that lays out PDFs on every core: sections of long statements, the month-end batch.

Layout is CPU-bound Python, so threads would share one core under the GIL; processes use them all. They
are spawned, not forked: the parent holds database connections and threads a fork would copy half-alive.
A new process takes about a second to import WeasyPrint and load fonts, so each process does that once,
before its first job (``_start_process``), and the web process keeps one shared pool for its lifetime:
created on first use or by ``warm()`` at server start-up, sized to the cores (at most ``MAX_PROCESSES``),
and shut down with the server. The batch makes its own pool for its run (``new``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from app.documents import layout

#: Most processes in one pool, however many cores the machine has.
MAX_PROCESSES = 8

_shared: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def default_size() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES))


def _start_process(parent: int) -> None:
    """Each process, as it starts: pay WeasyPrint's import and font loading now rather than in its first
    real job, and exit if the parent goes away without shutting the pool down (killed, ``os._exit``),
    instead of waiting for work forever."""
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    layout.html_to_pdf("<p>Ledgerport</p>")


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def new(processes: int | None = None) -> ProcessPoolExecutor:
    """A pool of its own (the batch's), ``processes`` or one per core."""
    return ProcessPoolExecutor(
        processes or default_size(),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_process,
        initargs=(os.getpid(),),
    )


def shared() -> ProcessPoolExecutor:
    """This process's pool, started on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = new()
        return _shared


def _pid_after_pause() -> int:
    time.sleep(0.05)
    return os.getpid()


def warm(timeout: float = 60.0) -> set[int]:
    """Start every process of the shared pool now and wait until each has loaded WeasyPrint, so the first
    long statement does not pay for it (server start-up, the benchmark). Returns their process ids."""
    pool, size = shared(), default_size()
    ready: set[int] = set()
    deadline = time.monotonic() + timeout
    # Jobs submitted while no process is idle start processes, up to the pool's size. A process takes jobs
    # only once its initializer is done, and the pause leaves the next job to another ready process, so
    # rounds go on until every process has answered.
    while len(ready) < size and time.monotonic() < deadline:
        ready |= {job.result() for job in [pool.submit(_pid_after_pause) for _ in range(size)]}
    return ready


def shutdown() -> None:
    """Stop the shared pool's processes (server shut-down); the next use starts a new pool."""
    global _shared
    with _lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.shutdown(cancel_futures=True)


def _forget(pool: ProcessPoolExecutor) -> None:
    global _shared
    with _lock:
        if _shared is pool:
            _shared = None
    pool.shutdown(wait=False, cancel_futures=True)


async def run(fn, *args):
    """``fn(*args)`` in the shared pool, awaited without blocking the event loop.

    A pool one of whose processes died (killed for memory, say) refuses all work for good, so it is
    dropped and the next call starts a fresh one; this call fails rather than retry a job that may be what
    killed it."""
    pool = shared()
    try:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
    except BrokenProcessPool:
        _forget(pool)
        raise

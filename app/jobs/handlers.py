"""Which function runs a job of each kind, and what it is told: the tenant's scope, the arguments, the try.

Handlers register with ``@handler("email.send", queue="email", max_attempts=8)`` in their own domain
module; ``load()`` imports those modules (and any named in ``LEDGERPORT_JOB_MODULES``, how tests add
probe handlers to worker processes), so this module imports no domain code and the import graph stays
acyclic. A handler must be idempotent by the job's key: a job runs at least once, and again after a crash.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.errors import LedgerportError
from app.scope import Scope
from app.tenancy.config import TenantConfig

BUILTIN_MODULES = (
    "app.notifications.delivery",
    "app.alerts.jobs",
    "app.documents.month_end",
    "app.reports.delivery",
    "app.credit.jobs",
    "app.collections.delivery",
    "app.collections.jobs",
    "app.collections.statements",
    "app.forecast.jobs",
    "app.webhooks.delivery",
    "app.webhooks.overdue",
)
MODULES_VAR = "LEDGERPORT_JOB_MODULES"


class UnknownJobKind(LedgerportError):
    """A job names a kind no handler is registered for."""

    code = "unknown_job_kind"


@dataclass(frozen=True)
class JobContext:
    scope: Scope
    tenant: TenantConfig
    job_id: int
    kind: str
    key: str
    args: dict[str, Any]
    attempt: int
    max_attempts: int

    @property
    def final(self) -> bool:
        """True on the last try: a handler that keeps its own record (email) marks it failed, not retrying."""
        return self.attempt >= self.max_attempts


Run = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True)
class Handler:
    kind: str
    run: Run
    queue: str
    max_attempts: int


_HANDLERS: dict[str, Handler] = {}


def handler(kind: str, *, queue: str = "default", max_attempts: int = 5) -> Callable[[Run], Run]:
    """Register ``run`` for jobs of ``kind``; a kind is registered once."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(run: Run) -> Run:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing.run is not run:
            raise RuntimeError(f"job kind {kind!r} is already registered by {existing.run.__module__}")
        _HANDLERS[kind] = Handler(kind, run, queue, max_attempts)
        return run

    return register


def get(kind: str) -> Handler:
    load()
    found = _HANDLERS.get(kind)
    if found is None:
        raise UnknownJobKind(f"no handler for job kind {kind!r} (known: {', '.join(sorted(_HANDLERS))})")
    return found


def kinds() -> list[str]:
    load()
    return sorted(_HANDLERS)


def queues() -> list[str]:
    load()
    return sorted({h.queue for h in _HANDLERS.values()})


def load() -> None:
    """Import every module that registers handlers (cheap after the first call)."""
    extra = [m.strip() for m in os.environ.get(MODULES_VAR, "").split(",") if m.strip()]
    for name in (*BUILTIN_MODULES, *extra):
        importlib.import_module(name)

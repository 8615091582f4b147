"""Month-end statements for every customer with a balance, rendered on every core.

Reading the data is quick and needs the database, so it happens first, in the calling process; laying
out PDFs is the slow part and needs nothing but the view model, so it fans out to a process pool of its
own (``pool.new``; threads would share one core under the GIL). Each statement is one job, rendered in
one piece: the batch already keeps every core busy. Each worker writes its file and returns only the path
and size.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.documents import pool, render, repository, service
from app.errors import NotFound
from app.receivables import customer_figures
from app.scope import Scope
from app.tenancy.registry import TenantRegistry


@dataclass(frozen=True)
class RenderedFile:
    path: Path
    size: int


async def customers_to_render(
    scope: Scope, as_of: date, account_numbers: list[str] | None
) -> list[tuple[int, str]]:
    """(customer id, currency) of every non-zero net balance on ``as_of``: one statement each.

    ``account_numbers`` narrows them, and every named account must exist, so a typo is an error rather
    than a silently missing statement."""
    balances = sorted(await customer_figures.net_balances(scope, as_of))
    if not account_numbers:
        return balances
    found = await repository.customer_ids_by_account(scope, account_numbers)
    missing = sorted(set(account_numbers) - set(found))
    if missing:
        raise NotFound(f"no customer with account number {', '.join(missing)}")
    wanted = set(found.values())
    return [(cid, currency) for cid, currency in balances if cid in wanted]


async def prepare_statements(
    scope: Scope,
    as_of: date,
    kind: service.StatementKind,
    account_numbers: list[str] | None = None,
    *,
    tenants: TenantRegistry | None = None,
) -> list[service.PreparedDocument]:
    pairs = await customers_to_render(scope, as_of, account_numbers)
    return [
        await service.prepare_statement(scope, cid, kind, as_of=as_of, currency=cur, tenants=tenants)
        for cid, cur in pairs
    ]


def _render_to_file(template: str, view, path: str) -> tuple[str, int]:
    content = render.render_pdf(template, view)
    Path(path).write_bytes(content)
    return path, len(content)


class BatchCancelled(Exception):
    """The batch was asked to stop (``cancelled`` set) before every document was rendered."""


def render_all(
    prepared: list[service.PreparedDocument],
    out_dir: Path,
    *,
    workers: int | None = None,
    on_done: Callable[[RenderedFile], None] | None = None,
    cancelled: threading.Event | None = None,
) -> list[RenderedFile]:
    """Render every prepared statement into ``out_dir`` with ``workers`` processes (default: the cores).

    ``cancelled`` set from another thread stops the batch after the documents being rendered (a server
    shutting down must not wait for thousands of statements; the job runs again and rewrites them)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[RenderedFile] = []
    with pool.new(workers) as processes:
        futures = [
            processes.submit(_render_to_file, p.template, p.view, str(out_dir / p.filename)) for p in prepared
        ]
        for future in as_completed(futures):
            if cancelled is not None and cancelled.is_set():
                for waiting in futures:
                    waiting.cancel()
                raise BatchCancelled(f"stopped after {len(results)} of {len(futures)} documents")
            path, size = future.result()
            done = RenderedFile(Path(path), size)
            results.append(done)
            if on_done:
                on_done(done)
    return sorted(results, key=lambda r: r.path.name)

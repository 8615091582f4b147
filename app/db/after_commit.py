"""Callbacks that run once the outermost transaction has committed, and never for a rolled-back one.

Tortoise has no on-commit hook, and a real-time event published from inside a transaction could
announce a change that is then rolled back. Our engines (``app.db.sqlite_engine``,
``app.db.postgres_engine``) wrap every transaction context Tortoise hands out with the two contexts
below, so every ``in_transaction()`` the services already use carries a list of callbacks:

- a nested block (a savepoint) keeps its callbacks with the enclosing transaction when it is
  released, and drops them when it is rolled back;
- the outermost block runs them after ``COMMIT`` returned, in the order they were registered; a commit
  that fails, or a block left by an exception, runs none.

Callbacks are plain functions that must not block (they hand an event to a queue); one that raises is
logged and does not stop the others, since the change is committed whatever they do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionContext

log = logging.getLogger(__name__)

ATTRIBUTE = "_ledgerport_after_commit"


class NotInTransaction(RuntimeError):
    """``on_commit`` was called outside a transaction: there is no commit to wait for."""


def on_commit(callback: Callable[[], None], connection_name: str = "default") -> None:
    """Run ``callback`` after the current transaction commits (refused outside a transaction)."""
    pending = getattr(connections.get(connection_name), ATTRIBUTE, None)
    if pending is None:
        raise NotInTransaction("on_commit needs a transaction opened with in_transaction()")
    pending.append(callback)


def in_transaction_now(connection_name: str = "default") -> bool:
    return getattr(connections.get(connection_name), ATTRIBUTE, None) is not None


class OuterTransaction(TransactionContext):
    """The outermost ``in_transaction()``: runs the callbacks once its commit has returned."""

    def __init__(self, inner: TransactionContext) -> None:
        self.inner = inner

    async def __aenter__(self) -> Any:
        client = await self.inner.__aenter__()
        setattr(client, ATTRIBUTE, [])
        self.client = client
        return client

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        pending: list = getattr(self.client, ATTRIBUTE, [])
        setattr(self.client, ATTRIBUTE, None)
        await self.inner.__aexit__(exc_type, exc_val, exc_tb)  # a failed COMMIT raises: nothing runs
        if exc_type is None:
            for callback in pending:
                try:
                    callback()
                except Exception:  # the change is committed; one broken listener must not hide that
                    log.exception("after-commit callback failed")


class NestedTransaction(TransactionContext):
    """A savepoint: the callbacks registered inside it are forgotten when it is rolled back.

    Tortoise keeps the outermost transaction as the task's connection inside a savepoint, so
    ``on_commit`` appends to the outermost list; the savepoint remembers where that list stood."""

    def __init__(self, inner: TransactionContext, parent: Any) -> None:
        self.inner = inner
        self.parent = parent

    async def __aenter__(self) -> Any:
        self.pending = getattr(connections.get(self.parent.connection_name), ATTRIBUTE, None)
        self.mark = len(self.pending) if self.pending is not None else 0
        return await self.inner.__aenter__()

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            await self.inner.__aexit__(exc_type, exc_val, exc_tb)
        except BaseException:
            self._forget()
            raise
        if exc_type is not None:
            self._forget()

    def _forget(self) -> None:
        if self.pending is not None:
            del self.pending[self.mark :]

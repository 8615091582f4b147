"""A job exists iff the transaction of the change that caused it commits (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from app.db.sql import dialect, fetch_all
from app.jobs import repository
from app.jobs.enqueue import NotInTransaction, enqueue
from app.jobs.handlers import UnknownJobKind
from app.models import CustomerAccount
from app.models.enums import JobState
from tests import (
    builders,
    job_probes,  # noqa: F401  (registers the probe kinds)
)


async def engine_rows() -> int:
    if dialect() != "postgres":
        return 0
    return int((await fetch_all("SELECT count(*) AS n FROM pgqueuer", {}))[0]["n"])


class Boom(Exception):
    pass


async def test_given_a_committed_change_then_its_job_is_queued_with_its_engine_row(scope_a, tmp_path):
    async with in_transaction():
        job_id = await enqueue(scope_a, "test.record", "k1", {"log": str(tmp_path / "log")})

    job = await repository.get(scope_a, job_id)
    assert (job.state, job.kind, job.key, job.attempts) == (JobState.QUEUED, "test.record", "k1", 0)
    assert await engine_rows() == (1 if dialect() == "postgres" else 0)


async def test_given_a_rolled_back_change_then_no_job_and_no_engine_row(scope_a, tmp_path):
    with pytest.raises(Boom):
        async with in_transaction():
            await enqueue(scope_a, "test.record", "k1", {"log": str(tmp_path / "log")})
            raise Boom

    assert await repository.of_kind(scope_a, "test.record") == []
    assert await engine_rows() == 0


async def test_given_the_same_key_twice_then_one_job(scope_a, scope_b, tmp_path):
    async with in_transaction():
        first = await enqueue(scope_a, "test.record", "same", {"log": "x"})
        again = await enqueue(scope_a, "test.record", "same", {"log": "x"})
        other_tenant = await enqueue(scope_b, "test.record", "same", {"log": "x"})

    assert first is not None and again is None and other_tenant is not None
    assert [j.id for j in await repository.of_kind(scope_a, "test.record")] == [first]
    assert [j.id for j in await repository.of_kind(scope_b, "test.record")] == [other_tenant]


async def test_given_no_transaction_then_enqueue_refuses(scope_a):
    with pytest.raises(NotInTransaction, match="inside the transaction"):
        await enqueue(scope_a, "test.record", "k", {"log": "x"})


async def test_given_an_unknown_kind_then_enqueue_names_the_known_ones(scope_a):
    with pytest.raises(UnknownJobKind, match=r"no handler for job kind 'nope'.*email\.send"):
        async with in_transaction():
            await enqueue(scope_a, "nope", "k")


async def test_given_two_transactions_queueing_one_key_at_once_then_one_job_and_both_changes_commit(scope_a):
    """On PostgreSQL the second insert waits for the first transaction and then meets the unique key;
    that must undo only the insert, not the second change (SQLite runs the two one after the other)."""
    queued = asyncio.Event()

    async def change(name: str, hold: bool) -> int | None:
        async with in_transaction():
            await builders.customer(scope_a, name)
            job_id = await enqueue(scope_a, "test.record", "at-once", {"log": "x"})
            if hold:  # the job row is written, not committed, while the other change checks the key
                queued.set()
                await asyncio.sleep(0.3)
            return job_id

    async def second() -> int | None:
        await queued.wait()
        return await change("Second Ltd", hold=False)

    first_id, second_id = await asyncio.gather(change("First Ltd", hold=True), second())

    assert first_id is not None and second_id is None
    assert [j.id for j in await repository.of_kind(scope_a, "test.record")] == [first_id]
    names = {c.legal_name for c in await CustomerAccount.filter(tenant_id=scope_a.tenant_id)}
    assert names == {"First Ltd", "Second Ltd"}

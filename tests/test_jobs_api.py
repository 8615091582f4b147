"""The staff face of jobs: ``jobs``/``job`` (admin only), ``retryJob``/``cancelJob`` with userErrors,
``/healthz?verbose=1`` counts, and ``ledgerport jobs list|retry|cancel``; two tenants."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from tortoise.transactions import in_transaction

from app import clock
from app.jobs.enqueue import enqueue
from app.jobs.executor import Executor
from app.jobs.inprocess import InProcessRunner
from app.jobs.tuning import Tuning
from app.models.enums import StaffRole
from schema.common.ids import encode_id
from tests import job_probes  # noqa: F401  (registers the probe kinds)
from tests.helpers import gql, make_token
from tests.workers import ROOT

JOBS = """query($first: Int, $filter: JobFilter) {
  jobs(first: $first, filter: $filter) {
    totalCount edges { node { id kind state attempts maxAttempts lastError } } pageInfo { hasNextPage }
  }
}"""
JOB = "query($id: ID!) { job(id: $id) { id state } }"
RETRY = "mutation($id: ID!) { retryJob(input: {id: $id}) { job { state attempts } userErrors { field code message } } }"
CANCEL = (
    "mutation($id: ID!) { cancelJob(input: {id: $id}) { job { state } userErrors { field code message } } }"
)


async def _failed_and_waiting(scope_a, scope_b, registry) -> tuple[int, int, int]:
    async with in_transaction():
        failing = await enqueue(scope_a, "test.fail", "f", {"message": "no ledger"})
        waiting = await enqueue(scope_a, "test.record", "w", {"log": "/dev/null"})
    async with in_transaction():
        other = await enqueue(scope_b, "test.record", "b", {"log": "/dev/null"})
    # Three tries of the failing job, each a minute after the one before: well past its backoff (a
    # millisecond), which on a fast machine had not always passed by the next try, so that try found
    # the job not yet due and left it retrying.
    jobs = InProcessRunner(registry, Executor(registry, Tuning(backoff_base_seconds=0.001)))
    start = clock.now()
    for minute in range(3):
        with clock.frozen(start + timedelta(minutes=minute)):
            await jobs.executor.run("northwind", failing)
    return failing, waiting, other


async def test_given_an_admin_then_jobs_lists_the_tenants_jobs_filtered_by_state(
    client, scope_a, scope_b, registry
):
    failing, waiting, other = await _failed_and_waiting(scope_a, scope_b, registry)
    admin = await make_token("northwind")

    everything = (await gql(client, JOBS, admin, {"first": 10})).json()["data"]["jobs"]
    failed = (await gql(client, JOBS, admin, {"filter": {"state": "FAILED"}})).json()["data"]["jobs"]

    assert everything["totalCount"] == 2  # cloudly's job is not there
    assert {e["node"]["id"] for e in everything["edges"]} == {
        encode_id("Job", failing),
        encode_id("Job", waiting),
    }
    assert failed["edges"] == [
        {
            "node": {
                "id": encode_id("Job", failing),
                "kind": "test.fail",
                "state": "FAILED",
                "attempts": 3,
                "maxAttempts": 3,
                "lastError": "RuntimeError: no ledger",
            }
        }
    ]
    other_tenant = (await gql(client, JOB, admin, {"id": encode_id("Job", other)})).json()
    assert other_tenant["errors"][0]["extensions"]["code"] == "not_found"


async def test_given_a_non_admin_then_jobs_are_forbidden(client, scope_a, scope_b, registry):
    await _failed_and_waiting(scope_a, scope_b, registry)
    finance = await make_token("northwind", StaffRole.FINANCE)

    denied = (await gql(client, JOBS, finance, {})).json()

    assert denied["errors"][0]["extensions"]["code"] == "forbidden"


async def test_given_retry_and_cancel_then_they_change_the_job_or_say_why_not(
    client, scope_a, scope_b, registry
):
    failing, waiting, other = await _failed_and_waiting(scope_a, scope_b, registry)
    admin = await make_token("northwind")

    retried = (await gql(client, RETRY, admin, {"id": encode_id("Job", failing)})).json()["data"]["retryJob"]
    not_failed = (await gql(client, RETRY, admin, {"id": encode_id("Job", waiting)})).json()["data"][
        "retryJob"
    ]
    cancelled = (await gql(client, CANCEL, admin, {"id": encode_id("Job", waiting)})).json()["data"][
        "cancelJob"
    ]
    again = (await gql(client, CANCEL, admin, {"id": encode_id("Job", waiting)})).json()["data"]["cancelJob"]
    foreign = (await gql(client, CANCEL, admin, {"id": encode_id("Job", other)})).json()["data"]["cancelJob"]

    assert retried == {"job": {"state": "QUEUED", "attempts": 0}, "userErrors": []}
    assert not_failed["userErrors"] == [
        {
            "field": ["id"],
            "code": "conflict",
            "message": "only a failed or cancelled job can be retried; this one is queued",
        }
    ]
    assert cancelled == {"job": {"state": "CANCELLED"}, "userErrors": []}
    assert again["userErrors"][0]["code"] == "conflict"
    assert foreign == {
        "job": None,
        "userErrors": [{"field": ["id"], "code": "not_found", "message": "job not found"}],
    }


async def test_given_jobs_in_several_states_then_verbose_healthz_counts_them(
    client, scope_a, scope_b, registry
):
    await _failed_and_waiting(scope_a, scope_b, registry)

    plain = (await client.get("/healthz")).json()
    verbose = (await client.get("/healthz?verbose=1")).json()

    assert "jobs" not in plain
    assert verbose["jobs"] == {
        "queued": 2,
        "running": 0,
        "retrying": 0,
        "succeeded": 0,
        "failed": 1,
        "cancelled": 0,
    }


async def test_cli_lists_retries_and_cancels_jobs(db, scope_a, scope_b, registry):
    failing, waiting, _ = await _failed_and_waiting(scope_a, scope_b, registry)
    env = {**os.environ, "LEDGERPORT_DATABASE_URL": db, "LEDGERPORT_TENANTS_DIR": str(ROOT / "tenants")}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "jobs", *args, "--tenant", "northwind"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    listed = cli("list", "--state", "failed")
    retried = cli("retry", str(failing))
    refused = cli("retry", str(waiting))
    cancelled = cli("cancel", str(waiting))

    assert (
        listed.returncode == 0 and "test.fail" in listed.stdout and "RuntimeError: no ledger" in listed.stdout
    )
    assert listed.stdout.strip().endswith("1 of 1 job(s)")
    assert retried.stdout.strip() == f"job {failing} (test.fail) is now queued"
    assert refused.returncode == 1 and "only a failed or cancelled job can be retried" in refused.stderr
    assert cancelled.stdout.strip() == f"job {waiting} (test.record) is now cancelled"

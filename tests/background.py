"""Running the background jobs a request left behind, as the server would in the moments after it.

Emails (and the other side effects) are jobs written with the change and sent after the commit, never
inside the request; the test server does not run jobs by itself (``create_app`` starts no runner under
``LEDGERPORT_ENV=test``), so a test that expects an email runs the queue first. One at a time, so the
messages arrive in the order their changes queued them.
"""

from __future__ import annotations

from app.jobs.inprocess import InProcessRunner
from app.tenancy.registry import TenantRegistry


async def run_jobs(registry: TenantRegistry) -> int:
    """Run every job that is due until none is (retries whose backoff has not ended stay queued); how
    many tries ran."""
    return await InProcessRunner(registry, concurrency=1).run_until_idle()

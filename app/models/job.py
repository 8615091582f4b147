"""Background jobs: the durable record of each piece of work, written in the transaction that causes it.

The row is the truth about a job on both engines: its state, attempts, last error and when it may run
next. On PostgreSQL the queue engine (pgqueuer) carries a small wake-up row per attempt beside it, written
on the same connection; on SQLite the in-process runner reads these rows directly (docs/jobs.md).
``key`` makes enqueueing idempotent: one job per (tenant, kind, key), so an email is queued once per
(template, object, recipient, step) and a schedule once per period, however often it is asked for.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned
from app.models.enums import DeliveryState, JobState


class Job(TenantOwned):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=80)
    queue = fields.CharField(max_length=40, default="default")
    key = fields.CharField(max_length=300)
    args = fields.JSONField(default=dict)
    state = fields.CharEnumField(JobState, max_length=10, default=JobState.QUEUED)
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=5)
    run_at = fields.DatetimeField()
    # While running: the moment after which another worker may take the job over (its runner died).
    locked_until = fields.DatetimeField(null=True)
    locked_by = fields.CharField(max_length=80, default="")
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = None

    class Meta:
        table = "job"
        unique_together = (("tenant", "kind", "key"),)
        indexes = (("tenant_id", "state", "run_at"), ("tenant_id", "created_at"))


class EmailDelivery(TenantOwned):
    """One email, by its idempotency key: whether the relay took it, and what it answered."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=300)
    template = fields.CharField(max_length=60)
    recipient = fields.CharField(max_length=254)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.RETRYING)
    attempts = fields.IntField(default=0)
    smtp_reply = fields.TextField(default="")
    job_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = None

    class Meta:
        table = "email_delivery"
        unique_together = (("tenant", "key"),)

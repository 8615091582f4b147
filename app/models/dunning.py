"""Dunning: each run, the messages it sent (one per customer per day), which step each invoice has had,
the customers it skipped and why, and the pauses staff put on a customer or an invoice.

The unique keys are the idempotency rules, enforced by the database rather than hoped for: one message per
customer per day (``customer``, ``sent_on``), and each step of a policy once per invoice (``invoice``,
``policy``, ``step_index``), so a re-run, a retry or two workers racing can never send a reminder twice.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped


class DunningRun(TenantOwned):
    """One run for one day: what triggered it and how many it sent and skipped (the report is its rows)."""

    id = fields.IntField(primary_key=True)
    run_on = fields.DateField()
    trigger = fields.CharField(max_length=20)  # schedule | cli | api
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    sent = fields.IntField(default=0)
    skipped = fields.IntField(default=0)
    started_by = fields.CharField(max_length=254, default="")

    class Meta:
        table = "dunning_run"
        indexes = (("tenant_id", "run_on"),)


class DunningMessage(TenantOwned):
    """The one consolidated message (email, letter or call task) a run produced for a customer."""

    id = fields.IntField(primary_key=True)
    run = fields.ForeignKeyField("models.DunningRun", related_name="messages", on_delete=fields.CASCADE)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    sent_on = fields.DateField()
    policy = fields.CharField(max_length=40)
    step_index = fields.IntField()
    step_name = fields.CharField(max_length=40)
    channel = fields.CharField(max_length=12)
    template = fields.CharField(max_length=100)
    attachment = fields.CharField(max_length=12)
    recipient = fields.CharField(max_length=254, default="")
    pay_link = fields.TextField(default="")
    # What the message says, as rendered: [{invoice_id, number, currency, due_date, days_past_due, open,
    # interest}] and per currency {currency, open, fee, interest, amount} (minor units).
    lines = fields.JSONField(default=list)
    totals = fields.JSONField(default=list)
    job_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    # A letter step's print queue (app/collections/letters.py): queued until staff mark it printed.
    printed_at = fields.DatetimeField(null=True)
    printed_by = fields.CharField(max_length=254, default="")
    # The invoices billing its fee and interest when the tenant invoices charges (app/collections/charges.py).
    charge_invoice_ids = fields.JSONField(default=list)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "dunning_message"
        unique_together = (("tenant", "customer", "sent_on"),)
        indexes = (("tenant_id", "run_id"),)


class DunningInvoiceStep(TenantOwned):
    """An invoice had this step of this policy (in ``message``): never again."""

    id = fields.IntField(primary_key=True)
    message = fields.ForeignKeyField("models.DunningMessage", related_name="steps", on_delete=fields.CASCADE)
    invoice = fields.ForeignKeyField("models.Invoice", related_name=False, on_delete=fields.CASCADE)
    policy = fields.CharField(max_length=40)
    step_index = fields.IntField()

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "dunning_invoice_step"
        unique_together = (("invoice", "policy", "step_index"),)
        indexes = (("tenant_id", "invoice_id"),)


class DunningSkip(TenantOwned):
    """A customer a run did not dun, and why (``reason`` is a stable code, ``detail`` says it in words)."""

    id = fields.IntField(primary_key=True)
    run = fields.ForeignKeyField("models.DunningRun", related_name="skips", on_delete=fields.CASCADE)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    reason = fields.CharField(max_length=40)
    detail = fields.TextField(default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "dunning_skip"
        indexes = (("tenant_id", "run_id"),)


class DunningPause(TenantOwned, Timestamped):
    """Staff hold dunning of a customer (``invoice`` null) or of one invoice, until ``resume_on`` (null:
    until someone resumes it) or until ``resumed_at`` is set."""

    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name=False, null=True, on_delete=fields.CASCADE
    )
    reason = fields.TextField()
    resume_on = fields.DateField(null=True)
    paused_by = fields.CharField(max_length=254, default="")
    resumed_at = fields.DatetimeField(null=True)
    resumed_by = fields.CharField(max_length=254, default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "dunning_pause"
        indexes = (("tenant_id", "customer_id"),)


class StatementDelivery(TenantOwned):
    """One customer's statement of one scheduled run: sent (with its email's key) or skipped and why."""

    id = fields.IntField(primary_key=True)
    schedule = fields.CharField(max_length=40)
    as_of = fields.DateField()
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    currency = fields.CharField(max_length=3)
    state = fields.CharField(max_length=12)  # sent | skipped
    reason = fields.CharField(max_length=40, default="")
    email_key = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField()

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "statement_delivery"
        unique_together = (("tenant", "schedule", "as_of", "customer", "currency"),)

"""Payments received and their allocations to invoices (the rest is unapplied cash)."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import PaymentMethod, PaymentStatus


class Payment(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="payments", on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=100)
    received_date = fields.DateField()
    amount = money_field()
    currency = currency_field()
    method = fields.CharEnumField(PaymentMethod, max_length=16, default=PaymentMethod.WIRE)
    reference = fields.CharField(max_length=255, default="")
    stripe_payment_intent_id = fields.CharField(max_length=255, null=True)
    status = fields.CharEnumField(PaymentStatus, max_length=12, default=PaymentStatus.SUCCEEDED)
    # The portal's key for one "pay" click: a repeated click finds this row instead of a second intent.
    idempotency_key = fields.CharField(max_length=100, null=True)
    # How the payment is spread over invoices when it succeeds: "oldest_first" or "as_selected", over these ids.
    allocation_plan = fields.CharField(max_length=16, default="oldest_first")
    # Null, not an empty list, for rows that did not come through the payment service: ERP ingest inserts
    # payments in bulk without the ORM, so a callable default would never reach the database.
    invoice_ids = fields.JSONField(null=True)
    failure_message = fields.CharField(max_length=500, default="")
    # Sum and latest date of this payment's allocations, all dates (maintained by
    # app.receivables.settlement with every allocation write): unapplied now = amount - applied.
    applied = money_field(default=0, db_default=0)
    last_applied_on = fields.DateField(null=True)
    # A refund is its own negative payment row pointing at the payment it gives back, so every figure
    # as of a date before the refund still shows the money received.
    refund_of = fields.ForeignKeyField(
        "models.Payment", related_name="refunds", null=True, on_delete=fields.RESTRICT
    )

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "payment"
        unique_together = (
            ("tenant", "external_id"),
            ("tenant", "stripe_payment_intent_id"),
            ("tenant", "idempotency_key"),
        )
        indexes = (
            ("tenant_id", "customer_id", "received_date"),
            # A period's payments (collections, a trend's months of them) from the index alone, in
            # date order, like the invoices' (tenant_id, issue_date, ...) index.
            ("tenant_id", "received_date", "status", "currency", "amount", "customer_id"),
            ("tenant_id", "last_applied_on"),
            ("customer_id", "last_applied_on"),
            # A page of payments sums its refunds by the refunded payment (there was no index: a scan
            # of the tenant's 155,549 payments took 306 ms of the demo's 388 ms payments page).
            ("tenant_id", "refund_of_id"),
        )


class PaymentAllocation(TenantOwned):
    id = fields.IntField(primary_key=True)
    payment = fields.ForeignKeyField("models.Payment", related_name="allocations", on_delete=fields.CASCADE)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="allocations", on_delete=fields.RESTRICT)
    amount = money_field()
    date = fields.DateField()

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "payment_allocation"
        # (tenant_id, payment_id): a page of payments loads their allocations by payment; SQLite, without
        # statistics, preferred the (tenant_id, date) index for ``tenant_id = ? AND payment_id IN (...)``.
        indexes = (
            ("invoice_id", "date"),
            ("payment_id",),
            ("tenant_id", "date"),
            ("tenant_id", "payment_id"),
        )

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

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "payment"
        unique_together = (("tenant", "external_id"), ("tenant", "stripe_payment_intent_id"))
        indexes = (("tenant_id", "customer_id", "received_date"), ("tenant_id", "received_date"))


class PaymentAllocation(TenantOwned):
    id = fields.IntField(primary_key=True)
    payment = fields.ForeignKeyField("models.Payment", related_name="allocations", on_delete=fields.CASCADE)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="allocations", on_delete=fields.RESTRICT)
    amount = money_field()
    date = fields.DateField()

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "payment_allocation"
        indexes = (("invoice_id", "date"), ("payment_id",))

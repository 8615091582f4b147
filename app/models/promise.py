"""Promises to pay: a customer's commitment to pay an amount by a date, kept or broken."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import PromiseStatus


class PromiseToPay(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="promises", on_delete=fields.RESTRICT
    )
    promised_date = fields.DateField()
    amount = money_field()
    currency = currency_field()
    status = fields.CharEnumField(PromiseStatus, max_length=12, default=PromiseStatus.OPEN)
    note = fields.TextField(default="")
    created_by = fields.CharField(max_length=254, default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "promise_to_pay"
        indexes = (("tenant_id", "status", "promised_date"),)


class PromiseInvoice(TenantOwned):
    """Which invoices a promise covers."""

    id = fields.IntField(primary_key=True)
    promise = fields.ForeignKeyField(
        "models.PromiseToPay", related_name="invoice_links", on_delete=fields.CASCADE
    )
    invoice = fields.ForeignKeyField("models.Invoice", related_name="promise_links", on_delete=fields.CASCADE)

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "promise_invoice"
        unique_together = (("promise", "invoice"),)

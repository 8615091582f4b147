"""Write-offs: amounts of an invoice the tenant gave up collecting."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, money_field


class WriteOff(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="write_offs", on_delete=fields.RESTRICT)
    external_id = fields.CharField(max_length=100)
    date = fields.DateField()
    amount = money_field()
    reason = fields.CharField(max_length=255, default="")

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "write_off"
        unique_together = (("tenant", "external_id"),)
        indexes = (("invoice_id", "date"), ("tenant_id", "date"))

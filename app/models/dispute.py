"""Disputes and deductions: amounts a customer contests, held out of dunning while open."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import DisputeKind, DisputeStatus


class Dispute(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="disputes", on_delete=fields.RESTRICT
    )
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name="disputes", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(DisputeKind, max_length=12, default=DisputeKind.DISPUTE)
    amount = money_field()
    currency = currency_field()
    reason_code = fields.CharField(max_length=50)
    description = fields.TextField(default="")
    status = fields.CharEnumField(DisputeStatus, max_length=20, default=DisputeStatus.OPEN)
    opened_on = fields.DateField()
    sla_due = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    accepted_amount = money_field(null=True)
    resolution_note = fields.TextField(default="")
    external_id = fields.CharField(max_length=100, null=True)
    # Who raised it in the portal (told of the decision), and the thread it is discussed in.
    contact = fields.ForeignKeyField(
        "models.Contact", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    support_request = fields.ForeignKeyField(
        "models.SupportRequest", related_name="disputes", null=True, on_delete=fields.SET_NULL
    )

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "dispute"
        unique_together = (("tenant", "external_id"),)
        # An invoice's open disputes: what they hold out of dunning, probed per open invoice.
        indexes = (("tenant_id", "status"), ("tenant_id", "customer_id"), ("invoice_id", "status"))

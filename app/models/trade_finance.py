"""Letters of credit and bank guarantees that cover a customer's exposure until they expire."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import CoverKind, CoverStatus


class LetterOfCredit(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="letters_of_credit", on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=100)
    kind = fields.CharEnumField(CoverKind, max_length=32, default=CoverKind.LETTER_OF_CREDIT)
    reference = fields.CharField(max_length=100, default="")
    issuing_bank = fields.CharField(max_length=200, default="")
    amount = money_field()
    currency = currency_field()
    issue_date = fields.DateField(null=True)
    expiry_date = fields.DateField()
    status = fields.CharEnumField(CoverStatus, max_length=12, default=CoverStatus.ACTIVE)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "letter_of_credit"
        unique_together = (("tenant", "external_id"),)
        indexes = (("tenant_id", "status", "expiry_date"),)

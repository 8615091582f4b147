"""Due-to / due-from balances with sister entities of the tenant's group."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import IntercompanyDirection


class IntercompanyBalance(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="intercompany_balances", null=True, on_delete=fields.SET_NULL
    )
    external_id = fields.CharField(max_length=100)
    counterparty_entity = fields.CharField(max_length=200)
    direction = fields.CharEnumField(IntercompanyDirection, max_length=10)
    amount = money_field()
    currency = currency_field()
    as_of = fields.DateField()

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "intercompany_balance"
        unique_together = (("tenant", "external_id"),)
        indexes = (("tenant_id", "counterparty_entity", "as_of"),)

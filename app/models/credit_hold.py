"""Credit holds: a customer account on which the tenant stops extending credit until someone releases it.

One row per hold; a released hold keeps its row (who placed it, why, who released it and why) so the history is
what an auditor reads. A customer is "on hold" while any of its holds is unreleased. Dunning skips held customers
and the credit workflows place and release holds; both read them through ``app.credit.holds``.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped
from app.models.enums import CreditHoldSource


class CreditHold(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="credit_holds", on_delete=fields.CASCADE
    )
    source = fields.CharEnumField(CreditHoldSource, max_length=16, default=CreditHoldSource.MANUAL)
    reason = fields.TextField()
    placed_by = fields.CharField(max_length=254, default="")
    placed_at = fields.DatetimeField()
    released_at = fields.DatetimeField(null=True)
    released_by = fields.CharField(max_length=254, default="")
    release_reason = fields.TextField(default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "credit_hold"
        # "Which of these customers are held" filters on the unreleased rows of a tenant.
        indexes = (("tenant_id", "customer_id", "released_at"),)

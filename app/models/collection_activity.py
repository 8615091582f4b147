"""What a collector did about a customer: a call, an email, a meeting or a note, and what came of it."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned


class CollectionActivity(TenantOwned):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=12)  # call | email | meeting | note
    outcome = fields.CharField(max_length=200, default="")
    note = fields.TextField(default="")
    # What it led to, if anything: a promise to pay, a dispute, a follow-up task.
    promise = fields.ForeignKeyField(
        "models.PromiseToPay", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    dispute = fields.ForeignKeyField(
        "models.Dispute", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    task = fields.ForeignKeyField(
        "models.CollectionTask", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    by = fields.CharField(max_length=254)
    at = fields.DatetimeField()

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "collection_activity"
        indexes = (("tenant_id", "customer_id", "at"),)

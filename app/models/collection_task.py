"""Collection tasks: a call a dunning step asks for, or a follow-up a collector set, assigned to someone."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped


class CollectionTask(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=20)  # call | follow_up
    title = fields.CharField(max_length=200)
    due_on = fields.DateField()
    state = fields.CharField(max_length=12, default="open")  # open | done
    assignee = fields.CharField(max_length=254, default="")
    # The dunning message (a call_task step) it came from, if any.
    message = fields.ForeignKeyField(
        "models.DunningMessage", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    completed_at = fields.DatetimeField(null=True)
    completed_by = fields.CharField(max_length=254, default="")
    outcome = fields.TextField(default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "collection_task"
        indexes = (("tenant_id", "state", "due_on"), ("tenant_id", "customer_id"))

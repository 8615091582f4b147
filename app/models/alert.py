"""Alerts raised by rules; ``dedupe_key`` makes re-evaluation idempotent."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped
from app.models.enums import AlertSeverity, AlertStatus


class Alert(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="alerts", null=True, on_delete=fields.CASCADE
    )
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name="alerts", null=True, on_delete=fields.CASCADE
    )
    rule = fields.CharField(max_length=50)
    severity = fields.CharEnumField(AlertSeverity, max_length=10, default=AlertSeverity.WARNING)
    status = fields.CharEnumField(AlertStatus, max_length=12, default=AlertStatus.OPEN)
    dedupe_key = fields.CharField(max_length=200)
    message = fields.CharField(max_length=500)
    details = fields.JSONField(default=dict)
    acknowledged_by = fields.CharField(max_length=254, null=True)
    acknowledged_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=254, null=True)
    resolved_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "alert"
        unique_together = (("tenant", "dedupe_key"),)
        indexes = (("tenant_id", "status", "created_at"),)

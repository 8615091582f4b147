"""The audit trail: who did what, when, from where. Rows are only ever appended."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned


class AuditEvent(TenantOwned):
    id = fields.BigIntField(primary_key=True)
    occurred_at = fields.DatetimeField(auto_now_add=True)
    actor_kind = fields.CharField(max_length=16)
    actor = fields.CharField(max_length=254, default="")
    action = fields.CharField(max_length=64)
    target_type = fields.CharField(max_length=64, default="")
    target_id = fields.CharField(max_length=64, default="")
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")
    details = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        indexes = (("tenant_id", "occurred_at"), ("tenant_id", "action"))

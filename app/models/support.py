"""Billing queries raised by contacts and answered by support staff, with their message thread."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped
from app.models.enums import MessageAuthor, SupportStatus


class SupportRequest(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="support_requests", on_delete=fields.RESTRICT
    )
    contact = fields.ForeignKeyField(
        "models.Contact", related_name="support_requests", null=True, on_delete=fields.SET_NULL
    )
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name="support_requests", null=True, on_delete=fields.SET_NULL
    )
    # Positions of the invoice lines the question is about, when it is about some of them.
    line_positions = fields.JSONField(default=list)
    subject = fields.CharField(max_length=200)
    status = fields.CharEnumField(SupportStatus, max_length=20, default=SupportStatus.OPEN)
    assignee = fields.ForeignKeyField(
        "models.Membership", related_name="assigned_requests", null=True, on_delete=fields.SET_NULL
    )
    sla_due = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "support_request"
        indexes = (("tenant_id", "status"), ("tenant_id", "customer_id"))


class SupportMessage(TenantOwned):
    id = fields.IntField(primary_key=True)
    request = fields.ForeignKeyField(
        "models.SupportRequest", related_name="messages", on_delete=fields.CASCADE
    )
    author_kind = fields.CharEnumField(MessageAuthor, max_length=8)
    contact = fields.ForeignKeyField(
        "models.Contact", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    staff = fields.ForeignKeyField(
        "models.Membership", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    # Internal notes are for staff only and never reach the portal.
    internal = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    customer_path: ClassVar[str | None] = "request__customer_id"

    class Meta:
        table = "support_message"
        indexes = (("request_id", "created_at"),)

"""Alerts: at most one live (not resolved) alert per tenant, customer and rule, plus its history.

A rule's live alert for a customer carries ``live_key = "<rule>:<customer id>"``, unique per tenant
(NULLs do not collide on SQLite or PostgreSQL), and sets it back to NULL when it is resolved: two
concurrent evaluations can insert a live alert only once, and a condition that recurs after its alert
was closed opens a new one beside it. ``dedupe_key`` names each occurrence (unique per tenant, as
before); event alerts raised outside the rules (the portal's ``billing_details_changed``) have no
``live_key`` and stay one per event.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
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
    live_key = fields.CharField(max_length=120, null=True)
    message = fields.CharField(max_length=500)
    details = fields.JSONField(default=dict)
    # The condition's figures, refreshed by every evaluation: what escalation compares and lists sort by.
    level = fields.SmallIntField(
        default=0, db_default=0
    )  # the rule's stage (overdue: threshold passed; KYC: 1 = overdue)
    amount = money_field(null=True)  # base currency minor units; None for rules without an amount
    currency = currency_field(null=True)
    items = fields.IntField(
        default=1, db_default=1
    )  # invoices, disputes, letters, promises or payments affected
    due_on = fields.DateField(null=True)  # the oldest item's due date: days overdue = today - due_on
    escalated_at = fields.DatetimeField(null=True)
    acknowledged_by = fields.CharField(max_length=254, null=True)
    acknowledged_at = fields.DatetimeField(null=True)
    snoozed_until = fields.DateField(null=True)
    resolved_by = fields.CharField(max_length=254, null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolution_note = fields.CharField(max_length=500, null=True)
    # Resolved by a person while the condition still held: no new alert until it clears or gets more severe.
    dismissed = fields.BooleanField(default=False, db_default=False)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "alert"
        unique_together = (("tenant", "dedupe_key"), ("tenant", "live_key"))
        indexes = (("tenant_id", "status", "created_at"), ("tenant_id", "rule", "status"))


class AlertEvent(TenantOwned):
    """One change of an alert, with the figures and status before and after it.

    Kinds: escalated / eased (an evaluation changed the figures), reopened (an escalation re-opened an
    acknowledged or snoozed alert), woken (a snooze ran out), acknowledged, snoozed, resolved (a person),
    closed (the condition cleared)."""

    id = fields.IntField(primary_key=True)
    alert = fields.ForeignKeyField("models.Alert", related_name="events", on_delete=fields.CASCADE)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name=False, null=True, on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=20)
    by = fields.CharField(max_length=254)
    note = fields.CharField(max_length=500, default="")
    before = fields.JSONField(default=dict)
    after = fields.JSONField(default=dict)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "alert_event"
        indexes = (("alert_id", "at"),)

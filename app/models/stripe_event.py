"""Stripe webhook events received, stored once per (tenant, event id) so repeats are ignored."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned


class StripeEvent(TenantOwned):
    id = fields.IntField(primary_key=True)
    event_id = fields.CharField(max_length=255)
    type = fields.CharField(max_length=100)
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)
    payload = fields.JSONField(default=dict)
    # The payment intent the event is about, so events that arrived before their payment can be replayed.
    payment_intent_id = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "stripe_event"
        unique_together = (("tenant", "event_id"),)
        indexes = (("tenant_id", "payment_intent_id"),)

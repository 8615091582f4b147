"""Invitations of further contacts to a customer account, sent by that account's contact admins.

The link carries a random secret of which only a SHA-256 hash is stored; it works once and expires.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned
from app.models.enums import ContactRole


class ContactInvitation(TenantOwned):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.CustomerAccount", related_name=False, on_delete=fields.CASCADE)
    email = fields.CharField(max_length=254)
    role = fields.CharEnumField(ContactRole, max_length=8, default=ContactRole.VIEWER)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by = fields.CharField(max_length=254, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "contact_invitation"

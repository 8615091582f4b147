"""Staff API tokens for machine clients. Only a SHA-256 hash of the secret is stored."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned
from app.models.enums import StaffRole


class ApiToken(TenantOwned):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    role = fields.CharEnumField(StaffRole, max_length=16)
    # First characters of the token, shown in listings so people can tell tokens apart.
    prefix = fields.CharField(max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by = fields.CharField(max_length=254, default="")
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        unique_together = (("tenant", "name"),)

"""Server-side sign-in sessions behind the session cookie.

The cookie carries only a signed random secret; this row holds what it grants, so an admin can revoke a
session and the timeouts are enforced on the server, not trusted to the browser. Only a SHA-256 hash of
the secret is stored, so a leaked database does not leak live sessions.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned


class AuthSession(TenantOwned):
    id = fields.IntField(primary_key=True)
    # "staff" or "contact": which face of the app the session opens.
    kind = fields.CharField(max_length=16)
    membership = fields.ForeignKeyField(
        "models.Membership", related_name=False, null=True, on_delete=fields.CASCADE
    )
    contact = fields.ForeignKeyField(
        "models.Contact", related_name=False, null=True, on_delete=fields.CASCADE
    )
    principal = fields.CharField(max_length=254)
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=300, default="")
    # Kept for the provider's end_session_endpoint (id_token_hint) at sign-out.
    id_token = fields.TextField(default="")

    class Meta:
        table = "auth_session"
        indexes = (("tenant_id", "kind"),)

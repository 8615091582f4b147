"""Staff people and their membership (with a role) in a tenant.

A staff user is a person; a membership makes that person part of one tenant's team. Linking to the
tenant's identity provider happens on the membership, since each tenant brings its own provider.
"""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned, Timestamped
from app.models.enums import StaffRole


class StaffUser(Timestamped):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")

    class Meta:
        table = "staff_user"


class Membership(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.StaffUser", related_name="memberships", on_delete=fields.CASCADE)
    role = fields.CharEnumField(StaffRole, max_length=16)
    oidc_issuer = fields.CharField(max_length=300, null=True)
    oidc_subject = fields.CharField(max_length=255, null=True)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "membership"
        unique_together = (("tenant", "user"), ("tenant", "oidc_issuer", "oidc_subject"))

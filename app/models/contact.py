"""Contacts: the customers' own people who use the portal, and which accounts each may act for."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped
from app.models.enums import ContactRole


class Contact(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=200, default="")
    phone = fields.CharField(max_length=50, default="")
    oidc_issuer = fields.CharField(max_length=300, null=True)
    oidc_subject = fields.CharField(max_length=255, null=True)

    customer_path: ClassVar[str | None] = "accesses__customer_id"

    class Meta:
        table = "contact"
        unique_together = (("tenant", "email"), ("tenant", "oidc_issuer", "oidc_subject"))


class ContactAccess(TenantOwned, Timestamped):
    """A contact's role on one customer account (many-to-many with a role)."""

    id = fields.IntField(primary_key=True)
    contact = fields.ForeignKeyField("models.Contact", related_name="accesses", on_delete=fields.CASCADE)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="contact_accesses", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(ContactRole, max_length=8, default=ContactRole.VIEWER)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "contact_access"
        unique_together = (("contact", "customer"),)

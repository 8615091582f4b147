"""Shared bases for models: timestamps, and the tenant foreign key every tenant-owned table carries.

``TenantOwned`` is how the tenancy rules find their tables: the isolation tests and the repository lint
walk its subclasses, and ``customer_path`` tells the scoping function how to restrict a portal caller
to its own customer accounts (``None`` means the model is not customer-specific and is hidden from them).
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.models import Model


class Timestamped(Model):
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantOwned(Model):
    """A row that belongs to exactly one tenant; queried only through ``app.db.scoping.scoped``."""

    tenant = fields.ForeignKeyField("models.Tenant", related_name=False, on_delete=fields.CASCADE)

    # Lookup path from this model to the customer account id, for contact scopes.
    customer_path: ClassVar[str | None] = None

    class Meta:
        abstract = True


def money_field(**kwargs) -> fields.BigIntField:
    """An amount in the minor unit of the currency stored beside it (USD 12.34 -> 1234)."""
    return fields.BigIntField(**kwargs)


def currency_field(**kwargs) -> fields.CharField:
    """An ISO 4217 currency code."""
    return fields.CharField(max_length=3, **kwargs)

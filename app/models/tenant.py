"""The tenant: a selling company. Its row mirrors ``tenants/<slug>.toml`` and is synced from it."""

from __future__ import annotations

from tortoise import fields

from app.models.base import Timestamped, currency_field


class Tenant(Timestamped):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=63, unique=True)
    name = fields.CharField(max_length=200)
    base_currency = currency_field()
    timezone = fields.CharField(max_length=64, default="UTC")

    class Meta:
        table = "tenant"

    def __str__(self) -> str:
        return self.slug

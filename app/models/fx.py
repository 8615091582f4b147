"""Exchange rates to the tenant's base currency; a figure uses the latest rate on or before its date."""

from __future__ import annotations

from tortoise import fields

from app.models.base import TenantOwned, currency_field


class FxRate(TenantOwned):
    id = fields.IntField(primary_key=True)
    currency = currency_field()
    date = fields.DateField()
    # Units of base currency per one unit of ``currency`` (EUR 1.08 in a USD tenant).
    rate = fields.DecimalField(max_digits=20, decimal_places=10)

    class Meta:
        table = "fx_rate"
        unique_together = (("tenant", "currency", "date"),)

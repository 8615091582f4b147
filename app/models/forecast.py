"""The pay-date model each tenant's forecasts use (app/forecast, docs/forecast.md).

One row per training run; the latest by ``trained_at`` answers. The model itself (``payload``) is
joblib bytes written and read only by ``app.forecast`` (never accepted from outside), beside what a
reviewer needs without unpickling it: the training day, how many rows it learned from, its features'
importances and metrics.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned


class StoredPayDateModel(TenantOwned):
    id = fields.IntField(primary_key=True)
    trained_at = fields.DatetimeField()
    # The day whose facts it was trained on (the tenant's date, not the UTC timestamp above).
    as_of = fields.DateField()
    rows = fields.IntField(default=0)
    payload = fields.BinaryField()
    # {feature: increase in MAE (days) when shuffled}
    importances = fields.JSONField(default=dict)
    # {"training_rows": n, "training_mae_days": x, ...}
    metrics = fields.JSONField(default=dict)

    # The tenant's own derived data: no customer contact sees it.
    customer_path: ClassVar[str | None] = None

    class Meta:
        table = "pay_date_model"
        indexes = (("tenant_id", "trained_at"),)

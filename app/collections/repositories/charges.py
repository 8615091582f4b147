"""The charge invoices' lookup (app/collections/charges.py)."""

from __future__ import annotations

from app.db.scoping import scoped
from app.models import Invoice
from app.scope import Scope

# Ids bound into one IN (...) at most: PostgreSQL refuses a statement with more than 32,767 parameters.
KEY_CHUNK = 10_000


async def invoice_ids(scope: Scope, external_ids: list[str]) -> dict[str, int]:
    """The ids of the caller's invoices with these external ids."""
    ids: dict[str, int] = {}
    for start in range(0, len(external_ids), KEY_CHUNK):
        chunk = external_ids[start : start + KEY_CHUNK]
        for row in await scoped(Invoice, scope).filter(external_id__in=chunk).values("id", "external_id"):
            ids[row["external_id"]] = row["id"]
    return ids

"""The few reads the real-time side needs, each starting from the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable

from app.db.scoping import scoped
from app.models.credit_note import CreditNote
from app.models.customer import CustomerAccount
from app.models.invoice import Invoice
from app.models.payment import Payment
from app.scope import Scope

#: Ingest record types whose rows belong to one customer each.
OWNED = {"invoices": Invoice, "creditNotes": CreditNote, "payments": Payment}
_CHUNK = 5_000  # below SQLite's limit on bound parameters


async def customers_of(scope: Scope, model, ids: Iterable[int]) -> set[int]:
    """The distinct customers owning the rows ``ids`` of ``model``."""
    ids = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = (
            await scoped(model, scope).filter(id__in=chunk).distinct().values_list("customer_id", flat=True)
        )
        found.update(rows)
    return found


async def customer_visible(scope: Scope, customer_id: int) -> bool:
    """Whether a query in ``scope`` would find this customer (the sales owner rule reads the row)."""
    return await scoped(CustomerAccount, scope).filter(id=customer_id).exists()

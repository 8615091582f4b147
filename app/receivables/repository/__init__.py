"""Every receivables aggregate, in SQL, as of a date (metrics.md "Open amount" and "Aging").

One module per kind of figure, all built on ``open_items`` (the invoices and cash open or unapplied as of
a date, shared by every as-of figure):

- ``as_of``: aging, unapplied cash, customer counts, disputes and cover as of one date;
- ``month_ends``: aging and unapplied cash as of several dates in one pass (a trend);
- ``period``: credit sales (also per month), profitability and collections of a period;
- ``customer_page``: customers ordered and filtered by their figures;
- ``invoice_lists``: invoices with their open amounts as of a date;
- ``settled``: settled invoices and their settlement dates (payment behaviour);
- ``export_rows``: every invoice as of a date in keyset chunks (exports of any size).

Callers import this package; the names below are its whole surface.
"""

from __future__ import annotations

from app.receivables.repository.as_of import (
    as_of_aggregates,
    cover_by_customer,
    open_by_bucket,
    open_disputes,
    open_totals,
    unapplied,
)
from app.receivables.repository.customer_page import CustomerOrder, customer_page
from app.receivables.repository.export_rows import invoice_chunk
from app.receivables.repository.invoice_lists import (
    InvoiceOrder,
    invoice_page,
    open_invoices_due_before,
    open_invoices_of,
    open_items_of,
)
from app.receivables.repository.month_ends import month_end_aggregates
from app.receivables.repository.open_items import GroupBy
from app.receivables.repository.period import (
    credit_sales,
    monthly_collections,
    monthly_credit_sales,
    profitability,
)
from app.receivables.repository.settled import payment_behaviour, settled_between

__all__ = [
    "CustomerOrder",
    "GroupBy",
    "InvoiceOrder",
    "as_of_aggregates",
    "cover_by_customer",
    "credit_sales",
    "customer_page",
    "invoice_chunk",
    "invoice_page",
    "month_end_aggregates",
    "monthly_collections",
    "monthly_credit_sales",
    "open_by_bucket",
    "open_disputes",
    "open_invoices_due_before",
    "open_invoices_of",
    "open_items_of",
    "open_totals",
    "payment_behaviour",
    "profitability",
    "settled_between",
    "unapplied",
]

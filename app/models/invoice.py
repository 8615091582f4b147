"""Invoices and their lines. Totals are stored as issued.

What is open as of a date is total - settlements dated on or before it. ``settled`` and
``last_settlement_on`` (and ``first_settlement_on``) keep the sum and the latest (earliest) date of ALL settlements (succeeded payments'
allocations, credit applications, write-offs), maintained by ``app.receivables.settlement`` in the same
transaction as every write of them, so as-of figures start from what is open now and add back only the
settlements dated after the as-of date (few, for a recent date) instead of summing every movement.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import InvoiceStatus


class Invoice(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="invoices", on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=100)
    number = fields.CharField(max_length=50)
    issue_date = fields.DateField()
    due_date = fields.DateField()
    currency = currency_field()
    subtotal = money_field(default=0)
    tax = money_field(default=0)
    total = money_field(default=0)
    status = fields.CharEnumField(InvoiceStatus, max_length=12, default=InvoiceStatus.OPEN)
    po_number = fields.CharField(max_length=100, default="")
    # Sum of all settlements of this invoice (maintained, see the module docstring). Open now = total - settled.
    settled = money_field(default=0, db_default=0)
    # Date of the latest settlement, null when none: an as-of date on or after it needs no adding back.
    last_settlement_on = fields.DateField(null=True)
    # Date of the earliest settlement (maintained likewise): equal to the latest, the invoice was settled
    # on one day, so a trend places all of ``settled`` there without reading its movements.
    first_settlement_on = fields.DateField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "invoice"
        unique_together = (("tenant", "number"), ("tenant", "external_id"))
        indexes = (
            ("tenant_id", "status", "due_date"),
            # A customer's invoices, and those of a period (its sales, profitability) by index alone.
            ("tenant_id", "customer_id", "issue_date"),
            # A period's invoices (credit sales, and the countback's 24 months of them) from the index
            # alone, in date order: no read of the table, and per-day sums without a sort.
            ("tenant_id", "issue_date", "currency", "status", "total", "customer_id"),
            # Invoices with settlements after a date, and what a trend needs of them, from the index
            # alone: one-day settlements (first = last) are placed without reading their movements.
            Index(
                fields=(
                    "tenant_id",
                    "last_settlement_on",
                    "first_settlement_on",
                    "issue_date",
                    "status",
                    "currency",
                    "due_date",
                    "settled",
                    "customer_id",
                ),
                name="invoice_settled_after",
            ),
            ("customer_id", "last_settlement_on"),
        )


class InvoiceLine(TenantOwned):
    id = fields.IntField(primary_key=True)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="lines", on_delete=fields.CASCADE)
    position = fields.IntField()
    description = fields.CharField(max_length=500, default="")
    quantity = fields.DecimalField(max_digits=18, decimal_places=4, default=1)
    # Unit price in minor units of the invoice currency.
    unit_price = money_field(default=0)
    # Net line amount (quantity x unit price, rounded half-even), minor units.
    amount = money_field(default=0)
    tax = money_field(default=0)
    # Cost of what was sold on this line, for margin; null when the source system does not send it.
    cost = money_field(null=True)

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "invoice_line"
        unique_together = (("invoice", "position"),)

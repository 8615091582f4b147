"""Spreading a payment over invoices: pure arithmetic, so the rule is testable without a database.

No invoice ever receives more than its open amount; what is left is unapplied credit on the customer's
account. The caller passes open amounts read under a row lock, so the plan holds when it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class AllocationPlan(StrEnum):
    #: Earliest due date first (then the oldest invoice id), the usual remittance rule.
    OLDEST_FIRST = "oldest_first"
    #: In the order the payer listed the invoices.
    AS_SELECTED = "as_selected"


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    customer_id: int
    number: str
    due_date: date
    currency: str
    total: int
    open_amount: int


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    amount: int


def allocate(
    invoices: list[OpenInvoice], amount: int, plan: AllocationPlan, selected: list[int] | None = None
) -> tuple[list[Allocation], int]:
    """The allocations of ``amount`` over ``invoices`` and the unapplied rest."""
    if plan == AllocationPlan.AS_SELECTED and selected:
        position = {invoice_id: i for i, invoice_id in enumerate(selected)}
        ordered = sorted(invoices, key=lambda inv: (position.get(inv.id, len(position)), inv.id))
    else:
        ordered = sorted(invoices, key=lambda inv: (inv.due_date, inv.id))
    left = amount
    out: list[Allocation] = []
    for invoice in ordered:
        share = min(left, max(invoice.open_amount, 0))
        if share > 0:
            out.append(Allocation(invoice.id, share))
            left -= share
    return out, left

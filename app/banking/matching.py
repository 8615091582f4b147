"""Scoring who paid and for what: pure functions over the tenant's customers and open invoices.

Every credit line gets ranked candidates. A candidate is a customer and an allocation over its open
invoices, with a score from 0 to 100 and the reasons, so a person in the exceptions queue sees why, and
the threshold in the tenant file decides what posts alone. The score is
``0.4 x customer evidence + 0.6 x invoice evidence`` (docs/cash-application.md has the table):

- customer evidence (points, capped at 100): payer account on file 60; remittance names its invoices 60
  (by digits alone 40) or a PO 40; names its account number 40; payer name equal 40, similar 25; the
  payer account being on file for *another* customer takes 30 off.
- invoice evidence: named invoices whose open total equals the amount 100, short-paid 80, overpaid 75
  (10 less when named by digits alone); one open invoice of exactly the amount 70; exactly one subset of
  open invoices summing to it 65; otherwise oldest first 25. Ambiguous versions score far less.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from app.banking.references import ReferenceIndex, normal_name

MAX_SUBSET_INVOICES = 18
MAX_SUBSET_SIZE = 6
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class CustomerInfo:
    id: int
    name: str
    account_number: str
    external_id: str


@dataclass(frozen=True)
class InvoiceInfo:
    id: int
    customer_id: int
    number: str
    po_number: str
    due_date: date
    currency: str
    open_amount: int


@dataclass(frozen=True)
class LineFacts:
    amount: int
    currency: str
    payer_name: str = ""
    payer_account: str = ""
    remittance: str = ""


@dataclass
class Candidate:
    customer_id: int
    customer_name: str
    #: (invoice id, invoice number, amount allocated), in the order they are paid.
    allocations: list[tuple[int, str, int]]
    unapplied: int
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def invoice_ids(self) -> list[int]:
        return [a[0] for a in self.allocations]

    def as_json(self) -> dict:
        return {
            "customerId": self.customer_id,
            "customerName": self.customer_name,
            "allocations": [{"invoiceId": i, "number": n, "amount": a} for i, n, a in self.allocations],
            "unapplied": self.unapplied,
            "score": self.score,
            "reasons": self.reasons,
        }


class Book:
    """What one import matches against: the tenant's customers, open invoices and payer accounts."""

    def __init__(
        self, customers: list[CustomerInfo], invoices: list[InvoiceInfo], accounts: dict[str, int]
    ) -> None:
        self.customers = {c.id: c for c in customers}
        self.accounts = accounts
        self.invoices_of: dict[int, list[InvoiceInfo]] = {}
        self.by_number: dict[str, InvoiceInfo] = {}
        self.by_po: dict[str, list[InvoiceInfo]] = {}
        for invoice in sorted(invoices, key=lambda i: (i.due_date, i.id)):
            self.invoices_of.setdefault(invoice.customer_id, []).append(invoice)
            self.by_number[invoice.number] = invoice
            if invoice.po_number:
                self.by_po.setdefault(invoice.po_number, []).append(invoice)
        self.invoice_refs = ReferenceIndex(self.by_number)
        self.po_refs = ReferenceIndex(self.by_po)
        self.account_refs = ReferenceIndex(
            n for c in customers for n in (c.account_number, c.external_id) if len(n) >= 4
        )
        self.account_owner = {}
        for c in customers:
            for n in (c.account_number, c.external_id):
                self.account_owner.setdefault(n, c.id)
        self.names: dict[str, list[int]] = {}
        for c in customers:
            self.names.setdefault(normal_name(c.name), []).append(c.id)


class _Evidence:
    def __init__(self) -> None:
        self.points = 0
        self.reasons: list[str] = []
        self.named: list[InvoiceInfo] = []
        self.weak_only = True

    def add(self, points: int, reason: str) -> None:
        self.points += points
        self.reasons.append(reason)


def _customer_evidence(book: Book, line: LineFacts) -> dict[int, _Evidence]:
    found: dict[int, _Evidence] = {}

    def of(customer_id: int) -> _Evidence:
        return found.setdefault(customer_id, _Evidence())

    owner = book.accounts.get(line.payer_account) if line.payer_account else None
    if owner is not None:
        of(owner).add(60, f"payer account {line.payer_account} is on file for this customer")
    for hit in book.invoice_refs.find(line.remittance):
        invoice = book.by_number[hit.key]
        evidence = of(invoice.customer_id)
        evidence.named.append(invoice)
        evidence.weak_only = evidence.weak_only and not hit.exact
    for evidence in found.values():
        if evidence.named:
            numbers = ", ".join(i.number for i in evidence.named)
            if evidence.weak_only:
                evidence.add(40, f"remittance names {numbers} by its digits")
            else:
                evidence.add(60, f"remittance names {numbers}")
    for hit in book.po_refs.find(line.remittance):
        invoices = book.by_po[hit.key]
        for customer_id in {i.customer_id for i in invoices}:
            evidence = of(customer_id)
            evidence.add(40, f"remittance names PO {hit.key}")
            evidence.named += [
                i for i in invoices if i.customer_id == customer_id and i not in evidence.named
            ]
            evidence.weak_only = False
    for hit in book.account_refs.find(line.remittance):
        if hit.exact and hit.key in book.account_owner:
            of(book.account_owner[hit.key]).add(40, f"remittance names account {hit.key}")
    name = normal_name(line.payer_name)
    if name:
        for customer_id in book.names.get(name, []):
            of(customer_id).add(40, f"payer name {line.payer_name!r} equals the customer's")
        if name not in book.names:
            for close in difflib.get_close_matches(name, list(book.names), n=3, cutoff=0.85):
                ratio = difflib.SequenceMatcher(None, name, close).ratio()
                for customer_id in book.names[close]:
                    of(customer_id).add(
                        25, f"payer name {line.payer_name!r} resembles the customer's ({ratio:.2f})"
                    )
    if owner is not None:
        for customer_id, evidence in found.items():
            if customer_id != owner:
                evidence.add(-30, "the payer account is on file for another customer")
    return found


def _spread(invoices: list[InvoiceInfo], amount: int) -> tuple[list[tuple[int, str, int]], int]:
    """``amount`` over ``invoices`` in their order, never more than is open (the payment service's rule)."""
    left, out = amount, []
    for invoice in invoices:
        share = min(left, invoice.open_amount)
        if share > 0:
            out.append((invoice.id, invoice.number, share))
            left -= share
    return out, left


def _subsets(
    invoices: list[InvoiceInfo], amount: int, limit: int = 2, smallest: int = 2
) -> list[tuple[InvoiceInfo, ...]]:
    """Up to ``limit`` sets of ``smallest``..MAX_SUBSET_SIZE of the oldest invoices whose open amounts sum
    to ``amount`` (bounded: the 18 oldest, at most 6 together, so a line costs milliseconds)."""
    pool = [i for i in invoices if 0 < i.open_amount <= amount][:MAX_SUBSET_INVOICES]
    out = []
    for size in range(smallest, min(MAX_SUBSET_SIZE, len(pool)) + 1):
        for combo in combinations(pool, size):
            if sum(i.open_amount for i in combo) == amount:
                out.append(combo)
                if len(out) >= limit:
                    return out
    return out


def _proposals(
    evidence: _Evidence, invoices: list[InvoiceInfo], amount: int
) -> list[tuple[int, list, int, str]]:
    """(invoice score, allocations, unapplied, reason) for one customer."""
    out = []
    named = sorted(
        {i.id: i for i in evidence.named if i in invoices}.values(), key=lambda i: (i.due_date, i.id)
    )
    if named:
        total = sum(i.open_amount for i in named)
        allocations, rest = _spread(named, amount)
        penalty = 10 if evidence.weak_only else 0
        exact_subsets = [] if total == amount else _subsets(named, amount, limit=2, smallest=1)
        if total == amount:
            out.append(
                (100 - penalty, allocations, rest, "the amount equals the open total of the named invoices")
            )
        elif len(exact_subsets) == 1:
            combo = exact_subsets[0]
            numbers = ", ".join(i.number for i in combo)
            out.append(
                (
                    95 - penalty,
                    [(i.id, i.number, i.open_amount) for i in combo],
                    0,
                    f"of the named invoices, {numbers} sum to the amount",
                )
            )
        elif amount < total:
            out.append(
                (80 - penalty, allocations, rest, f"short-paid by {total - amount}: the rest stays open")
            )
        else:
            out.append((75 - penalty, allocations, rest, f"overpaid by {amount - total}: unapplied cash"))
    exact = [i for i in invoices if i.open_amount == amount]
    for invoice in exact[:3]:
        if len(exact) == 1:
            out.append(
                (
                    70,
                    [(invoice.id, invoice.number, amount)],
                    0,
                    f"the amount equals the open amount of {invoice.number}",
                )
            )
        else:
            out.append(
                (
                    40,
                    [(invoice.id, invoice.number, amount)],
                    0,
                    f"one of {len(exact)} invoices of this amount",
                )
            )
    subsets = _subsets(invoices, amount)
    for combo in subsets:
        numbers = ", ".join(i.number for i in combo)
        score = 65 if len(subsets) == 1 else 35
        out.append(
            (score, [(i.id, i.number, i.open_amount) for i in combo], 0, f"{numbers} sum to the amount")
        )
    if invoices:
        allocations, rest = _spread(invoices, amount)
        out.append((25, allocations, rest, "spread over open invoices oldest first"))
    else:
        out.append((10, [], amount, "no open invoices in this currency: all unapplied cash"))
    return out


def candidates(book: Book, line: LineFacts) -> list[Candidate]:
    """Ranked candidates for a credit line, best first; empty when nothing points at any customer."""
    found: list[Candidate] = []
    for customer_id, evidence in _customer_evidence(book, line).items():
        customer_points = max(0, min(100, evidence.points))
        if customer_points <= 0:
            continue
        invoices = [i for i in book.invoices_of.get(customer_id, []) if i.currency == line.currency]
        for invoice_points, allocations, unapplied, reason in _proposals(evidence, invoices, line.amount):
            found.append(
                Candidate(
                    customer_id=customer_id,
                    customer_name=book.customers[customer_id].name,
                    allocations=allocations,
                    unapplied=unapplied,
                    score=round(0.4 * customer_points + 0.6 * invoice_points),
                    reasons=[*evidence.reasons, reason],
                )
            )
    if not found:
        # Nothing names a customer: invoices of exactly this amount are the only (weak) suggestions.
        for invoice in [
            i for i in book.by_number.values() if i.currency == line.currency and i.open_amount == line.amount
        ][:3]:
            found.append(
                Candidate(
                    customer_id=invoice.customer_id,
                    customer_name=book.customers[invoice.customer_id].name,
                    allocations=[(invoice.id, invoice.number, line.amount)],
                    unapplied=0,
                    score=24,
                    reasons=["unknown payer", f"only the amount equals the open amount of {invoice.number}"],
                )
            )
    unique: dict[tuple, Candidate] = {}
    for c in sorted(found, key=lambda c: -c.score):
        unique.setdefault((c.customer_id, tuple(c.invoice_ids)), c)
    return list(unique.values())[:MAX_CANDIDATES]


def decide(ranked: list[Candidate], threshold: int, margin: int) -> Candidate | None:
    """The candidate to post without a person, or None: the best must reach the threshold and lead the
    runner-up by the margin."""
    if not ranked or ranked[0].score < threshold:
        return None
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < margin:
        return None
    return ranked[0]

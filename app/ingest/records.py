"""First pass over a batch: every record's own fields, normalised to what the database stores.

Nothing here looks at stored data; references stay external ids (``customer_ref``) until validation
resolves them. Amounts become minor units, so from here on money is integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from app.ingest.fields import RecordReader
from app.ingest.format import FIELDS, NESTED, SOURCE_KEY, Batch
from app.ingest.problems import Problem
from app.inputs import money
from app.models.enums import (
    ContactRole,
    CoverKind,
    CoverStatus,
    DisputeKind,
    DisputeStatus,
    IntercompanyDirection,
    InvoiceStatus,
    KycStatus,
    OnboardingStatus,
    PaymentMethod,
    RiskRating,
)

Record = dict[str, Any]
QUANTITY_PLACES = 4
#: Whole digits of a quantity: the column is numeric(18, 4), and no order line needs ten billion units.
QUANTITY_DIGITS = 10
QUANTITY_CEILING = Decimal(10) ** QUANTITY_DIGITS
RATE_PLACES = 10


@dataclass
class Parsed:
    """The batch after the first pass: normalised records per record type, and the problems found."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    base_currency: str = "USD"

    def of(self, record_type: str) -> list[Record]:
        return self.records.get(record_type, [])


def _where(reader: RecordReader) -> Record:
    return {"_i": reader.index, "_src": reader.source}


def line_amount(quantity: Decimal, unit_price: int) -> int:
    """Net amount of a line in minor units: quantity x unit price, rounded half-even."""
    return int((quantity * unit_price).to_integral_value(rounding=ROUND_HALF_EVEN))


def _fx_rate(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    day = r.day("date")
    rate = r.decimal("rate", positive=True)
    if rate is not None and (rate.as_tuple().exponent < -RATE_PLACES or abs(rate) >= 10**10):
        r.problem(
            "rate", "invalid_decimal", f"rate allows at most {RATE_PLACES} decimals and 10 whole digits"
        )
        rate = None
    if None in (currency, day, rate):
        return None
    return {**_where(r), "currency": currency, "date": day, "rate": rate}


def _customer(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    country = r.country()
    contacts = []
    for position, raw in enumerate(r.items("contacts")):
        c = r.child("contacts", position, raw)
        c.check_fields(NESTED[("customers", "contacts")])
        email = c.email("email")
        name, role = c.text("name", max_length=200), c.choice("role", ContactRole, ContactRole.VIEWER)
        contacts.append((email, name, role))
    record = {
        **_where(r),
        "external_id": r.reference("externalId"),
        "account_number": r.text("accountNumber", required=True, max_length=50),
        "legal_name": r.text("name", required=True),
        "region": r.text("region", max_length=50),
        "country": country,
        "segment": r.text("segment", max_length=50),
        "currency": currency,
        "payment_terms_days": r.integer("paymentTermsDays", default=30),
        # Credit limits are in the tenant's base currency.
        "credit_limit": r.money("creditLimit", base, required=False, positive=False),
        "risk_rating": r.choice("riskRating", RiskRating, RiskRating.C),
        "parent_ref": r.reference("parent", required=False) or None,
        "sales_owner": r.text("salesOwner", max_length=254),
        "kyc_status": r.choice("kycStatus", KycStatus, KycStatus.NOT_STARTED),
        "kyc_next_review": r.day("kycNextReview", required=False),
        # Not a column: an account created not approved opens an onboarding application (app/credit/onboarding.py).
        "onboarding_status": r.choice("onboardingStatus", OnboardingStatus, OnboardingStatus.APPROVED),
        "contacts": contacts,
    }
    if record["credit_limit"] is not None and record["credit_limit"] < 0:
        r.problem("creditLimit", "must_be_positive", "creditLimit must not be negative")
    return record


def _invoice(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    lines = []
    for position, raw in enumerate(r.items("lines", required=True)):
        c = r.child("lines", position, raw)
        c.check_fields(NESTED[("invoices", "lines")])
        quantity = c.decimal("quantity", required=False) if "quantity" in raw else Decimal(1)
        if quantity is not None and (
            quantity.as_tuple().exponent < -QUANTITY_PLACES or abs(quantity) >= QUANTITY_CEILING
        ):
            c.problem(
                "quantity",
                "invalid_decimal",
                f"quantity allows at most {QUANTITY_PLACES} decimals and {QUANTITY_DIGITS} whole digits",
            )
            quantity = None
        unit_price = c.money("unitPrice", currency, positive=False)
        tax = c.money("taxAmount", currency, required=False, positive=False) or 0
        cost = c.money("cost", currency, required=False, positive=False)
        description = c.text("description", max_length=500, multiline=True)
        if quantity is not None and unit_price is not None and currency is not None:
            # quantity x unit price is where two amounts within bounds make one beyond them.
            amount = c.within_ceiling("unitPrice", line_amount(quantity, unit_price), currency)
            if amount is not None:
                lines.append((position + 1, description, quantity, unit_price, amount, tax, cost))
    subtotal = sum(line[4] for line in lines)
    tax_total = sum(line[5] for line in lines)
    total = subtotal + tax_total
    if currency is not None and not money.within_ceiling(total):
        r.problem(
            "lines",
            "amount_out_of_range",
            f"the invoice total is beyond the largest amount accepted ({money.ceiling(currency)} {currency})",
        )
    given = r.money("total", currency, required=False, positive=False) if currency else None
    if given is not None and len(lines) == len(r.raw.get("lines") or []) and given != total:
        r.problem(
            "total",
            "total_mismatch",
            f"total {r.raw['total']} disagrees with the lines ({total} minor units)",
        )
    if lines and total < 0:
        r.problem("lines", "must_be_positive", "the invoice total must not be negative")
    issue, due = r.day("issueDate"), r.day("dueDate")
    if issue and due and due < issue:
        r.problem("dueDate", "due_before_issue", "dueDate is before issueDate")
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "number": r.text("number", required=True, max_length=50),
        "customer_ref": r.reference("customer"),
        "issue_date": issue,
        "due_date": due,
        "currency": currency,
        "po_number": r.text("poNumber", max_length=100),
        "status": r.choice("status", InvoiceStatus, InvoiceStatus.OPEN),
        "subtotal": subtotal,
        "tax": tax_total,
        "total": total,
        "lines": lines,
    }


def _settlements(r: RecordReader, list_field: str, currency: str | None, default_day: date | None) -> list:
    """``appliesTo`` / ``allocations``: (invoice ref, minor amount, date), date defaulting to the parent's."""
    out = []
    for position, raw in enumerate(r.items(list_field)):
        c = r.child(list_field, position, raw)
        c.check_fields(("invoice", "amount", "date"))
        invoice = c.reference("invoice")
        amount = c.money("amount", currency)
        day = c.day("date", required=False) or default_day
        if invoice and amount is not None and day:
            out.append((invoice, amount, day, position))
    return out


def _credit_note(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    day = r.day("date")
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "number": r.text("number", required=True, max_length=50),
        "customer_ref": r.reference("customer"),
        "date": day,
        "currency": currency,
        "amount": r.money("amount", currency),
        "reason": r.text("reason", multiline=True),
        "settlements": _settlements(r, "appliesTo", currency, day),
    }


def _payment(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    day = r.day("receivedDate")
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "customer_ref": r.reference("customer"),
        "received_date": day,
        "currency": currency,
        "amount": r.money("amount", currency),
        "method": r.choice("method", PaymentMethod, PaymentMethod.WIRE),
        "reference": r.text("reference"),
        "settlements": _settlements(r, "allocations", currency, day),
    }


def _write_off(r: RecordReader, base: str) -> Record | None:
    # The amount is in the invoice's currency, known only once the reference is resolved.
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "invoice_ref": r.reference("invoice"),
        "date": r.day("date"),
        "amount_decimal": r.decimal("amount", positive=True),
        "reason": r.text("reason", multiline=True),
    }


def _dispute(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "customer_ref": r.reference("customer"),
        "invoice_ref": r.reference("invoice", required=False) or None,
        "kind": r.choice("kind", DisputeKind, DisputeKind.DISPUTE),
        "amount": r.money("amount", currency),
        "currency": currency,
        "reason_code": r.text("reasonCode", required=True, max_length=50),
        "description": r.text("description", max_length=10_000, multiline=True),
        "status": r.choice("status", DisputeStatus, DisputeStatus.OPEN),
        "opened_on": r.day("openedOn"),
    }


def _letter_of_credit(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "customer_ref": r.reference("customer"),
        "kind": r.choice("kind", CoverKind, CoverKind.LETTER_OF_CREDIT),
        "reference": r.text("reference", max_length=100),
        "issuing_bank": r.text("issuingBank", max_length=200),
        "amount": r.money("amount", currency),
        "currency": currency,
        "issue_date": r.day("issueDate", required=False),
        "expiry_date": r.day("expiryDate"),
        "status": r.choice("status", CoverStatus, CoverStatus.ACTIVE),
    }


def _intercompany(r: RecordReader, base: str) -> Record | None:
    currency = r.currency()
    return {
        **_where(r),
        "external_id": r.reference("externalId"),
        "customer_ref": r.reference("customer", required=False) or None,
        "counterparty_entity": r.text("counterpartyEntity", required=True, max_length=200),
        "direction": r.choice("direction", IntercompanyDirection, None),
        "amount": r.money("amount", currency, positive=False),
        "currency": currency,
        "as_of": r.day("asOf"),
    }


PARSERS = {
    "fxRates": _fx_rate,
    "customers": _customer,
    "invoices": _invoice,
    "creditNotes": _credit_note,
    "payments": _payment,
    "writeOffs": _write_off,
    "disputes": _dispute,
    "lettersOfCredit": _letter_of_credit,
    "intercompanyBalances": _intercompany,
}


def parse(batch: Batch, base_currency: str) -> Parsed:
    """Normalise every record; a record with any problem is still kept (as far as it could be read) so
    later checks can report more, but the batch as a whole will be refused."""
    parsed = Parsed(base_currency=base_currency)
    for record_type, parser in PARSERS.items():
        out: list[Record] = []
        for index, raw in enumerate(batch.get(record_type) or []):
            if not isinstance(raw, dict):
                parsed.problems.append(
                    Problem(record_type, index, None, "invalid_type", "expected an object")
                )
                continue
            reader = RecordReader(record_type, index, raw, parsed.problems, raw.get(SOURCE_KEY))
            reader.check_fields(FIELDS[record_type])
            record = parser(reader, base_currency)
            if record is not None:
                out.append(record)
        parsed.records[record_type] = out
    return parsed

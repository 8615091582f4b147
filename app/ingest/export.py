"""Exporting a tenant's data in the batch format, so it can be re-imported unchanged (lossless round trip).

Money is written with the currency's decimals, quantities and rates without trailing zeros, and fields
that are not set are left out, which is exactly what the importer reads back as the same values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.auth.permissions import require
from app.ingest import repository
from app.ingest.format import Batch, empty_batch
from app.ingest.tables import CONTACTS, TABLES
from app.money import format_decimal_string
from app.scope import Scope
from app.tenancy.service import current_tenant


def plain_decimal(value: Decimal) -> str:
    """``Decimal("2.5000")`` -> ``"2.5"``, ``Decimal("10.0000")`` -> ``"10"`` (never exponent notation)."""
    return format(value.normalize(), "f")


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _money(minor: int | None, currency: str) -> str | None:
    return None if minor is None else format_decimal_string(minor, currency)


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


async def export_batch(scope: Scope) -> Batch:
    """Every record of the caller's tenant as one batch (the shape ``import_batch`` takes)."""
    require(scope, "ingest.write")
    base = (await current_tenant(scope)).base_currency
    rows = {t: await repository.export_rows(scope, table) for t, table in TABLES.items()}
    customer_ext = {r["id"]: r["external_id"] for r in rows["customers"]}
    invoices = {r["id"]: r for r in rows["invoices"]}
    contacts = {r["id"]: r for r in await repository.export_rows(scope, CONTACTS)}
    accesses = await repository.export_children(scope, "customers")
    lines = await repository.export_children(scope, "invoices")
    applications = await repository.export_children(scope, "creditNotes")
    allocations = await repository.export_children(scope, "payments")
    batch = empty_batch()

    def settlements(items: list[tuple], currency: str) -> list[dict[str, Any]] | None:
        out = [
            {"invoice": invoices[i]["external_id"], "amount": _money(a, currency), "date": _day(d)}
            for i, a, d in items
        ]
        return out or None

    batch["fxRates"] = [
        {"currency": r["currency"], "date": _day(r["date"]), "rate": plain_decimal(r["rate"])}
        for r in rows["fxRates"]
    ]
    for r in rows["customers"]:
        people = [
            {"email": contacts[c]["email"], "name": contacts[c]["name"], "role": role}
            for c, role in accesses.get(r["id"], [])
        ]
        batch["customers"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "accountNumber": r["account_number"],
                    "name": r["legal_name"],
                    "region": r["region"],
                    "country": r["country"],
                    "segment": r["segment"],
                    "currency": r["currency"],
                    "paymentTermsDays": r["payment_terms_days"],
                    "creditLimit": _money(r["credit_limit"], base),
                    "riskRating": r["risk_rating"],
                    "parent": customer_ext.get(r["parent_id"]),
                    "salesOwner": r["sales_owner"],
                    "kycStatus": r["kyc_status"],
                    "kycNextReview": _day(r["kyc_next_review"]),
                    "contacts": people or None,
                }
            )
        )
    for r in rows["invoices"]:
        cur = r["currency"]
        items = [
            _compact(
                {
                    "description": description,
                    "quantity": plain_decimal(quantity),
                    "unitPrice": _money(unit_price, cur),
                    "taxAmount": _money(tax, cur),
                    "cost": _money(cost, cur),
                }
            )
            for _, description, quantity, unit_price, _, tax, cost in sorted(lines.get(r["id"], []))
        ]
        batch["invoices"].append(
            {
                "externalId": r["external_id"],
                "number": r["number"],
                "customer": customer_ext[r["customer_id"]],
                "issueDate": _day(r["issue_date"]),
                "dueDate": _day(r["due_date"]),
                "currency": cur,
                "poNumber": r["po_number"],
                "status": r["status"],
                "lines": items,
                "total": _money(r["total"], cur),
            }
        )
    for r in rows["creditNotes"]:
        batch["creditNotes"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "number": r["number"],
                    "customer": customer_ext[r["customer_id"]],
                    "date": _day(r["date"]),
                    "currency": r["currency"],
                    "amount": _money(r["amount"], r["currency"]),
                    "reason": r["reason"],
                    "appliesTo": settlements(applications.get(r["id"], []), r["currency"]),
                }
            )
        )
    for r in rows["payments"]:
        batch["payments"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "customer": customer_ext[r["customer_id"]],
                    "receivedDate": _day(r["received_date"]),
                    "currency": r["currency"],
                    "amount": _money(r["amount"], r["currency"]),
                    "method": r["method"],
                    "reference": r["reference"],
                    "allocations": settlements(allocations.get(r["id"], []), r["currency"]),
                }
            )
        )
    for r in rows["writeOffs"]:
        invoice = invoices[r["invoice_id"]]
        batch["writeOffs"].append(
            {
                "externalId": r["external_id"],
                "invoice": invoice["external_id"],
                "date": _day(r["date"]),
                "amount": _money(r["amount"], invoice["currency"]),
                "reason": r["reason"],
            }
        )
    for r in rows["disputes"]:
        batch["disputes"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "customer": customer_ext[r["customer_id"]],
                    "invoice": invoices[r["invoice_id"]]["external_id"] if r["invoice_id"] else None,
                    "kind": r["kind"],
                    "amount": _money(r["amount"], r["currency"]),
                    "currency": r["currency"],
                    "reasonCode": r["reason_code"],
                    "description": r["description"],
                    "status": r["status"],
                    "openedOn": _day(r["opened_on"]),
                }
            )
        )
    for r in rows["lettersOfCredit"]:
        batch["lettersOfCredit"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "customer": customer_ext[r["customer_id"]],
                    "kind": r["kind"],
                    "reference": r["reference"],
                    "issuingBank": r["issuing_bank"],
                    "amount": _money(r["amount"], r["currency"]),
                    "currency": r["currency"],
                    "issueDate": _day(r["issue_date"]),
                    "expiryDate": _day(r["expiry_date"]),
                    "status": r["status"],
                }
            )
        )
    for r in rows["intercompanyBalances"]:
        batch["intercompanyBalances"].append(
            _compact(
                {
                    "externalId": r["external_id"],
                    "customer": customer_ext.get(r["customer_id"]),
                    "counterpartyEntity": r["counterparty_entity"],
                    "direction": r["direction"],
                    "amount": _money(r["amount"], r["currency"]),
                    "currency": r["currency"],
                    "asOf": _day(r["as_of"]),
                }
            )
        )
    return {t: records for t, records in batch.items() if records}

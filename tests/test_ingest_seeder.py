"""The demo seeder: deterministic for a seed, current, and showing every behaviour the dashboards need."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app import clock
from app.ingest.export import export_batch
from app.ingest.seeder import seed_batches, seed_tenant

TODAY = date(2026, 11, 23)


def invoice_total(invoice: dict) -> Decimal:
    return sum(
        Decimal(line["quantity"]) * Decimal(line["unitPrice"]) + Decimal(line["taxAmount"])
        for line in invoice["lines"]
    )


def merged(base: str, customers: int, months: int, seed: int) -> dict[str, list]:
    out: dict[str, list] = {}
    for batch in seed_batches(base, customers, months, seed, TODAY):
        for record_type, records in batch.items():
            out.setdefault(record_type, []).extend(records)
    return out


def test_given_the_same_seed_then_the_same_data_and_another_seed_differs():
    assert merged("USD", 60, 6, 3) == merged("USD", 60, 6, 3)
    assert merged("USD", 60, 6, 3) != merged("USD", 60, 6, 4)


def test_given_a_distributor_then_every_behaviour_is_present_and_dated_up_to_today():
    data = merged("USD", 400, 24, 1)
    invoices = {i["externalId"]: i for i in data["invoices"]}
    paid = {a["invoice"] for p in data["payments"] for a in p.get("allocations", [])}
    late = [
        p
        for p in data["payments"]
        for a in p.get("allocations", [])
        if date.fromisoformat(p["receivedDate"]) - date.fromisoformat(invoices[a["invoice"]]["dueDate"])
        > timedelta(days=30)
    ]
    near_expiry = [
        lc for lc in data["lettersOfCredit"] if date.fromisoformat(lc["expiryDate"]) <= TODAY + timedelta(30)
    ]
    kyc_due = [
        c for c in data["customers"] if date.fromisoformat(c["kycNextReview"]) <= TODAY + timedelta(30)
    ]

    assert {i["currency"] for i in data["invoices"]} == {"USD", "EUR", "GBP", "JPY"}
    assert {c["region"] for c in data["customers"]} == {"AMER", "EMEA", "APAC"}
    assert {r["currency"] for r in data["fxRates"]} == {"EUR", "GBP", "JPY"}
    assert max(date.fromisoformat(i["issueDate"]) for i in data["invoices"]) <= TODAY
    assert max(r["date"] for r in data["fxRates"]) == TODAY.isoformat()
    assert late and near_expiry and kyc_due and data["disputes"] and data["creditNotes"] and data["writeOffs"]
    assert any("allocations" not in p for p in data["payments"])  # cash on account
    partial = [
        a
        for p in data["payments"]
        for a in p.get("allocations", [])
        if Decimal(a["amount"]) < invoice_total(invoices[a["invoice"]])
    ]
    assert partial  # partial payers
    assert set(invoices) - paid  # some invoices are still open
    open_usd: dict[str, Decimal] = {}
    for invoice in data["invoices"]:
        if invoice["currency"] == "USD":
            open_usd[invoice["customer"]] = open_usd.get(invoice["customer"], Decimal(0)) + invoice_total(
                invoice
            )
    settlements = [(p["customer"], a["amount"]) for p in data["payments"] for a in p.get("allocations", [])]
    settlements += [(n["customer"], a["amount"]) for n in data["creditNotes"] for a in n["appliesTo"]]
    owner = {i["externalId"]: i["customer"] for i in data["invoices"]}
    settlements += [(owner[w["invoice"]], w["amount"]) for w in data["writeOffs"]]
    for customer, amount in settlements:
        if customer in open_usd:
            open_usd[customer] -= Decimal(amount)
    limits = {c["externalId"]: Decimal(c["creditLimit"]) for c in data["customers"]}
    assert any(amount > limits[customer] for customer, amount in open_usd.items())  # over their limit
    assert all(line["cost"] for i in data["invoices"] for line in i["lines"])
    assert any(c.get("parent") for c in data["customers"])


def test_given_a_subscription_vendor_then_invoices_are_monthly_in_euros():
    data = merged("EUR", 20, 12, 1)

    assert {i["currency"] for i in data["invoices"]} == {"EUR"}
    assert len(data["invoices"]) == 20 * 12
    assert data["fxRates"] == []


async def test_given_a_tenant_when_seeded_twice_then_the_second_run_changes_nothing(scope_a, scope_b):
    first = await seed_tenant(scope_a, customers=30, months=6, seed=5, today=TODAY)
    second = await seed_tenant(scope_a, customers=30, months=6, seed=5, today=TODAY)

    assert first.counts["customers"].created == 30 and first.counts["invoices"].created > 30
    assert sum(c.created + c.updated for c in second.counts.values()) == 0
    assert await export_batch(scope_b) == {}


# The seeder dates everything from the tenant's today: month starts, a rate dated today, invoices issued
# up to today. Edges where that went wrong or could: the 1st (today is a month start), a leap day, the
# last day of the year (already the 1st in Berlin while still the 31st in Chicago).
EDGE_MOMENTS = {
    "the 1st of a month": datetime(2026, 12, 1, 7, 0, tzinfo=UTC),
    "a leap day": datetime(2028, 2, 29, 18, 0, tzinfo=UTC),
    "the 31st of December": datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
}


@pytest.mark.parametrize("moment", EDGE_MOMENTS.values(), ids=EDGE_MOMENTS.keys())
async def test_given_any_calendar_day_when_seeding_then_the_batches_import_and_end_on_the_tenants_today(
    scope_a, scope_b, moment
):
    with clock.frozen(moment):
        for scope, zone in ((scope_a, "America/Chicago"), (scope_b, "Europe/Berlin")):
            today = moment.astimezone(ZoneInfo(zone)).date()

            result = await seed_tenant(scope, customers=25, months=14, seed=7)

            exported = await export_batch(scope)
            assert result.counts["customers"].created == 25
            assert max(date.fromisoformat(i["issueDate"]) for i in exported["invoices"]) <= today
            assert max(date.fromisoformat(p["receivedDate"]) for p in exported["payments"]) <= today
            if scope is scope_a:  # a distributor invoicing in four currencies has rates to today
                assert max(r["date"] for r in exported["fxRates"]) == today.isoformat()

"""The maintained settlement sums (app/receivables/settlement.py) behind every as-of figure.

Every as-of query starts from what is open now (``invoice.total - settled``, ``payment.amount - applied``)
and adds back movements dated after the as-of date. These tests pin down that each writer keeps the sums
exact (ingest, re-import, the payment service, refunds), that a rejected batch leaves them untouched, that
figures as of a date before a later settlement are unchanged, that a drifted row is found and repaired,
that the upgrade backfills existing rows, and that the open-now partial index is what the queries use.
(conftest's ``db`` fixture also asserts no drift after every database test, whatever path it wrote.)
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from app.customers.filters import CustomerFilter
from app.db.sql import as_date, execute, fetch_all
from app.errors import ValidationFailed
from app.ingest.service import import_batch
from app.models import CreditNote, Invoice, Payment
from app.models.enums import PaymentMethod
from app.payments.allocation import AllocationPlan
from app.payments.service import PaymentRequest, apply_payment, reverse_for_refund
from app.receivables import repository, service, settlement
from app.receivables.buckets import buckets_from_edges
from app.tenancy.registry import TenantRegistry
from tests import builders as b
from tests.ingest_batches import in_euro_tenant, worked_example

ROOT = Path(__file__).resolve().parent.parent


async def sums(model, scope, **key) -> tuple[int, date | None]:
    row = await model.filter(tenant_id=scope.tenant_id, **key).first()
    if model is Invoice:
        return row.settled, row.last_settlement_on
    return row.applied, row.last_applied_on


async def test_given_the_worked_example_imported_then_each_row_holds_the_sum_and_date_of_its_movements(
    scope_a, scope_b
):
    await import_batch(scope_a, worked_example())
    await import_batch(scope_b, in_euro_tenant(worked_example()))

    assert await sums(Invoice, scope_a, number="INV-1") == (40000, date(2026, 4, 15))
    assert await sums(Invoice, scope_a, number="INV-2") == (0, None)
    assert await sums(Invoice, scope_a, number="INV-3") == (20000, date(2026, 6, 10))
    assert await sums(Payment, scope_a, external_id="PAY-1") == (40000, date(2026, 4, 15))
    assert await sums(Payment, scope_a, external_id="PAY-2") == (0, None)
    assert await sums(CreditNote, scope_a, number="CN-1") == (20000, date(2026, 6, 10))
    # Tenant B's identical import has its own rows and its own sums.
    assert await sums(Invoice, scope_b, number="INV-1") == (40000, date(2026, 4, 15))


async def test_given_a_reimport_that_moves_an_allocation_then_the_old_invoice_reopens_and_the_new_settles(
    scope_a,
):
    await import_batch(scope_a, worked_example())
    moved = worked_example()
    moved["payments"][0]["allocations"] = [{"invoice": "INV-3", "amount": "400.00", "date": "2026-06-25"}]

    await import_batch(scope_a, moved)

    assert await sums(Invoice, scope_a, number="INV-1") == (0, None)
    assert await sums(Invoice, scope_a, number="INV-3") == (60000, date(2026, 6, 25))
    assert await sums(Payment, scope_a, external_id="PAY-1") == (40000, date(2026, 6, 25))


async def test_given_a_write_off_moved_to_another_invoice_then_both_invoices_follow(scope_a):
    batch = worked_example()
    batch["writeOffs"] = [{"externalId": "WO-1", "invoice": "INV-2", "date": "2026-06-30", "amount": "5.00"}]
    await import_batch(scope_a, batch)
    assert await sums(Invoice, scope_a, number="INV-2") == (500, date(2026, 6, 30))

    batch["writeOffs"][0]["invoice"] = "INV-1"
    await import_batch(scope_a, batch)

    assert await sums(Invoice, scope_a, number="INV-2") == (0, None)
    assert await sums(Invoice, scope_a, number="INV-1") == (40500, date(2026, 6, 30))


async def test_given_a_rejected_batch_then_no_maintained_sum_changes(scope_a):
    await import_batch(scope_a, worked_example())
    bad = worked_example()
    bad["payments"][1]["allocations"] = [{"invoice": "INV-2", "amount": "150.00", "date": "2026-06-20"}]
    bad["invoices"][0]["currency"] = "XXX"  # one bad record: the whole batch is refused

    with pytest.raises(ValidationFailed):
        await import_batch(scope_a, bad)

    assert await sums(Invoice, scope_a, number="INV-2") == (0, None)
    assert await sums(Payment, scope_a, external_id="PAY-2") == (0, None)


async def test_given_a_payment_and_its_refund_then_sums_follow_and_the_earlier_date_is_unchanged(scope_a):
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 100000, "2026-05-01", "2026-05-31")
    request = PaymentRequest(
        customer_id=cust.id,
        external_id="CARD-1",
        amount=100000,
        currency="USD",
        received_date=date(2026, 6, 1),
        method=PaymentMethod.CARD,
        plan=AllocationPlan.AS_SELECTED,
        invoice_ids=[inv.id],
    )
    payment = await apply_payment(scope_a, request)
    assert await sums(Invoice, scope_a, id=inv.id) == (100000, date(2026, 6, 1))

    await reverse_for_refund(scope_a, payment, 30000, date(2026, 6, 20), "refund-1")

    assert await sums(Invoice, scope_a, id=inv.id) == (70000, date(2026, 6, 20))
    flt = CustomerFilter(customer_ids=frozenset({cust.id}))
    buckets = buckets_from_edges([0, 30, 60, 90])
    for as_of, open_amount in (
        (date(2026, 6, 10), 0),
        (date(2026, 6, 30), 30000),
        (date(2026, 5, 15), 100000),
    ):
        rows = await repository.open_by_bucket(scope_a, flt, as_of, buckets)
        assert sum(r["amount"] for r in rows) == open_amount, as_of


async def test_given_an_invoice_settled_after_the_as_of_date_then_it_is_open_as_of_that_date_everywhere(
    scope_a, registry: TenantRegistry
):
    """The add-back path: settled now, but by movements dated after the as-of date."""
    config = registry.require("northwind").config
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 50000, "2026-03-01", "2026-03-31")
    note = await b.credit_note(scope_a, cust, 10000, "2026-04-20", apply=[(inv, 10000, "2026-04-20")])
    await b.write_off(scope_a, inv, 5000, "2026-05-05")
    await b.payment(scope_a, cust, 35000, "2026-05-10", allocate=[(inv, 35000, "2026-05-10")])
    assert await sums(Invoice, scope_a, id=inv.id) == (50000, date(2026, 5, 10))

    expected = {
        date(2026, 4, 1): 50000,
        date(2026, 4, 20): 40000,
        date(2026, 5, 5): 35000,
        date(2026, 5, 10): 0,
        date(2026, 6, 30): 0,
    }
    for as_of, open_amount in expected.items():
        summary = await service.ar_summary(scope_a, config, as_of=as_of)
        assert summary.base.total_open == open_amount, as_of
        balances, _ = await service.balances_by_customer(scope_a, config, [cust.id], as_of)
        assert balances[cust.id].base.total_open == open_amount, as_of
        page = await repository.invoice_page(
            scope_a, CustomerFilter(), as_of, order=repository.InvoiceOrder.NUMBER, offset=0, limit=10
        )
        assert [(r["invoice_id"], int(r["open_amount"])) for r in page] == [(inv.id, open_amount)], as_of
    # The credit note was fully applied on 2026-04-20: unapplied credit before that, none after.
    assert await sums(CreditNote, scope_a, id=note.id) == (10000, date(2026, 4, 20))
    for as_of, unapplied in ((date(2026, 4, 19), 0), (date(2026, 4, 20), 0)):
        rows = await repository.unapplied(scope_a, CustomerFilter(), as_of)
        assert sum(r["amount"] for r in rows) == unapplied
    settled = await repository.settled_between(scope_a, CustomerFilter(), date(2026, 6, 30), date(2026, 1, 1))
    assert [(r["invoice_id"], str(r["settled_on"])) for r in settled] == [(inv.id, "2026-05-10")]
    assert (
        await repository.settled_between(scope_a, CustomerFilter(), date(2026, 5, 9), date(2026, 1, 1)) == []
    )


async def test_given_cash_applied_after_the_as_of_date_then_it_was_unapplied_then(scope_a):
    cust = await b.customer(scope_a)
    inv = await b.invoice(scope_a, cust, 20000, "2026-05-01", "2026-05-31")
    await b.payment(scope_a, cust, 30000, "2026-05-02", allocate=[(inv, 20000, "2026-05-20")])
    flt = CustomerFilter()
    for as_of, unapplied in ((date(2026, 5, 1), 0), (date(2026, 5, 10), 30000), (date(2026, 5, 20), 10000)):
        rows = await repository.unapplied(scope_a, flt, as_of)
        assert sum(r["amount"] for r in rows) == unapplied, as_of
        selective = await repository.unapplied(
            scope_a, CustomerFilter(customer_ids=frozenset({cust.id})), as_of
        )
        assert sum(r["amount"] for r in selective) == unapplied, as_of


async def test_given_a_drifted_row_then_drift_names_it_and_a_rebuild_repairs_only_that_tenant(
    scope_a, scope_b
):
    await import_batch(scope_a, worked_example())
    await import_batch(scope_b, in_euro_tenant(worked_example()))
    inv = await Invoice.filter(tenant_id=scope_a.tenant_id, number="INV-1").first()
    await execute("UPDATE invoice SET settled = 1 WHERE id = :id", {"id": inv.id})

    drifted = await settlement.drift(scope_a.tenant_id)
    assert [(r["table"], r["id"], int(r["stored"]), int(r["actual"])) for r in drifted] == [
        ("invoice", inv.id, 1, 40000)
    ]
    assert await settlement.drift(scope_b.tenant_id) == []

    async with in_transaction() as conn:
        await settlement.refresh(scope_a.tenant_id, whole_tenant=True, conn=conn)
    assert await settlement.drift(scope_a.tenant_id) == []
    assert await sums(Invoice, scope_a, number="INV-1") == (40000, date(2026, 4, 15))


async def test_given_a_wrong_first_settlement_date_then_drift_names_it_and_a_refresh_repairs_it(
    scope_a, scope_b
):
    """The earliest date is maintained with the sum (by an import's new rows and by every writer's
    refresh): a trend trusts first = last to mean one day of settlements."""
    from tests import builders

    await import_batch(scope_a, worked_example())
    await import_batch(scope_b, in_euro_tenant(worked_example()))
    imported = await Invoice.filter(tenant_id=scope_a.tenant_id, number="INV-1").first()
    assert (imported.first_settlement_on, imported.last_settlement_on) == (
        date(2026, 4, 15),
        date(2026, 4, 15),
    )
    cust = await builders.customer(scope_a, "Two dates")
    inv = await builders.invoice(scope_a, cust, 100000, "2026-01-05", "2026-02-04", number="TWO-DATES")
    await builders.payment(scope_a, cust, 60000, "2026-02-01", allocate=[(inv, 60000, "2026-02-01")])
    await builders.credit_note(scope_a, cust, 40000, "2026-03-05", apply=[(inv, 40000, "2026-03-05")])
    assert await Invoice.get(id=inv.id).values_list("first_settlement_on", "last_settlement_on") == (
        date(2026, 2, 1),
        date(2026, 3, 5),
    )

    await execute(
        "UPDATE invoice SET first_settlement_on = last_settlement_on WHERE id = :id", {"id": inv.id}
    )
    drifted = await settlement.drift(scope_a.tenant_id)
    assert [(r["id"], as_date(r["stored_first"]), as_date(r["actual_first"])) for r in drifted] == [
        (inv.id, date(2026, 3, 5), date(2026, 2, 1))
    ]
    assert await settlement.drift(scope_b.tenant_id) == []

    async with in_transaction() as conn:
        await settlement.refresh(scope_a.tenant_id, invoice_ids=[inv.id], conn=conn)
    assert await settlement.drift(scope_a.tenant_id) == []
    assert (await Invoice.get(id=inv.id)).first_settlement_on == date(2026, 2, 1)


async def test_the_open_now_partial_index_is_what_open_item_queries_use(db, scope_a):
    sql = "SELECT i.id FROM invoice i WHERE i.tenant_id = :tenant_id AND i.total <> i.settled"
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        async with in_transaction():
            await execute("SET LOCAL enable_seqscan = off", {})
            plan = await fetch_all(f"EXPLAIN {sql}", {"tenant_id": scope_a.tenant_id})
    else:
        plan = await fetch_all(f"EXPLAIN QUERY PLAN {sql}", {"tenant_id": scope_a.tenant_id})
    assert "invoice_open_now" in " ".join(str(v) for row in plan for v in row.values())


_UPGRADE = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from app.db.config import tortoise_config

async def main():
    try:
        await migrate(config=tortoise_config(sys.argv[1]), target=sys.argv[2] if len(sys.argv) > 2 else None)
    finally:
        await Tortoise.close_connections()

asyncio.run(main())
"""


def test_upgrading_a_database_with_movements_backfills_every_sum(tmp_path):
    path = tmp_path / "upgrade.sqlite3"
    url = f"sqlite://{path}"

    def migrate(*target: str) -> None:
        done = subprocess.run(
            [sys.executable, "-c", _UPGRADE, url, *target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    migrate("models.0004_stripe_payments")
    with sqlite3.connect(path) as db:
        stamp = "'2026-01-01 00:00:00', '2026-01-01 00:00:00'"
        db.executescript(f"""
INSERT INTO tenant (id, slug, name, base_currency, timezone, created_at, updated_at)
  VALUES (1, 't', 'T', 'USD', 'UTC', {stamp});
INSERT INTO customer_account (id, tenant_id, external_id, account_number, legal_name, region, country, segment,
    currency, payment_terms_days, risk_rating, kyc_status, onboarding_status, is_intercompany, sales_owner,
    billing_address, billing_email, tax_id, created_at, updated_at)
  VALUES (1, 1, 'C', 'ACC', 'C Ltd', '', 'US', '', 'USD', 30, 'B', 'approved', 'approved', 0, '', '', '', '',
    {stamp});
INSERT INTO invoice (id, tenant_id, customer_id, external_id, number, issue_date, due_date, currency, subtotal,
    tax, total, status, po_number, created_at, updated_at)
  VALUES (1, 1, 1, 'I1', 'I-1', '2026-01-01', '2026-01-31', 'USD', 1000, 0, 1000, 'open', '', {stamp}),
         (2, 1, 1, 'I2', 'I-2', '2026-01-01', '2026-01-31', 'USD', 1000, 0, 1000, 'open', '', {stamp});
INSERT INTO payment (id, tenant_id, customer_id, external_id, received_date, amount, currency, method, reference,
    status, allocation_plan, failure_message, created_at, updated_at)
  VALUES (1, 1, 1, 'P1', '2026-02-01', 900, 'USD', 'wire', '', 'succeeded', 'oldest_first', '', {stamp}),
         (2, 1, 1, 'P2', '2026-02-05', 300, 'USD', 'card', '', 'failed', 'oldest_first', '', {stamp});
INSERT INTO payment_allocation (id, tenant_id, payment_id, invoice_id, amount, date)
  VALUES (1, 1, 1, 1, 600, '2026-02-01'), (2, 1, 1, 2, 200, '2026-02-03'), (3, 1, 2, 2, 300, '2026-02-05');
INSERT INTO write_off (id, tenant_id, invoice_id, external_id, date, amount, reason, created_at, updated_at)
  VALUES (1, 1, 1, 'W1', '2026-03-01', 50, '', {stamp});
""")
    migrate()

    with sqlite3.connect(path) as db:
        invoices = db.execute("SELECT id, settled, last_settlement_on FROM invoice ORDER BY id").fetchall()
        firsts = db.execute("SELECT id, first_settlement_on FROM invoice ORDER BY id").fetchall()
        payments = db.execute("SELECT id, applied, last_applied_on FROM payment ORDER BY id").fetchall()
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    # The failed payment's allocation settles nothing, but it is still that payment's applied amount.
    assert invoices == [(1, 650, "2026-03-01"), (2, 200, "2026-02-03")]
    # Migration 0022's backfill: the earliest settlement, the failed payment's allocation not among them.
    assert firsts == [(1, "2026-02-01"), (2, "2026-02-03")]
    assert payments == [(1, 800, "2026-02-03"), (2, 300, "2026-02-05")]
    assert {"invoice_open_now", "payment_unapplied_now", "credit_note_unapplied_now"} <= indexes


async def test_given_a_new_payment_then_the_next_summary_and_customer_page_reflect_it_at_once(
    scope_a, registry: TenantRegistry
):
    """Nothing here is a cache that could lag: the writer's refresh is part of the payment's transaction."""
    from app.customers.service import list_customers
    from app.receivables.repository import CustomerOrder

    config = registry.require("northwind").config
    first = await b.customer(scope_a, "First")
    second = await b.customer(scope_a, "Second")
    await b.invoice(scope_a, first, 90000, "2026-05-01", "2026-05-31")
    await b.invoice(scope_a, second, 50000, "2026-05-01", "2026-05-31")
    as_of = date(2026, 6, 30)

    async def ranking() -> list[str]:
        items, _ = await list_customers(scope_a, config, as_of=as_of, order=CustomerOrder.NET_BALANCE)
        return [i.customer.legal_name for i in items]

    assert (await service.ar_summary(scope_a, config, as_of=as_of)).base.total_open == 140000
    assert await ranking() == ["First", "Second"]

    await apply_payment(
        scope_a,
        PaymentRequest(
            customer_id=first.id,
            external_id="WIRE-1",
            amount=60000,
            currency="USD",
            received_date=as_of,
            method=PaymentMethod.WIRE,
        ),
    )

    assert (await service.ar_summary(scope_a, config, as_of=as_of)).base.total_open == 80000
    assert await ranking() == ["Second", "First"]


async def test_a_fresh_import_inserts_its_rows_with_their_sums_already_right(scope_a, monkeypatch):
    """A bulk import writes the sums with the rows (no second pass over a million invoices); the
    refresh after it only has to confirm them."""
    from app.ingest import service as ingest_service

    async def no_refresh(*args, **kwargs):
        return None

    monkeypatch.setattr(ingest_service.settlement, "refresh", no_refresh)
    batch = worked_example()
    batch["writeOffs"] = [{"externalId": "WO-1", "invoice": "INV-2", "date": "2026-06-30", "amount": "5.00"}]

    await import_batch(scope_a, batch)

    assert await settlement.drift(scope_a.tenant_id) == []
    assert await sums(Invoice, scope_a, number="INV-2") == (500, date(2026, 6, 30))


async def test_given_a_stored_payment_moved_to_a_new_invoice_then_the_new_invoice_is_settled(scope_a):
    """The one case where a new invoice's sum is not known from new rows alone: a stored payment."""
    await import_batch(scope_a, worked_example())
    batch = worked_example()
    batch["invoices"].append(
        {**batch["invoices"][0], "externalId": "INV-9", "number": "INV-9", "total": "500.00",
         "lines": [{"description": "Fuses", "quantity": "1", "unitPrice": "500.00"}]}
    )  # fmt: skip
    batch["payments"][0]["allocations"] = [{"invoice": "INV-9", "amount": "400.00", "date": "2026-05-02"}]

    await import_batch(scope_a, batch)

    assert await sums(Invoice, scope_a, number="INV-9") == (40000, date(2026, 5, 2))
    assert await sums(Invoice, scope_a, number="INV-1") == (0, None)
    assert await settlement.drift(scope_a.tenant_id) == []

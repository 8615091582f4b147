"""Scheduled statement emails: on its day at 07:00 in the tenant's time zone, each customer with a balance
(or every customer) gets its statement as of the day before, once; a customer without a billing email is
listed as skipped with the reason. Two tenants: each emails only its own customers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.collections import repository as collections_repository
from app.errors import ConfigError
from app.jobs import schedules
from app.tenancy.registry import TenantFile, TenantRegistry
from app.tenancy.statements import StatementEmails
from tests import builders
from tests.background import run_jobs
from tests.documents_data import pdf_text
from tests.mailbox import body_of, mailbox  # noqa: F401 - the fixture
from tests.test_tenant_files import tenants_dir  # noqa: F401 - a copy of tenants/ to break


def with_statements(registry: TenantRegistry, **values) -> TenantRegistry:
    files = []
    for slug in ("northwind", "cloudly"):
        found = registry.require(slug)
        config = found.config.model_copy(
            update={"statement_emails": [StatementEmails(name="monthly", **values)]}
        )
        files.append(TenantFile(found.path, config))
    return TenantRegistry(files)


def statements(messages) -> list:
    return [m for m in messages if m["X-Ledgerport-Template"] == "statement"]


async def test_on_the_1st_each_customer_with_a_balance_gets_its_statement_once(
    mailbox,  # noqa: F811 - the fixture
    registry,
    scope_a,
    scope_b,
):
    tenants = with_statements(registry)
    owing = await builders.customer(scope_a, "Owing", billing_email="ap@owing.example")
    await builders.invoice(scope_a, owing, 120000, "2026-02-10", "2026-03-10", number="O-1")
    silent = await builders.customer(scope_a, "Silent")  # a balance, but no billing email
    await builders.invoice(scope_a, silent, 5000, "2026-02-10", "2026-03-10")
    settled = await builders.customer(scope_a, "Settled", billing_email="ap@settled.example")
    paid = await builders.invoice(scope_a, settled, 5000, "2026-02-10", "2026-03-10")
    await builders.payment(scope_a, settled, 5000, "2026-02-20", allocate=[(paid, 5000, "2026-02-20")])
    later = await builders.customer(scope_a, "Later", billing_email="ap@later.example")
    await builders.invoice(scope_a, later, 5000, "2026-03-01", "2026-03-31")  # issued after 28 February
    kunde = await builders.customer(scope_b, "Kunde", currency="EUR", billing_email="ap@kunde.example")
    await builders.invoice(scope_b, kunde, 30000, "2026-02-02", "2026-03-02", currency="EUR")

    # 07:30 in Chicago on 1 March (13:30 UTC); a second worker's tick; then later in the month
    for moment in (datetime(2026, 3, 1, 13, 30, tzinfo=UTC), datetime(2026, 3, 1, 13, 31, tzinfo=UTC)):
        with clock.frozen(moment):
            await schedules.tick(tenants)
            await run_jobs(tenants)
    with clock.frozen(datetime(2026, 3, 20, 13, 30, tzinfo=UTC)):
        await schedules.tick(tenants)
        await run_jobs(tenants)

    sent = statements(mailbox)
    assert sorted(m["To"] for m in sent) == ["ap@kunde.example", "ap@owing.example"]
    mine = next(m for m in sent if m["To"] == "ap@owing.example")
    assert (
        " ".join(mine["Subject"].split())
        == f"Northwind Components Ltd: your statement of account {owing.account_number} as of 2026-02-28"
    )
    text = next(body_of(p) for p in mine.walk() if p.get_content_type() == "text/plain")
    assert "Balance due: USD 1200.00" in text
    (pdf,) = [p for p in mine.walk() if p.get_filename()]
    assert pdf.get_filename() == f"statement-{owing.account_number}-2026-02-28.pdf"
    content = pdf_text(pdf.get_payload(decode=True))
    assert "O-1" in content and "Kunde" not in content
    rows = await collections_repository.statement_deliveries(scope_a, "monthly", date(2026, 2, 28))
    assert {(r.customer_id, r.state, r.reason) for r in rows} == {
        (owing.id, "sent", ""),
        (silent.id, "skipped", "no_billing_email"),
    }
    theirs = await collections_repository.statement_deliveries(scope_b, "monthly", date(2026, 2, 28))
    assert [(r.customer_id, r.state) for r in theirs] == [(kunde.id, "sent")]


async def test_audience_all_includes_customers_without_a_balance(
    mailbox,  # noqa: F811 - the fixture
    registry,
    scope_a,
    scope_b,
):
    tenants = with_statements(registry, audience="all", kind="activity")
    quiet = await builders.customer(scope_a, "Quiet", billing_email="ap@quiet.example")
    await builders.customer(scope_b, "Theirs")

    with clock.frozen(datetime(2026, 3, 1, 13, 30, tzinfo=UTC)):
        await schedules.tick(tenants)
        await run_jobs(tenants)

    assert [m["To"] for m in statements(mailbox)] == ["ap@quiet.example"]
    rows = await collections_repository.statement_deliveries(scope_a, "monthly", date(2026, 2, 28))
    assert [(r.customer_id, r.state) for r in rows] == [(quiet.id, "sent")]
    rows_b = await collections_repository.statement_deliveries(scope_b, "monthly", date(2026, 2, 28))
    assert [(r.state, r.reason) for r in rows_b] == [("skipped", "no_billing_email")]


@pytest.mark.parametrize(
    ("entry", "field", "problem"),
    [
        ('name = "monthly"\nday = 31', "statement_emails[0].day", "a day of the month (1-28)"),
        ('name = "monthly"\nkind = "aging"', "statement_emails[0].kind", "Input should be"),
        ('name = "Monthly"', "statement_emails[0].name", "String should match pattern"),
    ],
)
def test_a_bad_statement_schedule_stops_the_start_naming_the_field(tenants_dir, entry, field, problem):  # noqa: F811
    path = tenants_dir / "northwind.toml"
    path.write_text(path.read_text() + f"\n[[statement_emails]]\n{entry}\n")

    with pytest.raises(ConfigError) as caught:
        TenantRegistry.load(tenants_dir)

    assert f"{path}: {field}: " in caught.value.message and problem in caught.value.message

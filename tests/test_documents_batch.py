"""Month-end batch: every customer with a balance gets a statement, rendered by the real command."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from app.documents import batch
from app.documents.service import StatementKind
from app.errors import NotFound
from tests import documents_data as data
from tests import test_cli
from tests.documents_data import pdf_text
from tests.test_cli import ROOT, ledgerport

cli_env = test_cli.cli_env  # the command-line tests' environment fixture: a fresh SQLite file

D = date(2026, 6, 30)


async def _given_three_customers_and_another_tenant(scope_a, scope_b):
    a = await data.worked_example(scope_a)
    await data.invoice(scope_a, a, "INV-EUR-1", date(2026, 6, 1), date(2026, 6, 30), 4200, currency="EUR")
    settled = await data.customer(scope_a, "S-1", "Settled Ltd")
    inv = await data.invoice(scope_a, settled, "INV-9", date(2026, 5, 1), date(2026, 5, 31), 5000)
    await data.payment(scope_a, settled, date(2026, 5, 20), 5000, (inv, 5000, date(2026, 5, 20)))
    late = await data.customer(scope_a, "L-1", "Late Payer Inc")
    await data.invoice(scope_a, late, "INV-10", date(2026, 1, 1), date(2026, 1, 31), 7000)
    other = await data.customer(scope_b, "X-1", "Kunde X", currency="EUR")
    await data.invoice(scope_b, other, "RE-1", date(2026, 6, 1), date(2026, 7, 1), 1000)
    return a, settled, late


async def test_given_customers_when_planning_the_batch_then_only_those_with_a_balance_are_chosen(
    scope_a, scope_b
):
    _a, _settled, late = await _given_three_customers_and_another_tenant(scope_a, scope_b)

    prepared = await batch.prepare_statements(scope_a, D, StatementKind.OPEN_ITEM)
    narrowed = await batch.customers_to_render(scope_a, D, ["S-1", "L-1"])

    assert sorted(p.filename for p in prepared) == [
        "statement-A-100-2026-06-30-EUR.pdf",
        "statement-A-100-2026-06-30.pdf",
        "statement-L-1-2026-06-30.pdf",
    ]
    euro = next(p.view for p in prepared if p.filename.endswith("-EUR.pdf"))
    assert (euro.currency, euro.net_balance, [r.reference for r in euro.rows]) == (
        "EUR",
        "€42.00",
        ["INV-EUR-1"],
    )
    assert narrowed == [(late.id, "USD")]
    with pytest.raises(NotFound, match="X-1"):
        await batch.customers_to_render(scope_a, D, ["X-1"])


SEED = textwrap.dedent(
    """
    import asyncio, os
    from datetime import date
    from app.db import lifecycle
    from app.tenancy.service import system_scope
    from tests import documents_data as data

    async def main():
        await lifecycle.open_database(os.environ["LEDGERPORT_DATABASE_URL"])
        a = await system_scope("northwind")
        await data.worked_example(a)
        late = await data.customer(a, "L-1", "Late Payer Inc")
        await data.invoice(a, late, "INV-10", date(2026, 1, 1), date(2026, 1, 31), 7000)
        b = await system_scope("cloudly")
        other = await data.customer(b, "X-1", "Kunde X", currency="EUR")
        await data.invoice(b, other, "RE-1", date(2026, 6, 1), date(2026, 7, 1), 1000)
        await lifecycle.close_database()

    asyncio.run(main())
    """
)


def test_given_a_tenant_when_running_statements_render_then_each_customer_with_a_balance_gets_a_pdf(
    cli_env, tmp_path
):
    assert ledgerport(cli_env, "migrate").returncode == 0
    seeded = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=cli_env, capture_output=True, text=True
    )
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "out"

    result = ledgerport(
        cli_env, "statements", "render", "--tenant", "northwind", "--as-of", "2026-06-30", "--out", str(out),
        "--workers", "2",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "rendered 2 statements" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "statement-A-100-2026-06-30.pdf",
        "statement-L-1-2026-06-30.pdf",
    ]
    assert "Closing balance $3,550.00" in pdf_text((out / "statement-A-100-2026-06-30.pdf").read_bytes())
    assert "Kunde X" not in pdf_text((out / "statement-L-1-2026-06-30.pdf").read_bytes())

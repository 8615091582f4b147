"""Every tenant-owned table's keys are what a tenant-sharded PostgreSQL (Citus) accepts (issue 22,
point 5), read from ``pg_catalog`` of the migrated schema; and what the composite keys buy without
Citus: the database refuses a row that points at another tenant's row.

PostgreSQL only: SQLite has no shards and keeps its keys (app/migrations/0019_tenant_keys.py).
"""

from __future__ import annotations

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.db import citus_keys
from app.db.scoping import new_row
from app.models import TENANT_OWNED, PaymentAllocation, SupportRequest
from tests import builders

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


async def test_every_tenant_owned_table_has_keys_that_include_tenant_id(db):
    conn = connections.get("default")
    tables = await citus_keys.tenant_tables(conn)

    assert set(tables) == {m._meta.db_table for m in TENANT_OWNED}, "tables with tenant_id are the models'"
    assert await citus_keys.incompatible(conn, tables) == []
    primary = {k.table: k.columns for k in await citus_keys.keys(conn, tables) if k.kind == "p"}
    assert primary["invoice"] == ("id", "tenant_id"), "id leads, so a lookup by id alone keeps its index"
    fks = {(f.table, f.name): f for f in await citus_keys.foreign_keys(conn, tables)}
    assert fks[("invoice", "invoice_customer_id_fkey")].columns == ("tenant_id", "customer_id")


async def test_the_check_names_each_key_citus_would_refuse(db):
    conn = connections.get("default")
    await conn.execute_script(
        """
CREATE TABLE probe_parent (id BIGINT PRIMARY KEY, tenant_id BIGINT NOT NULL, code TEXT UNIQUE);
CREATE TABLE probe_child (id BIGINT NOT NULL, tenant_id BIGINT NOT NULL,
  parent_id BIGINT REFERENCES probe_parent (id), PRIMARY KEY (id, tenant_id));
CREATE UNIQUE INDEX probe_child_parent ON probe_child (parent_id);"""
    )
    try:
        found = await citus_keys.incompatible(conn, ["probe_parent", "probe_child"])
    finally:
        await conn.execute_script("DROP TABLE probe_child; DROP TABLE probe_parent;")

    assert found == [
        "probe_child: foreign key probe_child_parent_id_fkey (parent_id) -> probe_parent (id) "
        "does not match tenant_id on both sides",
        "probe_child: unique key probe_child_parent (parent_id) lacks tenant_id",
        "probe_parent: primary key probe_parent_pkey (id) lacks tenant_id",
        "probe_parent: unique key probe_parent_code_key (code) lacks tenant_id",
    ]


async def test_rewriting_the_keys_again_changes_nothing(db):
    async with in_transaction() as tx:
        assert await citus_keys.make_compatible(tx) == []


async def test_a_row_pointing_at_another_tenants_row_is_refused_by_the_database(scope_a, scope_b):
    ours = await builders.customer(scope_a, "Ours")
    payment = await builders.payment(scope_a, ours, 10000, "2026-06-01")
    other = await builders.customer(scope_b, "Theirs")
    theirs = await builders.invoice(scope_b, other, 10000, "2026-06-01", "2026-07-01")
    allocation = new_row(
        PaymentAllocation,
        scope_a,
        payment_id=payment.id,
        invoice_id=theirs.id,
        amount=10000,
        date=payment.received_date,
    )

    with pytest.raises(IntegrityError):
        await allocation.save()

    assert await PaymentAllocation.filter(invoice_id=theirs.id).count() == 0


async def test_deleting_a_referenced_row_nulls_the_reference_and_keeps_the_tenant(scope_a, scope_b):
    """``ON DELETE SET NULL (contact_id)``: a plain SET NULL on the composite key would null tenant_id."""
    from app.models import Contact

    cust = await builders.customer(scope_a, "Ours")
    contact = new_row(Contact, scope_a, email="ap@ours.example", name="AP")
    await contact.save()
    request = new_row(SupportRequest, scope_a, customer_id=cust.id, contact_id=contact.id, subject="Copy")
    await request.save()

    await connections.get("default").execute_query("DELETE FROM contact WHERE id = $1", [contact.id])

    stored = await SupportRequest.get(id=request.id)
    assert stored.contact_id is None and stored.tenant_id == scope_a.tenant_id

"""Every SQL statement the app sends against a tenant-owned table filters by ``tenant_id`` (issue 22,
point 5): what Citus needs to route a statement to one tenant's shard.

The statements are the ones actually sent (captured on the connection, like ``count_queries``) during
a representative run of staff API calls: dashboard aggregates, lists, one customer, invoices, an export.
Each is checked with a careful regex (sqlglot is not installed): for every tenant-owned table it names
(``FROM``/``JOIN``/``UPDATE``/``DELETE FROM``/``INSERT INTO``), the statement must compare that table's
(or its alias's) ``tenant_id``, or insert one. Known offenders are listed, with why, in docs/scaling.md;
a new one fails here.
"""

from __future__ import annotations

import re

from app.ids import encode_id
from app.models import TENANT_OWNED
from app.models.enums import StaffRole
from tests import builders
from tests.helpers import gql, make_token

TABLES = {model._meta.db_table for model in TENANT_OWNED}
#: ``FROM "invoice" "i"``, ``JOIN invoice AS i``, ``UPDATE "payment"``, ``INSERT INTO "job"`` ...
_REFERENCE = re.compile(
    r'\b(FROM|JOIN|UPDATE|INTO)\s+"?([a-z_][a-z0-9_]*)"?(?:\s+(?:AS\s+)?"?([a-z_][a-z0-9_]*)"?)?',
    re.IGNORECASE,
)
_NOT_ALIAS = {"where", "on", "set", "join", "left", "inner", "group", "order", "limit", "values", "as",
              "cross", "union", "using", "outer", "right", "full", "natural", "lateral", "for", "returning"}  # fmt: skip

#: Statements that find the tenant from the row itself: a bearer token is looked up by its hash before
#: the caller's tenant is known (docs/scaling.md, "Queries"). ``(table, statement prefix)``.
KNOWN = {("api_token", "SELECT")}

QUERIES = [
    ('query { arSummary(asOf: "2026-06-30") { totalOpen { amount } dso } }', {}),
    ('query { arBreakdown(by: REGION, asOf: "2026-06-30") { key netBalance { amount } } }', {}),
    ('query { arTrend(months: 3, asOf: "2026-06-30") { dso } }', {}),
    (
        'query { customers(first: 10, asOf: "2026-06-30", orderBy: NET_BALANCE) '
        "{ totalCount edges { node { name balances { totalOpen { amount } } } } } }",
        {},
    ),
    (
        'query One($id: ID!) { customer(id: $id, asOf: "2026-06-30") { name balances { netBalance { amount } } '
        "invoices(first: 5) { edges { node { number } } } } }",
        None,
    ),
    (
        'query { invoices(first: 10, asOf: "2026-06-30") { edges { node { number openAmount { amount } } } } }',
        {},
    ),
]


def offenders(statements: list[str]) -> list[tuple[str, str]]:
    """(table, statement) for each tenant-owned table a statement names without filtering its tenant."""
    found = []
    for sql in statements:
        flat = " ".join(sql.split())
        for match in _REFERENCE.finditer(flat):
            keyword, table, alias = match.group(1).upper(), match.group(2).lower(), (match.group(3) or "")
            if table not in TABLES:
                continue
            if keyword == "INTO":
                if not re.search(r"\btenant_id\b", flat, re.IGNORECASE):
                    found.append((table, flat))
                continue
            names = {table} | ({alias.lower()} if alias and alias.lower() not in _NOT_ALIAS else set())
            qualified = any(
                re.search(rf'"?{re.escape(n)}"?\."?tenant_id"?\s*(=|IN\b)', flat, re.IGNORECASE)
                for n in names
            )
            bare = re.search(r'(?<![."\w])"?tenant_id"?\s*(=|IN\b)', flat, re.IGNORECASE)
            if not qualified and not (bare and len(set(_REFERENCE.findall(flat))) == 1):
                found.append((table, flat))
    return found


def test_the_checker_finds_a_missing_tenant_filter_and_accepts_a_qualified_one():
    assert offenders(['SELECT "id" FROM "invoice" WHERE "id"=1'])
    assert not offenders(['SELECT "id" FROM "invoice" WHERE "tenant_id"=1 AND "id"=1'])
    joined = (
        "SELECT i.id FROM invoice i JOIN customer_account c ON c.id = i.customer_id WHERE i.tenant_id = 1"
    )
    assert offenders([joined]) == [("customer_account", joined)], "the joined table filters no tenant"
    assert not offenders([joined + " AND c.tenant_id = 1"])
    assert offenders(['INSERT INTO "invoice" ("id","number") VALUES (1,2)'])


async def test_every_statement_of_a_representative_api_run_filters_its_tenant(
    client, scope_a, scope_b, count_queries
):
    example = await builders.worked_example(scope_a, credit_limit=300000)
    await builders.worked_example(scope_b)
    token = await make_token("northwind", StaffRole.ADMIN)
    customer_id = encode_id("Customer", example["customer"].id)
    count_queries.reset()

    for query, variables in QUERIES:
        answer = await gql(client, query, token, {"id": customer_id} if variables is None else variables)
        assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    export = await client.get("/exports/invoices.csv", headers={"Authorization": f"Bearer {token}"})
    assert export.status_code == 200

    assert len(count_queries) > 20, "the run sent the statements it is meant to check"
    found = [(t, s) for t, s in offenders(count_queries.statements) if (t, s.split()[0].upper()) not in KNOWN]
    assert not found, "statements without a tenant_id filter:\n" + "\n".join(
        f"{t}: {s[:300]}" for t, s in found
    )

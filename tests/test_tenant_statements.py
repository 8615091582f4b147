"""Every SQL statement the app sends against a tenant-owned table filters by ``tenant_id`` (issue 22,
point 5): what Citus needs to route a statement to one tenant's shard.

The statements are the ones actually sent (captured on the connection, like ``count_queries``) during
a representative run of staff API calls: dashboard aggregates, lists, one customer, invoices, an export.
A second run covers what the staff API run does not: an import of every record type, the portal as a
signed-in contact (figures, lists, a support request, a promise), the staff answering the request, a
dunning run and the alert rules on a month end and the 1st after it, and the jobs that follow (webhook
deliveries to a receiver on loopback, emails). Each is checked with
a careful regex (sqlglot is not installed): for every tenant-owned table it names
(``FROM``/``JOIN``/``UPDATE``/``DELETE FROM``/``INSERT INTO``), the statement must compare that table's
(or its alias's) ``tenant_id``, or insert one. Known offenders are listed, with why, in docs/scaling.md;
a new one fails here.
"""

from __future__ import annotations

import json
import re
from datetime import date

from app.alerts import service as alerts
from app.collections import dunning
from app.ids import encode_id
from app.ingest.service import import_batch
from app.models import TENANT_OWNED
from app.models.enums import StaffRole
from app.webhooks import catalogue
from app.webhooks import service as webhooks
from tests import builders, input_world
from tests.helpers import gql, make_token
from tests.ingest_batches import with_everything
from tests.webhook_world import runner

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


#: ``tenant_id`` compared with a parameter or a literal somewhere in the statement.
_BY_VALUE = re.compile(r'tenant_id"?\s*(=|IN)\s*(\$\d+|\?|:\w+|\d+|\()', re.IGNORECASE)


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
            # Compared with a value or with another table's tenant_id (a join on the tenant: Citus
            # routes it when either side is filtered), on either side of the ``=``.
            qualified = any(
                re.search(rf'"?{re.escape(n)}"?\."?tenant_id"?\s*(=|IN\b)', flat, re.IGNORECASE)
                or (
                    re.search(rf'=\s*"?{re.escape(n)}"?\."?tenant_id\b', flat, re.IGNORECASE)
                    and _BY_VALUE.search(flat)
                )
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
    correlated = (
        'SELECT id FROM "invoice" WHERE "tenant_id"=1 AND "total" > (SELECT SUM(s.amount) FROM '
        '"write_off" s WHERE s.invoice_id = "invoice"."id" AND s.tenant_id = "invoice"."tenant_id")'
    )
    assert not offenders([correlated]), "joined on the tenant, the outer table filtered by it"
    unfiltered = correlated.replace('"tenant_id"=1 AND ', "")
    assert [t for t, _ in offenders([unfiltered])] == ["invoice"], "a join on the tenant, but no tenant"


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


PORTAL = [
    (
        "query($id: ID!) { account(id: $id) { name balance { amount } overdue { amount } "
        "aging { label amount { amount } } invoices(first: 10) { edges { node { number openAmount { amount } } } } } }",
        lambda w: {"id": w.account_a},
    ),
    ("query { me { accounts { id name } } }", lambda w: {}),
    (
        "mutation($input: CreateSupportRequestInput!) { createSupportRequest(input: $input) "
        "{ supportRequest { id } userErrors { code message } } }",
        lambda w: {"input": {"accountId": w.account_a, "subject": "Freight", "message": "Why freight?"}},
    ),
    (
        "mutation($input: PromiseToPayInput!) { promiseToPay(input: $input) "
        "{ promise { date } userErrors { code message } } }",
        lambda w: {
            "input": {
                "accountId": w.account_a,
                "invoiceIds": w.portal_invoice_ids[:1],
                "date": "2026-12-20",
                "amount": "10.00",
            }
        },
    ),
]
STAFF_ANSWER = """
mutation($id: ID!) { answerSupportRequest(input: {supportRequestId: $id, message: "Freight is per the contract."})
  { supportRequest { status } userErrors { code message } } }"""


def _new_records(batch: dict) -> dict:
    """``batch`` with other external ids and numbers: records the tenant does not hold yet."""
    return json.loads(
        json.dumps(batch).replace('"Z', '"Y').replace('"RE-1"', '"RE-2"').replace("ACC-Z", "ACC-Y")
    )


async def test_every_statement_of_imports_the_portal_jobs_and_webhooks_filters_its_tenant(
    client, scope_a, scope_b, settings, registry, receiver, count_queries
):
    for scope in (scope_a, scope_b):
        await webhooks.create(scope, receiver.url, sorted(catalogue.EVENT_TYPES))
    world = await input_world.build(scope_a, scope_b, settings)  # a session and a token
    count_queries.reset()

    answers = [await input_world.portal(client, world, q, variables(world)) for q, variables in PORTAL]
    for answer in answers:
        assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    request_id = answers[2].json()["data"]["createSupportRequest"]["supportRequest"]["id"]
    answered = await input_world.staff(client, world, STAFF_ANSWER, {"id": request_id})
    assert answered.status_code == 200 and "errors" not in answered.json(), answered.text
    await import_batch(scope_b, _new_records(input_world.CLOUDLY_BATCH))  # creates
    await import_batch(scope_a, with_everything())  # the same records again: updates
    northwind = registry.require("northwind").config
    for day in (date(2026, 7, 31), date(2026, 8, 1)):  # a month end and the 1st after it
        report = await dunning.run(scope_a, northwind, day)
        assert report.run_id is not None and (report.sent or report.skipped), "the run dunned customers"
        await alerts.evaluate(scope_a, northwind, day)
    assert await runner(registry).run_until_idle() > 0, "the run's jobs ran"
    assert receiver.received, "webhooks were delivered"

    found = [(t, s) for t, s in offenders(count_queries.statements) if (t, s.split()[0].upper()) not in KNOWN]
    assert not found, "statements without a tenant_id filter:\n" + "\n".join(
        f"{t}: {s[:300]}" for t, s in found
    )

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
from datetime import UTC, date, datetime

from app import clock
from app.alerts import service as alerts
from app.collections import dunning
from app.ids import encode_id
from app.ingest.service import import_batch
from app.jobs import repository as jobs
from app.jobs import schedules
from app.models import TENANT_OWNED
from app.models.enums import StaffRole
from app.reports import delivery
from app.webhooks import catalogue
from app.webhooks import service as webhooks
from tests import bank_world, builders, input_world
from tests.background import run_jobs
from tests.bank_files import BankTxn, camt053
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
        f"{t}: {s[:3000]}" for t, s in found
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
        f"{t}: {s[:3000]}" for t, s in found
    )


BANK_IMPORT = """
mutation($input: ImportBankStatementInput!) {
  importBankStatement(input: $input) { summary { posted exceptions } userErrors { code message } }
}"""
BANK_EXCEPTIONS = "query { bankExceptions(first: 10) { edges { node { id payerName } } } }"
BANK_APPLY = """
mutation($input: ApplyBankLineInput!) {
  applyBankLine(input: $input) { line { status } userErrors { code message } }
}"""
FORECASTS = """
{ cashForecast(weeks: 4, asOf: "2026-06-30") { invoices weeks { base { expected { amount } } } }
  payDateModel { trainingRows intervalMarginDays }
  invoices(first: 5, asOf: "2026-06-30", filter: {openOnly: true})
    { edges { node { predictedPayDate { date basis } } } } }"""
#: 12:00 UTC on Monday 1 March 2027: the month-end statements, the weekly pay-date model and every
#: other schedule of the tenant files are due, in Chicago (northwind) and in Berlin (cloudly).
SCHEDULED = datetime(2027, 3, 1, 12, tzinfo=UTC)


async def test_every_statement_of_cash_application_the_pack_the_forecast_and_the_schedules_filters_its_tenant(
    client, scope_a, scope_b, registry, tmp_path, monkeypatch, count_queries
):
    monkeypatch.setenv("LEDGERPORT_STATEMENTS_DIR", str(tmp_path))
    world = await bank_world.build(scope_a, scope_b)
    token = await make_token("northwind", StaffRole.ADMIN)
    count_queries.reset()

    lines = [
        BankTxn("T-1", "1000.00", "INV-2026-0001", "Acme Corporation"),
        BankTxn("T-2", "990.00", "payment", "Cirrus Logistics Ltd"),
    ]
    imported = await gql(client, BANK_IMPORT, token, {"input": {"content": camt053(lines).decode()}})
    assert imported.json()["data"]["importBankStatement"]["summary"] == {"posted": 1, "exceptions": 1}
    queue = (await gql(client, BANK_EXCEPTIONS, token)).json()["data"]["bankExceptions"]["edges"]
    invoice_id = encode_id("Invoice", world.inv["INV-2026-0009"].id)
    applied = await gql(
        client, BANK_APPLY, token, {"input": {"lineId": queue[0]["node"]["id"], "invoiceIds": [invoice_id]}}
    )
    assert applied.json()["data"]["applyBankLine"]["userErrors"] == [], applied.text
    for fmt in ("xlsx", "pdf"):
        pack = await client.get(
            f"/exports/management-pack.{fmt}?asOf=2026-06-30", headers={"Authorization": f"Bearer {token}"}
        )
        assert pack.status_code == 200, pack.text
    forecasts = await gql(client, FORECASTS, token)
    assert "errors" not in forecasts.json(), forecasts.text
    with clock.frozen(SCHEDULED):
        await schedules.tick(registry)
        ran = await run_jobs(registry)
    assert ran > 0
    for kind in ("statements.month_end", "alerts.evaluate"):
        assert [j.state.value for j in await jobs.of_kind(scope_a, kind)] == ["succeeded"], kind
    # The Monday's training, and the one the predictions above queued for want of a model.
    trainings = [(j.key.split("@")[0], j.state.value) for j in await jobs.of_kind(scope_a, "forecast.train")]
    assert sorted(trainings) == [("pay-date-model", "succeeded"), ("pay-date-model-on-demand", "succeeded")]
    # Cloudly's tenant file also emails the management pack on the 1st.
    assert [j.state.value for j in await jobs.of_kind(scope_b, delivery.KIND)] == ["succeeded"]
    assert list((tmp_path / "northwind" / "2027-02").iterdir()), "the month-end statements were written"

    found = [(t, s) for t, s in offenders(count_queries.statements) if (t, s.split()[0].upper()) not in KNOWN]
    assert not found, "statements without a tenant_id filter:\n" + "\n".join(
        f"{t}: {s[:3000]}" for t, s in found
    )


async def test_a_joined_relation_is_read_with_the_tenants_filter_and_a_missing_one_keeps_its_row(
    scope_a, scope_b, count_queries
):
    from app.db.scoping import joined, new_row, scoped
    from app.models import Alert

    owner = await builders.customer(scope_a, "Joined Ltd")
    await builders.customer(scope_b, "Other Tenant AG")
    for customer_id in (owner.id, None):
        await new_row(
            Alert, scope_a, customer_id=customer_id, rule="joined", dedupe_key=f"j-{customer_id}", message="m"
        ).save()
    count_queries.reset()

    rows = await joined(scoped(Alert, scope_a).filter(rule="joined"), scope_a, "customer").order_by("id")

    assert [(r.customer.legal_name if r.customer else None) for r in rows] == ["Joined Ltd", None]
    assert len(count_queries) == 1 and offenders(count_queries.statements) == []

"""The ``importBatch`` staff mutation: finance and admin import, other roles are refused, problems are userErrors."""

from __future__ import annotations

from app.ingest.export import export_batch
from app.models.enums import StaffRole
from tests.helpers import gql, make_token
from tests.ingest_batches import worked_example

IMPORT_BATCH = """
mutation Import($input: ImportBatchInput!) {
  importBatch(input: $input) {
    counts { recordType created updated unchanged }
    userErrors { field code message }
  }
}
"""


async def test_given_a_finance_token_when_importing_then_counts_come_back_and_rows_are_stored(
    client, scope_a, scope_b
):
    token = await make_token("northwind", StaffRole.FINANCE)

    response = await gql(client, IMPORT_BATCH, token, {"input": worked_example()})

    payload = response.json()["data"]["importBatch"]
    assert payload["userErrors"] == []
    counts = {c["recordType"]: (c["created"], c["updated"], c["unchanged"]) for c in payload["counts"]}
    assert counts["invoices"] == (3, 0, 0) and counts["payments"] == (2, 0, 0)
    assert [i["number"] for i in (await export_batch(scope_a))["invoices"]] == ["INV-1", "INV-2", "INV-3"]
    assert await export_batch(scope_b) == {}

    again = await gql(client, IMPORT_BATCH, token, {"input": worked_example()})

    counts = {c["recordType"]: c["unchanged"] for c in again.json()["data"]["importBatch"]["counts"]}
    assert counts["invoices"] == 3 and counts["customers"] == 1


async def test_given_a_viewer_token_when_importing_then_it_is_forbidden_and_nothing_is_written(
    client, scope_a
):
    token = await make_token("northwind", StaffRole.VIEWER)

    response = await gql(client, IMPORT_BATCH, token, {"input": worked_example()})

    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "forbidden"
    assert await export_batch(scope_a) == {}


async def test_given_a_bad_batch_when_importing_then_user_errors_name_each_field(client, scope_a):
    token = await make_token("northwind", StaffRole.ADMIN)
    batch = worked_example()
    batch["invoices"][1]["customer"] = "NOPE"
    batch["payments"][0]["amount"] = "4OO.00"

    response = await gql(client, IMPORT_BATCH, token, {"input": batch})

    payload = response.json()["data"]["importBatch"]
    assert payload["counts"] == []
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["userErrors"]) == [
        (("invoices", "1", "customer"), "unknown_customer"),
        (("payments", "0", "amount"), "invalid_decimal"),
    ]
    assert await export_batch(scope_a) == {}

"""KYC and credit limit documents: uploaded through the staff API (base64), within the tenant's
attachment limits (a refused file writes no row), downloaded by the roles that may read them, another
tenant's is 404; an expired document leaves its checklist item incomplete, so the review cannot pass.
Both engines, two tenants."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from app import clock
from app.credit import documents, kyc, limits
from app.errors import LedgerportError
from app.ids import encode_id
from app.models import CreditDocument
from app.models.enums import StaffRole
from app.tenancy.approvals import KycChecklistItem
from tests import builders as b
from tests.approvals_world import Staff
from tests.helpers import gql, make_token

NOW = datetime(2026, 6, 15, 15, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 register extract"

UPLOAD = """
mutation($input: UploadKycDocumentInput!) {
  uploadKycDocument(input: $input) {
    review { checklist { key done complete documents { id filename contentType size expiresOn expired url } } }
    userErrors { field code }
  }
}"""
REQUEST = """
mutation($input: RequestCreditLimitInput!) {
  requestCreditLimit(input: $input) {
    request { id validUntil attachments { filename url } } userErrors { field code message }
  }
}"""


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


async def code_of(awaitable) -> str:
    with pytest.raises(LedgerportError) as caught:
        await awaitable
    return caught.value.code


def with_expiring_item(config):
    """The tenant file with its last checklist item needing a document that expires."""
    items = list(config.kyc.checklist)
    items[-1] = KycChecklistItem(key=items[-1].key, label=items[-1].label, expires=True)
    return config.model_copy(update={"kyc": config.kyc.model_copy(update={"checklist": items})})


async def test_kyc_documents_upload_over_the_api_and_download_by_role_only_in_their_tenant(
    client, scope_a, scope_b, registry
):
    northwind = registry.require("northwind").config
    compliance = await make_token("northwind", StaffRole.COMPLIANCE, name="cleo")
    credit = await make_token("northwind", StaffRole.CREDIT, name="cora")
    other = await make_token("cloudly", StaffRole.COMPLIANCE, name="cato")
    cust = await b.customer(scope_a)
    await b.customer(scope_b, currency="EUR")
    review = await kyc.start(Staff(scope_a).compliance, northwind, cust.id)
    review_id = encode_id("KycReview", review.id)
    file = {"filename": "../extract.pdf", "contentType": "application/pdf", "contentBase64": b64(PDF)}

    with clock.frozen(NOW):
        bad_type = {**file, "contentType": "application/x-msdownload"}
        answers = [
            await gql(client, UPLOAD, compliance, {"input": {"reviewId": review_id, "checklistKey": "company_identity", "file": bad_type}}),
            await gql(client, UPLOAD, compliance, {"input": {"reviewId": review_id, "checklistKey": "nope", "file": file}}),
            await gql(client, UPLOAD, compliance, {"input": {"reviewId": review_id, "checklistKey": "company_identity", "file": {**file, "contentBase64": "***"}}}),
            await gql(client, UPLOAD, other, {"input": {"reviewId": review_id, "checklistKey": "company_identity", "file": file}}),
        ]  # fmt: skip
        codes = [a.json()["data"]["uploadKycDocument"]["userErrors"][0]["code"] for a in answers]
        assert codes == ["file_type", "invalid_choice", "invalid", "not_found"]
        assert await CreditDocument.all().count() == 0, "a refused file writes no row"

        ok = await gql(
            client,
            UPLOAD,
            compliance,
            {"input": {"reviewId": review_id, "checklistKey": "company_identity", "file": file, "expiresOn": "2027-06-30"}},
        )  # fmt: skip
    body = ok.json()["data"]["uploadKycDocument"]
    assert body["userErrors"] == []
    [item] = [i for i in body["review"]["checklist"] if i["key"] == "company_identity"]
    [doc] = item["documents"]
    assert (doc["filename"], doc["contentType"], doc["size"], doc["expiresOn"], doc["expired"]) == (
        "extract.pdf",
        "application/pdf",
        len(PDF),
        "2027-06-30",
        False,
    )

    got = await client.get(doc["url"], headers={"Authorization": f"Bearer {compliance}"})
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"].startswith("application/pdf")
    assert "attachment" in got.headers["content-disposition"]
    # Credit analysts read limits, not passports; another tenant's staff do not even see it exists.
    assert (await client.get(doc["url"], headers={"Authorization": f"Bearer {credit}"})).status_code == 403
    assert (await client.get(doc["url"], headers={"Authorization": f"Bearer {other}"})).status_code == 404
    assert (await client.get(doc["url"])).status_code == 401


async def test_an_expired_document_leaves_its_item_incomplete_and_the_review_cannot_pass(
    scope_a, scope_b, registry
):
    northwind = with_expiring_item(registry.require("northwind").config)
    staff, staff_b = Staff(scope_a), Staff(scope_b)
    cust = await b.customer(scope_a)
    keys = [i.key for i in northwind.kyc.checklist]
    expiring = keys[-1]
    file = ("passport.pdf", "application/pdf", PDF)
    with clock.frozen(NOW):
        review = await kyc.start(staff.compliance, northwind, cust.id)
        assert review.checklist[-1]["expires"] is True
        upload = documents.upload_kyc
        assert await code_of(upload(staff.compliance, northwind, review.id, expiring, file)) == "required"
        assert await code_of(upload(staff.compliance, northwind, review.id, expiring, file, b.d("2026-06-14"))) == "date_in_past"  # fmt: skip
        assert await code_of(upload(staff.credit, northwind, review.id, expiring, file, b.d("2026-06-30"))) == "forbidden"  # fmt: skip
        assert await code_of(upload(staff_b.compliance, northwind, review.id, expiring, file, b.d("2026-06-30"))) == "not_found"  # fmt: skip
        big = ("big.pdf", "application/pdf", b"x" * (northwind.support.attachment_max_bytes + 1))
        assert await code_of(upload(staff.compliance, northwind, review.id, expiring, big, b.d("2026-06-30"))) == "file_too_large"  # fmt: skip
        # Ticked without a document: not complete.
        assert (
            await code_of(kyc.complete(staff.compliance, northwind, review.id, "pass", keys))
            == "checklist_incomplete"
        )
        # Valid until the end of June (the tenant's date).
        await upload(staff.compliance, northwind, review.id, expiring, file, b.d("2026-06-30"))
    # 1 July 03:00 UTC is still 30 June in Chicago: valid.
    with clock.frozen(datetime(2026, 7, 1, 3, 0, tzinfo=UTC)):
        rows = (await documents.of_reviews(staff.compliance, [review.id]))[review.id]
        item = {**review.checklist[-1], "done": True}
        assert documents.item_complete(item, rows, northwind.today())
    # 2 July: expired, so the pass is refused and nothing changes.
    with clock.frozen(datetime(2026, 7, 2, 15, 0, tzinfo=UTC)):
        assert (
            await code_of(kyc.complete(staff.compliance, northwind, review.id, "pass", keys))
            == "checklist_incomplete"
        )
        assert (await kyc.get(staff.compliance, review.id)).status == review.status
        await upload(staff.compliance, northwind, review.id, expiring, file, b.d("2028-02-29"))
        passed = await kyc.complete(staff.compliance, northwind, review.id, "pass", keys)
    assert str(passed.status) == "approved"
    assert await documents.of_reviews(staff_b.compliance, [review.id]) == {}


async def test_limit_request_attachments_are_stored_and_read_by_the_roles_that_ask_and_decide(
    client, scope_a, scope_b, registry
):
    sales = await make_token("northwind", StaffRole.SALES, name="sam")
    credit = await make_token("northwind", StaffRole.CREDIT, name="cora")
    support = await make_token("northwind", StaffRole.SUPPORT, name="sue")
    other = await make_token("cloudly", StaffRole.CREDIT, name="carl")
    # Northwind's sales staff see their own customers only.
    cust = await b.customer(scope_a, credit_limit=1_000_000, sales_owner="token:sam")
    await b.customer(scope_b, currency="EUR")
    statements = {
        "filename": "accounts 2025.pdf",
        "contentType": "application/pdf",
        "contentBase64": b64(PDF),
    }
    payload = {"customerId": encode_id("Customer", cust.id), "limit": "20000.00", "reason": "Peak season"}
    with clock.frozen(NOW):
        too_many = [statements] * (registry.require("northwind").config.support.attachment_max_files + 1)
        refused = await gql(client, REQUEST, sales, {"input": {**payload, "attachments": too_many}})
        assert refused.json()["data"]["requestCreditLimit"]["userErrors"][0]["field"] == ["attachments"], (
            refused.json()
        )
        assert await CreditDocument.all().count() == 0
        temporary = {**payload, "validUntil": "2026-08-31", "attachments": [statements]}
        answer = await gql(client, REQUEST, sales, {"input": temporary})
    body = answer.json()["data"]["requestCreditLimit"]
    assert body["userErrors"] == []
    [doc] = body["request"]["attachments"]
    assert (doc["filename"], body["request"]["validUntil"]) == ("accounts 2025.pdf", "2026-08-31")
    assert (await client.get(doc["url"], headers={"Authorization": f"Bearer {credit}"})).content == PDF
    assert (await client.get(doc["url"], headers={"Authorization": f"Bearer {support}"})).status_code == 403
    assert (await client.get(doc["url"], headers={"Authorization": f"Bearer {other}"})).status_code == 404
    # The service agrees: a rejected upload inside a request writes neither the request nor a file.
    staff = Staff(scope_a)
    cust2 = await b.customer(scope_a, credit_limit=1_000_000)
    bad = [("x.exe", "application/x-msdownload", b"MZ")]
    with clock.frozen(NOW):
        assert await code_of(limits.request_limit(staff.sales, registry.require("northwind").config, cust2.id, 2_000_000, "x", attachments=bad)) == "file_type"  # fmt: skip
    assert await CreditDocument.all().count() == 1

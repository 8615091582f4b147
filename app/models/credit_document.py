"""Documents staff attach to credit and compliance work: a KYC review's evidence (a register extract, a
passport copy of a beneficial owner) against one checklist item, or the papers behind a credit limit
request (financial statements, a guarantee).

Stored like support attachments (content in the database, so it is backed up, scoped and deleted with
the customer) and within the same tenant limits (``[support]``: count, size, types). A document may
expire (``expires_on``, the tenant's date): once past, it no longer completes its checklist item.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned


class CreditDocument(TenantOwned):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="credit_documents", on_delete=fields.CASCADE
    )
    # Exactly one of the two: the KYC review (with its checklist item) or the credit limit request.
    kyc_review = fields.ForeignKeyField(
        "models.KycReview", related_name="documents", null=True, on_delete=fields.CASCADE
    )
    checklist_key = fields.CharField(max_length=40, default="")
    approval_request = fields.ForeignKeyField(
        "models.ApprovalRequest", related_name="documents", null=True, on_delete=fields.CASCADE
    )
    expires_on = fields.DateField(null=True)
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    content = fields.BinaryField()
    uploaded_by = fields.CharField(max_length=254)
    created_at = fields.DatetimeField(auto_now_add=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "credit_document"
        indexes = (("tenant_id", "kyc_review_id"), ("tenant_id", "approval_request_id"))

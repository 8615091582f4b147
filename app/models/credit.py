"""Credit and compliance reviews: who approved which limit and rating when, and KYC checks."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, money_field
from app.models.enums import KycStatus, ReviewStatus, RiskRating


class CreditReview(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="credit_reviews", on_delete=fields.CASCADE
    )
    # Limits in the tenant's base currency, minor units.
    requested_limit = money_field(null=True)
    approved_limit = money_field(null=True)
    rating = fields.CharEnumField(RiskRating, max_length=1, null=True)
    status = fields.CharEnumField(ReviewStatus, max_length=10, default=ReviewStatus.PENDING)
    requested_by = fields.CharField(max_length=254, default="")
    approver = fields.CharField(max_length=254, default="")
    decided_at = fields.DatetimeField(null=True)
    note = fields.TextField(default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "credit_review"
        indexes = (("tenant_id", "customer_id"),)


class KycReview(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="kyc_reviews", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(KycStatus, max_length=16)
    reviewed_on = fields.DateField(null=True)
    next_review = fields.DateField(null=True)
    reviewer = fields.CharField(max_length=254, default="")
    notes = fields.TextField(default="")
    # A review started in Ledgerport (startKycReview): the tenant's checklist as it was then, each item
    # with whether it was checked, who started it, and with four eyes the first reviewer's proposal.
    checklist = fields.JSONField(default=list)
    started_by = fields.CharField(max_length=254, default="")
    proposed_outcome = fields.CharField(max_length=20, default="")
    proposed_by = fields.CharField(max_length=254, default="")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "kyc_review"
        indexes = (("tenant_id", "customer_id"),)

"""The customer account: a company that owes the tenant money, with its credit and compliance state."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import KycStatus, OnboardingStatus, RiskRating


class CustomerAccount(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    external_id = fields.CharField(max_length=100)
    account_number = fields.CharField(max_length=50)
    legal_name = fields.CharField(max_length=255)
    region = fields.CharField(max_length=50, default="")
    country = fields.CharField(max_length=2, default="")
    segment = fields.CharField(max_length=50, default="")
    currency = currency_field()
    payment_terms_days = fields.IntField(default=30)
    # Credit limit in the tenant's base currency (minor units); null = no limit set.
    credit_limit = money_field(null=True)
    risk_rating = fields.CharEnumField(RiskRating, max_length=1, default=RiskRating.C)
    kyc_status = fields.CharEnumField(KycStatus, max_length=16, default=KycStatus.NOT_STARTED)
    kyc_next_review = fields.DateField(null=True)
    # The KYC review date ``kyc.review_due`` was last sent for (the sweep sends it once per date).
    kyc_due_signalled_on = fields.DateField(null=True)
    # When the periodic credit review falls due (tenant file [credit_reviews], by risk rating); set by
    # each completed review and each approved limit change; null: not scheduled yet.
    credit_next_review = fields.DateField(null=True)
    onboarding_status = fields.CharEnumField(
        OnboardingStatus, max_length=16, default=OnboardingStatus.APPROVED
    )
    parent = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    is_intercompany = fields.BooleanField(default=False)
    counterparty_entity = fields.CharField(max_length=200, null=True)
    sales_owner = fields.CharField(max_length=254, default="")
    billing_address = fields.TextField(default="")
    billing_email = fields.CharField(max_length=254, default="")
    tax_id = fields.CharField(max_length=64, default="")
    # The Stripe customer on the tenant's Stripe account, created on the first card payment and reused.
    stripe_customer_id = fields.CharField(max_length=255, null=True)
    # Its dunning policy by name (``[[dunning.policies]]``), "off" for none; "" = the first that fits.
    dunning_policy = fields.CharField(max_length=40, default="", db_default="")

    customer_path: ClassVar[str | None] = "id"

    class Meta:
        table = "customer_account"
        unique_together = (("tenant", "external_id"), ("tenant", "account_number"))
        indexes = (("tenant_id", "region"), ("tenant_id", "segment"), ("tenant_id", "legal_name"))

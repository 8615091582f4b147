"""A new customer account's way to trading: application -> KYC -> credit decision -> approved ->
active, or rejected (docs/credit-and-compliance.md, Onboarding).

One row per account, opened by ``createCustomerApplication`` or by an import that creates an account
not yet approved. ``step`` is where it waits, since ``step_since``, for ``step_owner`` (the role that
acts next); ``history`` keeps every step it went through with who moved it and when, so the pipeline's
ages and an auditor's questions are answered from the row itself. ``version`` guards each move.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, money_field
from app.models.enums import OnboardingStep


class OnboardingApplication(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.OneToOneField(
        "models.CustomerAccount", related_name="onboarding", on_delete=fields.CASCADE
    )
    source = fields.CharField(max_length=16)  # "staff" or "ingest"
    step = fields.CharEnumField(OnboardingStep, max_length=16, default=OnboardingStep.APPLICATION)
    step_since = fields.DatetimeField()
    step_owner = fields.CharField(max_length=16, default="")
    moved_by = fields.CharField(max_length=254, default="")
    history = fields.JSONField(default=list)
    requested_limit = money_field(null=True)
    notes = fields.TextField(default="")
    created_by = fields.CharField(max_length=254)
    decision_note = fields.TextField(default="")
    version = fields.IntField(default=0)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "onboarding_application"
        indexes = (("tenant_id", "step", "step_since"),)

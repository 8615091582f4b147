"""Approval requests and the approvals given on them: the four-eyes record of credit limits and write-offs.

A request keeps a snapshot of the rule that routed it (which roles, how many approvals), so a tenant
file changed while it waits cannot move the goalposts of a request already in flight. ``version`` is
bumped by every change of a request; a decision is a conditional UPDATE on the version it read, which is
how two approvers racing on the last approval produce one decision on SQLite and PostgreSQL alike.
One approver gives at most one approval per request: the unique key says so even to a racing duplicate.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import ApprovalKind, ApprovalState


class ApprovalRequest(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ApprovalKind, max_length=16)
    state = fields.CharEnumField(ApprovalState, max_length=12, default=ApprovalState.PENDING)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="approval_requests", on_delete=fields.CASCADE
    )
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name=False, null=True, on_delete=fields.CASCADE
    )
    # The amount the thresholds were applied to (the new limit, the write-off), minor units of ``currency``.
    amount = money_field()
    currency = currency_field()
    # What the request changes once approved (the limit before and after, the write-off's invoice ...).
    payload = fields.JSONField(default=dict)
    reason = fields.TextField(default="")
    requested_by = fields.CharField(max_length=254)
    requested_at = fields.DatetimeField()
    # The routing rule, as it was when the request was made.
    tier = fields.IntField(default=0)
    # Roles as ",credit,finance,": a LIKE finds them on both engines. ``approver_roles`` is the rule's;
    # ``open_roles`` those whose approval still counts (with ``each_role``, the last slots belong to the
    # roles that have not approved yet), kept by every approval so the inbox is one query.
    approver_roles = fields.CharField(max_length=100)
    open_roles = fields.CharField(max_length=100)
    required_approvals = fields.IntField(default=1)
    each_role = fields.BooleanField(default=False)
    approvals_given = fields.IntField(default=0)
    version = fields.IntField(default=0)
    sla_due = fields.DatetimeField()
    escalated_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by = fields.CharField(max_length=254, default="")
    decision_note = fields.TextField(default="")
    # Credit limits: the day the new limit takes effect (None: on approval), and when it did.
    effective_on = fields.DateField(null=True)
    applied_at = fields.DatetimeField(null=True)
    # A temporary limit: after this day (the tenant's date) the limit goes back to the one before, once.
    valid_until = fields.DateField(null=True)
    reverted_at = fields.DatetimeField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "approval_request"
        indexes = (("tenant_id", "state", "requested_at"), ("tenant_id", "customer_id"))


class ApprovalGiven(TenantOwned):
    id = fields.IntField(primary_key=True)
    request = fields.ForeignKeyField(
        "models.ApprovalRequest", related_name="approvals", on_delete=fields.CASCADE
    )
    approver = fields.CharField(max_length=254)
    role = fields.CharField(max_length=16)
    at = fields.DatetimeField()
    note = fields.TextField(default="")

    customer_path: ClassVar[str | None] = "request__customer_id"

    class Meta:
        table = "approval_given"
        unique_together = (("request", "approver"),)

"""Bank statements and their lines, and the bank accounts customers pay from (cash application).

A line is keyed by the bank's own transaction reference, unique per tenant, so importing a statement
twice, or an interim camt.054 followed by the day's camt.053, stores each transaction once. The payment a
line posts is keyed ``bank:<reference>`` in the payment service, which records an external id once: the
two keys together are why a line is never posted twice, whatever the order of retries or clicks.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field
from app.models.enums import BankLineStatus


class CustomerBankAccount(TenantOwned, Timestamped):
    """An account (IBAN, or a domestic account number) a customer pays from, part of its billing details."""

    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="bank_accounts", on_delete=fields.CASCADE
    )
    # Upper case, without spaces: "DE89370400440532013000".
    account = fields.CharField(max_length=34)
    # "staff" (entered), "learned" (from a bank line a person applied to this customer).
    source = fields.CharField(max_length=16, default="staff")

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "customer_bank_account"
        unique_together = (("tenant", "account"),)


class BankStatement(TenantOwned, Timestamped):
    """One imported file: which format, which of the tenant's accounts, what became of its lines."""

    id = fields.IntField(primary_key=True)
    format = fields.CharField(max_length=16)
    filename = fields.CharField(max_length=255, default="")
    # The statement's or message's own id in the file (camt MsgId/Stmt Id, MT940 :20:).
    statement_ref = fields.CharField(max_length=100, default="")
    account = fields.CharField(max_length=34, default="")
    sha256 = fields.CharField(max_length=64)
    imported_by = fields.CharField(max_length=254, default="")

    # Bank data is the tenant's own, not a customer's: contacts never see it.
    customer_path: ClassVar[str | None] = None

    class Meta:
        table = "bank_statement"


class BankLine(TenantOwned, Timestamped):
    """One credit (or debit) transaction of a statement and how it was applied."""

    id = fields.IntField(primary_key=True)
    statement = fields.ForeignKeyField("models.BankStatement", related_name="lines", on_delete=fields.CASCADE)
    reference = fields.CharField(max_length=100)
    booking_date = fields.DateField()
    value_date = fields.DateField(null=True)
    # Positive for money in (credit), negative for money out; minor units of ``currency``.
    amount = money_field()
    currency = currency_field()
    payer_name = fields.CharField(max_length=255, default="")
    payer_account = fields.CharField(max_length=34, default="")
    remittance = fields.TextField(default="")
    status = fields.CharEnumField(BankLineStatus, max_length=12, default=BankLineStatus.NEW)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    payment = fields.ForeignKeyField(
        "models.Payment", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The best candidate's score (0-100) and the ranked candidates with their reasons, as matched.
    score = fields.IntField(default=0)
    suggestions = fields.JSONField(default=list)
    decided_by = fields.CharField(max_length=254, default="")
    note = fields.CharField(max_length=500, default="")

    customer_path: ClassVar[str | None] = None

    class Meta:
        table = "bank_line"
        unique_together = (("tenant", "reference"),)
        indexes = (("tenant_id", "status", "booking_date"),)

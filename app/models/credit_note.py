"""Credit notes and their applications to invoices (what is not applied is unapplied credit)."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields

from app.models.base import TenantOwned, Timestamped, currency_field, money_field


class CreditNote(TenantOwned, Timestamped):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField(
        "models.CustomerAccount", related_name="credit_notes", on_delete=fields.RESTRICT
    )
    external_id = fields.CharField(max_length=100)
    number = fields.CharField(max_length=50)
    date = fields.DateField()
    currency = currency_field()
    amount = money_field()
    reason = fields.CharField(max_length=255, default="")
    # Sum and latest date of this note's applications, all dates (maintained by
    # app.receivables.settlement with every application write): unapplied now = amount - applied.
    applied = money_field(default=0, db_default=0)
    last_applied_on = fields.DateField(null=True)

    customer_path: ClassVar[str | None] = "customer_id"

    class Meta:
        table = "credit_note"
        unique_together = (("tenant", "number"), ("tenant", "external_id"))
        indexes = (
            ("tenant_id", "customer_id", "date"),
            ("tenant_id", "last_applied_on"),
            ("customer_id", "last_applied_on"),
        )


class CreditApplication(TenantOwned):
    id = fields.IntField(primary_key=True)
    credit_note = fields.ForeignKeyField(
        "models.CreditNote", related_name="applications", on_delete=fields.CASCADE
    )
    invoice = fields.ForeignKeyField(
        "models.Invoice", related_name="credit_applications", on_delete=fields.RESTRICT
    )
    amount = money_field()
    date = fields.DateField()

    customer_path: ClassVar[str | None] = "invoice__customer_id"

    class Meta:
        table = "credit_application"
        # A note's applications after a date: what an unapplied-as-of figure adds back per note.
        indexes = (("invoice_id", "date"), ("tenant_id", "date"), ("credit_note_id", "date"))

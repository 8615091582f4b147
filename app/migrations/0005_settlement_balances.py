from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Backfill of the maintained sums for rows that existed before them (frozen here: later code may change).
_BACKFILL = (
    """UPDATE invoice SET
  settled = COALESCE((SELECT SUM(a.amount) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                      WHERE a.invoice_id = invoice.id AND p.status = 'succeeded'), 0)
          + COALESCE((SELECT SUM(c.amount) FROM credit_application c WHERE c.invoice_id = invoice.id), 0)
          + COALESCE((SELECT SUM(w.amount) FROM write_off w WHERE w.invoice_id = invoice.id), 0),
  last_settlement_on = (SELECT MAX(m.date) FROM (
      SELECT a.date FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
      WHERE a.invoice_id = invoice.id AND p.status = 'succeeded'
      UNION ALL SELECT c.date FROM credit_application c WHERE c.invoice_id = invoice.id
      UNION ALL SELECT w.date FROM write_off w WHERE w.invoice_id = invoice.id) m)""",
    """UPDATE payment SET
  applied = COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.payment_id = payment.id), 0),
  last_applied_on = (SELECT MAX(a.date) FROM payment_allocation a WHERE a.payment_id = payment.id)""",
    """UPDATE credit_note SET
  applied = COALESCE((SELECT SUM(c.amount) FROM credit_application c WHERE c.credit_note_id = credit_note.id), 0),
  last_applied_on = (SELECT MAX(c.date) FROM credit_application c WHERE c.credit_note_id = credit_note.id)""",
)
# What is open now, per customer: the few rows every as-of figure starts from (partial indexes, which
# the model Meta cannot express; the same statement on SQLite and PostgreSQL).
_OPEN_INDEXES = (
    "CREATE INDEX invoice_open_now ON invoice (tenant_id, customer_id) WHERE total <> settled",
    "CREATE INDEX payment_unapplied_now ON payment (tenant_id, customer_id, received_date) WHERE amount <> applied",
    "CREATE INDEX credit_note_unapplied_now ON credit_note (tenant_id, customer_id, date) WHERE amount <> applied",
)
_DROP_OPEN_INDEXES = tuple(
    f"DROP INDEX {name}" for name in ("invoice_open_now", "payment_unapplied_now", "credit_note_unapplied_now")
)


class Migration(migrations.Migration):
    dependencies = [('models', '0004_stripe_payments')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='CreditApplication',
            index=Index(fields=['tenant_id', 'date']),
        ),
        ops.AddField(
            model_name='CreditNote',
            name='applied',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='CreditNote',
            name='last_applied_on',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='CreditNote',
            index=Index(fields=['tenant_id', 'last_applied_on']),
        ),
        ops.AddIndex(
            model_name='CreditNote',
            index=Index(fields=['customer_id', 'last_applied_on']),
        ),
        ops.AddField(
            model_name='Invoice',
            name='last_settlement_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Invoice',
            name='settled',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['tenant_id', 'last_settlement_on']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['customer_id', 'last_settlement_on']),
        ),
        ops.AddField(
            model_name='Payment',
            name='applied',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Payment',
            name='last_applied_on',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['tenant_id', 'last_applied_on']),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['customer_id', 'last_applied_on']),
        ),
        ops.AddIndex(
            model_name='PaymentAllocation',
            index=Index(fields=['tenant_id', 'date']),
        ),
        ops.AddIndex(
            model_name='WriteOff',
            index=Index(fields=['tenant_id', 'date']),
        ),
        ops.RunSQL(list(_BACKFILL), reverse_sql=ops.RunSQL.noop),
        ops.RunSQL(list(_OPEN_INDEXES), reverse_sql=list(_DROP_OPEN_INDEXES)),
    ]

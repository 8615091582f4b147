"""Indexes that let every as-of and period query probe what it needs (docs/performance.md, SQLite):

- credit_application (credit_note_id, date): a note's applications after a date (unapplied as of D);
- dispute (invoice_id, status): an open invoice's open disputes (collection priority, overdue alerts);
- invoice (tenant_id, customer_id, issue_date) instead of (tenant_id, customer_id): a customer's invoices
  of a period (sales, profitability) without reading the tenant's whole period;
- invoice (tenant_id, issue_date, currency, status, total, customer_id) instead of (tenant_id,
  issue_date): a period's credit sales from the index alone, in date order.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_settlement_balances')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='CreditApplication',
            index=Index(fields=['credit_note_id', 'date']),
        ),
        ops.AddIndex(
            model_name='Dispute',
            index=Index(fields=['invoice_id', 'status']),
        ),
        ops.RemoveIndex(
            model_name='Invoice',
            name=None,
            fields=['tenant_id', 'customer_id'],
        ),
        ops.RemoveIndex(
            model_name='Invoice',
            name=None,
            fields=['tenant_id', 'issue_date'],
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['tenant_id', 'customer_id', 'issue_date']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['tenant_id', 'issue_date', 'currency', 'status', 'total', 'customer_id']),
        ),
    ]

"""payment (tenant_id, received_date, status, currency, amount, customer_id) instead of (tenant_id,
received_date): a period's collections (a trend's twelve months of them) from the index alone, in date
order, as the invoices' credit sales already are (0006). On the demo's data the months' collections of
a 12-month trend took 134 ms reading ~100,000 payment rows through the narrower index, 49 ms from this
one (docs/performance.md, "Console")."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0020_cash_applied_late')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Payment',
            name=None,
            fields=['tenant_id', 'received_date'],
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['tenant_id', 'received_date', 'status', 'currency', 'amount', 'customer_id']),
        ),
    ]

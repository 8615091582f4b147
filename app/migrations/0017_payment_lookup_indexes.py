"""Indexes for a page of payments: its refunds by the refunded payment, its allocations by payment
(docs/performance.md, "Console": the payments page)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0016_dunning_letters_and_charges')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['tenant_id', 'refund_of_id']),
        ),
        ops.AddIndex(
            model_name='PaymentAllocation',
            index=Index(fields=['tenant_id', 'payment_id']),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0003_support_attachments_and_dispute_threads')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CustomerAccount',
            name='stripe_customer_id',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name='Payment',
            name='allocation_plan',
            field=fields.CharField(default='oldest_first', max_length=16),
        ),
        ops.AddField(
            model_name='Payment',
            name='failure_message',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Payment',
            name='idempotency_key',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Payment',
            name='invoice_ids',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Payment',
            name='refund_of',
            field=fields.ForeignKeyField('models.Payment', source_field='refund_of_id', null=True, db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddConstraint(
            model_name='Payment',
            constraint=UniqueConstraint(fields=('tenant', 'idempotency_key'), name=None),
        ),
        ops.AddField(
            model_name='StripeEvent',
            name='payment_intent_id',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddIndex(
            model_name='StripeEvent',
            index=Index(fields=['tenant_id', 'payment_intent_id']),
        ),
    ]

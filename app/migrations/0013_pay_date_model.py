"""Pay-date forecasting (docs/forecast.md): the per-tenant learned model, its importances and metrics.

After 0009 (bank statements); the merger re-chains it after the other branches' migrations.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_credit_workflows')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StoredPayDateModel',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('trained_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('as_of', fields.DateField()),
                ('rows', fields.IntField(default=0)),
                ('payload', fields.BinaryField()),
                ('importances', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('metrics', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'pay_date_model', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'trained_at'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
    ]

"""Credit holds (app/models/credit_hold.py): one row per hold, kept after release for the audit trail."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from app.models.enums import CreditHoldSource
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_bank_statements')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CreditHold',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name='credit_holds', on_delete=OnDelete.CASCADE)),
                ('source', fields.CharEnumField(default=CreditHoldSource.MANUAL, description='MANUAL: manual\nOVER_LIMIT: over_limit\nKYC: kyc\nBROKEN_PROMISE: broken_promise', enum_type=CreditHoldSource, max_length=16)),
                ('reason', fields.TextField(unique=False)),
                ('placed_by', fields.CharField(default='', max_length=254)),
                ('placed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('released_by', fields.CharField(default='', max_length=254)),
                ('release_reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'credit_hold', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'customer_id', 'released_at'])], 'pk_attr': 'id'},
            bases=['TenantOwned', 'Timestamped'],
        ),
    ]

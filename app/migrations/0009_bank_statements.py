"""Cash application (docs/cash-application.md): bank statements, their lines (unique per tenant by the
bank's reference, so a line is stored and posted once) and the bank accounts customers pay from.

After 0008 (background jobs); 0009 was not taken.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.enums import BankLineStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_background_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BankStatement',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('format', fields.CharField(max_length=16)),
                ('filename', fields.CharField(default='', max_length=255)),
                ('statement_ref', fields.CharField(default='', max_length=100)),
                ('account', fields.CharField(default='', max_length=34)),
                ('sha256', fields.CharField(max_length=64)),
                ('imported_by', fields.CharField(default='', max_length=254)),
            ],
            options={'table': 'bank_statement', 'app': 'models', 'pk_attr': 'id', 'table_description': "One imported file: which format, which of the tenant's accounts, what became of its lines."},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.CreateModel(
            name='BankLine',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('statement', fields.ForeignKeyField('models.BankStatement', source_field='statement_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('reference', fields.CharField(max_length=100)),
                ('booking_date', fields.DateField()),
                ('value_date', fields.DateField(null=True)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('payer_name', fields.CharField(default='', max_length=255)),
                ('payer_account', fields.CharField(default='', max_length=34)),
                ('remittance', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=BankLineStatus.NEW, description='NEW: new\nPOSTED: posted\nEXCEPTION: exception\nAPPLIED: applied\nIGNORED: ignored\nDEBIT: debit', enum_type=BankLineStatus, max_length=12)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('payment', fields.ForeignKeyField('models.Payment', source_field='payment_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('score', fields.IntField(default=0)),
                ('suggestions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('decided_by', fields.CharField(default='', max_length=254)),
                ('note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'bank_line', 'app': 'models', 'unique_together': (('tenant', 'reference'),), 'indexes': [Index(fields=['tenant_id', 'status', 'booking_date'])], 'pk_attr': 'id', 'table_description': 'One credit (or debit) transaction of a statement and how it was applied.'},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.CreateModel(
            name='CustomerBankAccount',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name='bank_accounts', on_delete=OnDelete.CASCADE)),
                ('account', fields.CharField(max_length=34)),
                ('source', fields.CharField(default='staff', max_length=16)),
            ],
            options={'table': 'customer_bank_account', 'app': 'models', 'unique_together': (('tenant', 'account'),), 'pk_attr': 'id', 'table_description': 'An account (IBAN, or a domestic account number) a customer pays from, part of its billing details.'},
            bases=['TenantOwned', 'Timestamped'],
        ),
    ]

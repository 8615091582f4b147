"""Collections that act (docs/collections.md): dunning runs, their messages (one per customer per day),
the steps each invoice has had (once per invoice and step), skips with their reason, staff pauses,
collection tasks and activities, scheduled statement deliveries, and each customer's dunning policy.

After 0010 (credit holds), which the run reads to skip held customers.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_credit_holds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DunningPause',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('reason', fields.TextField(unique=False)),
                ('resume_on', fields.DateField(null=True)),
                ('paused_by', fields.CharField(default='', max_length=254)),
                ('resumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resumed_by', fields.CharField(default='', max_length=254)),
            ],
            options={'table': 'dunning_pause', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'customer_id'])], 'pk_attr': 'id', 'table_description': 'Staff hold dunning of a customer (``invoice`` null) or of one invoice, until ``resume_on`` (null:'},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.CreateModel(
            name='DunningRun',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run_on', fields.DateField()),
                ('trigger', fields.CharField(max_length=20)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent', fields.IntField(default=0)),
                ('skipped', fields.IntField(default=0)),
                ('started_by', fields.CharField(default='', max_length=254)),
            ],
            options={'table': 'dunning_run', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'run_on'])], 'pk_attr': 'id', 'table_description': 'One run for one day: what triggered it and how many it sent and skipped (the report is its rows).'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='DunningMessage',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.DunningRun', source_field='run_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sent_on', fields.DateField()),
                ('policy', fields.CharField(max_length=40)),
                ('step_index', fields.IntField()),
                ('step_name', fields.CharField(max_length=40)),
                ('channel', fields.CharField(max_length=12)),
                ('template', fields.CharField(max_length=100)),
                ('attachment', fields.CharField(max_length=12)),
                ('recipient', fields.CharField(default='', max_length=254)),
                ('pay_link', fields.TextField(default='', unique=False)),
                ('lines', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('totals', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('job_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dunning_message', 'app': 'models', 'unique_together': (('tenant', 'customer', 'sent_on'),), 'indexes': [Index(fields=['tenant_id', 'run_id'])], 'pk_attr': 'id', 'table_description': 'The one consolidated message (email, letter or call task) a run produced for a customer.'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='CollectionTask',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=20)),
                ('title', fields.CharField(max_length=200)),
                ('due_on', fields.DateField()),
                ('state', fields.CharField(default='open', max_length=12)),
                ('assignee', fields.CharField(default='', max_length=254)),
                ('message', fields.ForeignKeyField('models.DunningMessage', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_by', fields.CharField(default='', max_length=254)),
                ('outcome', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'collection_task', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'state', 'due_on']), Index(fields=['tenant_id', 'customer_id'])], 'pk_attr': 'id'},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.CreateModel(
            name='CollectionActivity',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=12)),
                ('outcome', fields.CharField(default='', max_length=200)),
                ('note', fields.TextField(default='', unique=False)),
                ('promise', fields.ForeignKeyField('models.PromiseToPay', source_field='promise_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('dispute', fields.ForeignKeyField('models.Dispute', source_field='dispute_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('task', fields.ForeignKeyField('models.CollectionTask', source_field='task_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('by', fields.CharField(max_length=254)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'collection_activity', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'customer_id', 'at'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='DunningInvoiceStep',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message', fields.ForeignKeyField('models.DunningMessage', source_field='message_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('policy', fields.CharField(max_length=40)),
                ('step_index', fields.IntField()),
            ],
            options={'table': 'dunning_invoice_step', 'app': 'models', 'unique_together': (('invoice', 'policy', 'step_index'),), 'indexes': [Index(fields=['tenant_id', 'invoice_id'])], 'pk_attr': 'id', 'table_description': 'An invoice had this step of this policy (in ``message``): never again.'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='DunningSkip',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.DunningRun', source_field='run_id', db_constraint=True, to_field='id', related_name='skips', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=40)),
                ('detail', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'dunning_skip', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'run_id'])], 'pk_attr': 'id', 'table_description': 'A customer a run did not dun, and why (``reason`` is a stable code, ``detail`` says it in words).'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='StatementDelivery',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('schedule', fields.CharField(max_length=40)),
                ('as_of', fields.DateField()),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('currency', fields.CharField(max_length=3)),
                ('state', fields.CharField(max_length=12)),
                ('reason', fields.CharField(default='', max_length=40)),
                ('email_key', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'statement_delivery', 'app': 'models', 'unique_together': (('tenant', 'schedule', 'as_of', 'customer', 'currency'),), 'pk_attr': 'id', 'table_description': "One customer's statement of one scheduled run: sent (with its email's key) or skipped and why."},
            bases=['TenantOwned'],
        ),
        ops.AddField(
            model_name='CustomerAccount',
            name='dunning_policy',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
    ]

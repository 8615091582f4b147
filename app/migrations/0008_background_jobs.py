"""Background jobs (``job``) and the delivery record of each email (``email_delivery``), docs/jobs.md.

pgqueuer's own tables on PostgreSQL are installed by ``app.jobs.engine.install`` after the migrations run
(``ledgerport migrate``): they follow the library's version, not ours.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.enums import DeliveryState, JobState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_alert_per_customer_rule')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EmailDelivery',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=300)),
                ('template', fields.CharField(max_length=60)),
                ('recipient', fields.CharField(max_length=254)),
                ('state', fields.CharEnumField(default=DeliveryState.RETRYING, description='SENT: sent\nRETRYING: retrying\nFAILED: failed\nDISABLED: disabled', enum_type=DeliveryState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('smtp_reply', fields.TextField(default='', unique=False)),
                ('job_id', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'email_delivery', 'app': 'models', 'unique_together': (('tenant', 'key'),), 'pk_attr': 'id', 'table_description': 'One email, by its idempotency key: whether the relay took it, and what it answered.'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=80)),
                ('queue', fields.CharField(default='default', max_length=40)),
                ('key', fields.CharField(max_length=300)),
                ('args', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=JobState.QUEUED, description='QUEUED: queued\nRUNNING: running\nRETRYING: retrying\nSUCCEEDED: succeeded\nFAILED: failed\nCANCELLED: cancelled', enum_type=JobState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('max_attempts', fields.IntField(default=5)),
                ('run_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('locked_by', fields.CharField(default='', max_length=80)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'models', 'unique_together': (('tenant', 'kind', 'key'),), 'indexes': [Index(fields=['tenant_id', 'state', 'run_at']), Index(fields=['tenant_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
    ]

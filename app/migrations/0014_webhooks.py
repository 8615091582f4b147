"""Outbound webhooks (app/models/webhook.py): endpoints, events, one delivery per event and endpoint, attempts."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.webhook import EndpointState, WebhookDeliveryState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_pay_date_model')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('url', fields.CharField(max_length=2000)),
                ('description', fields.CharField(default='', max_length=500)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=EndpointState.ENABLED, description='ENABLED: enabled\nDISABLED: disabled', enum_type=EndpointState, max_length=10)),
                ('disabled_reason', fields.CharField(default='', max_length=300)),
                ('secret', fields.CharField(max_length=100)),
                ('previous_secret', fields.CharField(default='', max_length=100)),
                ('previous_secret_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'state'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='WebhookEvent',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message_id', fields.CharField(max_length=40)),
                ('type', fields.CharField(max_length=60)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_event', 'app': 'models', 'unique_together': (('tenant', 'message_id'),), 'indexes': [Index(fields=['tenant_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One thing that happened, as the JSON body every subscribed endpoint receives.'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('models.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.WebhookEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=WebhookDeliveryState.PENDING, description='PENDING: pending\nDELIVERED: delivered\nFAILED: failed', enum_type=WebhookDeliveryState, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('schedule_from', fields.IntField(default=1)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status', fields.IntField(null=True)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'unique_together': (('tenant', 'endpoint', 'event'),), 'indexes': [Index(fields=['tenant_id', 'endpoint_id', 'created_at']), Index(fields=['tenant_id', 'state'])], 'pk_attr': 'id', 'table_description': 'An event on its way to one endpoint: the outbox row the ``webhooks.deliver`` job works from.'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('models.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_rows', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status_code', fields.IntField(null=True)),
                ('latency_ms', fields.IntField(default=0)),
                ('response_body', fields.TextField(default='', unique=False)),
                ('error', fields.CharField(default='', max_length=500)),
                ('succeeded', fields.BooleanField(default=False)),
            ],
            options={'table': 'webhook_attempt', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'delivery_id', 'number'])], 'pk_attr': 'id', 'table_description': 'One try of a delivery: what the receiver answered (or why nothing came back) and how fast.'},
            bases=['TenantOwned'],
        ),
    ]

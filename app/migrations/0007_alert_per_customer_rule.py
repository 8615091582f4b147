"""One live alert per tenant, customer and rule (docs/alerts.md), and the history of each alert.

Existing live alerts of the rules are merged before the unique key on (tenant, live_key) is added: the
two KYC rules become ``kyc_review``; of the live alerts of one (tenant, customer, rule) the acknowledged
one is kept, else the newest, and the others are resolved with a note; the one kept gets its
``live_key``. The next evaluation refreshes its figures. The SQL is the same on SQLite and PostgreSQL.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.enums import AlertStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

# Frozen here (later code may rename rules): the rules evaluated per customer when this was written.
_RULES = (
    "'invoice_overdue', 'credit_limit_exceeded', 'kyc_review', 'letter_of_credit_expiring', "
    "'dispute_past_sla', 'promise_broken', 'payment_failed'"
)
_RANK = "CASE {a}.status WHEN 'acknowledged' THEN 2 WHEN 'open' THEN 1 ELSE 0 END"
_MERGE = (
    "UPDATE alert SET rule = 'kyc_review' WHERE rule IN ('kyc_review_due', 'kyc_review_overdue')",
    f"""UPDATE alert SET status = 'resolved', resolved_by = 'migration', resolved_at = CURRENT_TIMESTAMP,
  resolution_note = 'merged into the one alert per customer and rule'
WHERE status <> 'resolved' AND customer_id IS NOT NULL AND rule IN ({_RULES}) AND EXISTS (
  SELECT 1 FROM alert b WHERE b.tenant_id = alert.tenant_id AND b.customer_id = alert.customer_id
    AND b.rule = alert.rule AND b.status <> 'resolved'
    AND ({_RANK.format(a="b")} > {_RANK.format(a="alert")}
         OR ({_RANK.format(a="b")} = {_RANK.format(a="alert")} AND b.id > alert.id)))""",
    f"""UPDATE alert SET live_key = rule || ':' || CAST(customer_id AS VARCHAR(20))
WHERE status <> 'resolved' AND customer_id IS NOT NULL AND rule IN ({_RULES})""",
)

# Tortoise's SQLite ``AlterField`` (the status enum gained ``snoozed``) rebuilds the table without the
# unique key and index 0001 made; put them back under their own names. On PostgreSQL both still exist
# (the column is altered in place) and IF NOT EXISTS leaves them alone.
_RESTORE = (
    'CREATE UNIQUE INDEX IF NOT EXISTS "uid_alert_tenant__2f4c0d" ON alert (tenant_id, dedupe_key)',
    'CREATE INDEX IF NOT EXISTS "idx_alert_tenant__601f72" ON alert (tenant_id, status, created_at)',
)


class Migration(migrations.Migration):
    dependencies = [('models', '0006_sqlite_plans')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AlertEvent',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('alert', fields.ForeignKeyField('models.Alert', source_field='alert_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(max_length=20)),
                ('by', fields.CharField(max_length=254)),
                ('note', fields.CharField(default='', max_length=500)),
                ('before', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'alert_event', 'app': 'models', 'indexes': [Index(fields=['alert_id', 'at'])], 'pk_attr': 'id', 'table_description': 'One change of an alert, with the figures and status before and after it.'},
            bases=['TenantOwned'],
        ),
        ops.AlterField(
            model_name='Alert',
            name='status',
            field=fields.CharEnumField(default=AlertStatus.OPEN, description='OPEN: open\nACKNOWLEDGED: acknowledged\nSNOOZED: snoozed\nRESOLVED: resolved', enum_type=AlertStatus, max_length=12),
        ),
        ops.AddField(
            model_name='Alert',
            name='amount',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Alert',
            name='currency',
            field=fields.CharField(null=True, max_length=3),
        ),
        ops.AddField(
            model_name='Alert',
            name='dismissed',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Alert',
            name='due_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Alert',
            name='escalated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Alert',
            name='items',
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='Alert',
            name='level',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Alert',
            name='live_key',
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.AddField(
            model_name='Alert',
            name='resolution_note',
            field=fields.CharField(null=True, max_length=500),
        ),
        ops.AddField(
            model_name='Alert',
            name='snoozed_until',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='Alert',
            index=Index(fields=['tenant_id', 'rule', 'status']),
        ),
        ops.RunSQL(list(_MERGE), reverse_sql=ops.RunSQL.noop),
        ops.AddConstraint(
            model_name='Alert',
            constraint=UniqueConstraint(fields=('tenant', 'live_key'), name=None),
        ),
        ops.RunSQL(list(_RESTORE), reverse_sql=ops.RunSQL.noop),
    ]

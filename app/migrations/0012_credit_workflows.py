"""Credit and compliance workflows (docs/credit-and-compliance.md): approval requests and the approvals given
on them (four eyes, one approval per person by a unique key), when a customer's periodic credit review falls
due, KYC reviews started in Ledgerport (checklist, four-eyes proposal), and the compliance staff role.

After 0010 (credit holds); 0011 is left to the dunning branch.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.enums import ApprovalKind, ApprovalState, StaffRole
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0011_collections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApprovalRequest',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='CREDIT_LIMIT: credit_limit\nWRITE_OFF: write_off', enum_type=ApprovalKind, max_length=16)),
                ('state', fields.CharEnumField(default=ApprovalState.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nWITHDRAWN: withdrawn', enum_type=ApprovalState, max_length=12)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name='approval_requests', on_delete=OnDelete.CASCADE)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.TextField(default='', unique=False)),
                ('requested_by', fields.CharField(max_length=254)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('tier', fields.IntField(default=0)),
                ('approver_roles', fields.CharField(max_length=100)),
                ('open_roles', fields.CharField(max_length=100)),
                ('required_approvals', fields.IntField(default=1)),
                ('each_role', fields.BooleanField(default=False)),
                ('approvals_given', fields.IntField(default=0)),
                ('version', fields.IntField(default=0)),
                ('sla_due', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.CharField(default='', max_length=254)),
                ('decision_note', fields.TextField(default='', unique=False)),
                ('effective_on', fields.DateField(null=True)),
                ('applied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_request', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'state', 'requested_at']), Index(fields=['tenant_id', 'customer_id'])], 'pk_attr': 'id'},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.CreateModel(
            name='ApprovalGiven',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.ApprovalRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='approvals', on_delete=OnDelete.CASCADE)),
                ('approver', fields.CharField(max_length=254)),
                ('role', fields.CharField(max_length=16)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'approval_given', 'app': 'models', 'unique_together': (('request', 'approver'),), 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
        ops.AlterField(
            model_name='ApiToken',
            name='role',
            field=fields.CharEnumField(description='ADMIN: admin\nFINANCE: finance\nCOLLECTIONS: collections\nCREDIT: credit\nSALES: sales\nSUPPORT: support\nVIEWER: viewer\nCOMPLIANCE: compliance', enum_type=StaffRole, max_length=16),
        ),
        ops.AddField(
            model_name='CustomerAccount',
            name='credit_next_review',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='KycReview',
            name='checklist',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='KycReview',
            name='proposed_by',
            field=fields.CharField(default='', max_length=254),
        ),
        ops.AddField(
            model_name='KycReview',
            name='proposed_outcome',
            field=fields.CharField(default='', max_length=20),
        ),
        ops.AddField(
            model_name='KycReview',
            name='started_by',
            field=fields.CharField(default='', max_length=254),
        ),
        ops.AlterField(
            model_name='Membership',
            name='role',
            field=fields.CharEnumField(description='ADMIN: admin\nFINANCE: finance\nCOLLECTIONS: collections\nCREDIT: credit\nSALES: sales\nSUPPORT: support\nVIEWER: viewer\nCOMPLIANCE: compliance', enum_type=StaffRole, max_length=16),
        ),
    ]

"""Credit documents (KYC evidence per checklist item, papers of a credit limit request), the onboarding
pipeline of new accounts, temporary credit limits (valid_until, reverted_at) and the date kyc.review_due
was sent for: app/credit/documents.py, app/credit/onboarding.py, app/credit/limits.py."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from app.models.enums import OnboardingStep
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0017_payment_lookup_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CreditDocument',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name='credit_documents', on_delete=OnDelete.CASCADE)),
                ('kyc_review', fields.ForeignKeyField('models.KycReview', source_field='kyc_review_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('checklist_key', fields.CharField(default='', max_length=40)),
                ('approval_request', fields.ForeignKeyField('models.ApprovalRequest', source_field='approval_request_id', null=True, db_constraint=True, to_field='id', related_name='documents', on_delete=OnDelete.CASCADE)),
                ('expires_on', fields.DateField(null=True)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('content', fields.BinaryField()),
                ('uploaded_by', fields.CharField(max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'credit_document', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'kyc_review_id']), Index(fields=['tenant_id', 'approval_request_id'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
        ops.CreateModel(
            name='OnboardingApplication',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.OneToOneField('models.CustomerAccount', source_field='customer_id', db_constraint=True, to_field='id', related_name='onboarding', on_delete=OnDelete.CASCADE)),
                ('source', fields.CharField(max_length=16)),
                ('step', fields.CharEnumField(default=OnboardingStep.APPLICATION, description='APPLICATION: application\nKYC: kyc\nCREDIT_DECISION: credit_decision\nAPPROVED: approved\nACTIVE: active\nREJECTED: rejected', enum_type=OnboardingStep, max_length=16)),
                ('step_since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('step_owner', fields.CharField(default='', max_length=16)),
                ('moved_by', fields.CharField(default='', max_length=254)),
                ('history', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('requested_limit', fields.BigIntField(null=True)),
                ('notes', fields.TextField(default='', unique=False)),
                ('created_by', fields.CharField(max_length=254)),
                ('decision_note', fields.TextField(default='', unique=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'onboarding_application', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'step', 'step_since'])], 'pk_attr': 'id'},
            bases=['TenantOwned', 'Timestamped'],
        ),
        ops.AddField(
            model_name='ApprovalRequest',
            name='reverted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApprovalRequest',
            name='valid_until',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='CustomerAccount',
            name='kyc_due_signalled_on',
            field=fields.DateField(null=True),
        ),
    ]

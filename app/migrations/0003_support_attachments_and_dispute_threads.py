from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_auth_sessions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SupportAttachment',
            fields=[
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.SupportRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('content', fields.BinaryField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'support_attachment', 'app': 'models', 'indexes': [Index(fields=['request_id'])], 'pk_attr': 'id'},
            bases=['TenantOwned'],
        ),
        ops.AddField(
            model_name='Dispute',
            name='contact',
            field=fields.ForeignKeyField('models.Contact', source_field='contact_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Dispute',
            name='support_request',
            field=fields.ForeignKeyField('models.SupportRequest', source_field='support_request_id', null=True, db_constraint=True, to_field='id', related_name='disputes', on_delete=OnDelete.SET_NULL),
        ),
    ]

"""A dunning letter's print queue (printed_at, printed_by) and the invoices billing a message's fee and
interest (charge_invoice_ids): app/collections/letters.py and app/collections/charges.py."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_rate_limits')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DunningMessage',
            name='charge_invoice_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='DunningMessage',
            name='printed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='DunningMessage',
            name='printed_by',
            field=fields.CharField(default='', max_length=254),
        ),
    ]

"""Partial indexes of the payments and credit notes applied after their own date (cash on account).

A trend's month ends (app/receivables/repository/month_ends.py) add back, for every date, the
applications dated after it of the cash dated by it. Only a document applied later than its own date can
ever have been unapplied at a month end; most cash is applied the day it arrives (the demo's data: none
of 99,246 payments of the last year). These indexes hold the few that were, so the trend reads those
instead of probing every application of the year's payments (docs/performance.md, "Console"). Partial
indexes, which the model Meta cannot express; the same statement on SQLite and PostgreSQL.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_CREATE = (
    "CREATE INDEX payment_applied_late ON payment (tenant_id, last_applied_on) "
    "WHERE last_applied_on > received_date",
    "CREATE INDEX credit_note_applied_late ON credit_note (tenant_id, last_applied_on) "
    "WHERE last_applied_on > date",
)
_DROP = ("DROP INDEX payment_applied_late", "DROP INDEX credit_note_applied_late")


class Migration(migrations.Migration):
    dependencies = [('models', '0019_tenant_keys')]

    initial = False

    operations = [
        ops.RunSQL(list(_CREATE), reverse_sql=list(_DROP)),
    ]

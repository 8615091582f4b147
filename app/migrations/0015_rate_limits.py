"""Rate-limit counters in the database (app/models/rate_limit.py), shared by the server processes of a
PostgreSQL deployment without Redis. Numbered after the migrations of the branches being merged beside it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_collections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('count', fields.IntField()),
                ('expires_at', fields.FloatField(description="When the window ends, in the system's epoch seconds (``limits`` measures windows that way).")),
            ],
            options={'table': 'rate_limit_counter', 'app': 'models', 'pk_attr': 'key'},
            bases=['Model'],
        ),
    ]

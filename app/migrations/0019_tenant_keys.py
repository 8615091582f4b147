"""Primary, unique and foreign keys of every tenant-owned table include ``tenant_id`` (PostgreSQL only).

What a tenant-sharded PostgreSQL (Citus) requires of each distributed table, made now while it is cheap
(issue 22, docs/scaling.md "Citus"); it also lets the database itself refuse a row that points at
another tenant's row. The rules and the rewrite live in app/db/citus_keys.py, whose check
tests/test_citus_keys.py runs against the migrated schema. SQLite keeps its keys: it has no shards, and
the services already scope every row to its tenant.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def _tenant_keys(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    from app.db import citus_keys

    await citus_keys.make_compatible(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0018_onboarding_and_documents")]

    initial = False

    operations = [
        ops.RunPython(_tenant_keys, reverse_code=ops.RunPython.noop),
    ]

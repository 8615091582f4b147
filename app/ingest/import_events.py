"""What an import tells the tenant's webhook endpoints: ``invoice.created`` / ``invoice.updated`` and
``credit_note.created`` per record, then ``import.completed`` with the batch's counts, all in the
import's transaction (a refused batch writes no row and emits nothing).

A batch that creates or updates more than ``MAX_EVENTS_PER_TYPE`` records of a type (the initial load
of an ERP, 100,000 invoices) emits no per-record events of that type: ``import.completed`` then says
``perRecordEvents: false`` for it, and receivers read the changes through the API instead of getting a
flood of events that would delay every other delivery for hours.
"""

from __future__ import annotations

from app.realtime import repository as realtime_reads
from app.realtime.events import customers_changed
from app.realtime.publish import publish_after_commit
from app.scope import Scope
from app.webhooks import payloads
from app.webhooks import repository as webhook_reads
from app.webhooks.events import emit, emit_many, subscribed

MAX_EVENTS_PER_TYPE = 1000


async def announce(scope: Scope, touched: dict[str, tuple[list[int], list[int]]]) -> None:
    """Tell real-time subscribers, after the commit, which customers' balances the import changed:
    one event per customer, whatever the number of records (app.realtime)."""
    customers: set[int] = set()
    for record_type, model in realtime_reads.OWNED.items():
        created, updated = touched.get(record_type, ([], []))
        if created or updated:
            customers |= await realtime_reads.customers_of(scope, model, [*created, *updated])
    publish_after_commit(*customers_changed(scope.tenant_id, customers, "import.completed"))


async def emit_for(
    scope: Scope, counts: dict[str, dict[str, int]], touched: dict[str, tuple[list[int], list[int]]]
) -> None:
    await announce(scope, touched)
    wanted = await subscribed(
        scope, "invoice.created", "invoice.updated", "credit_note.created", "import.completed"
    )
    if not wanted:
        return
    created_invoices, updated_invoices = touched.get("invoices", ([], []))
    created_notes, _ = touched.get("creditNotes", ([], []))
    per_record = {
        "invoices": len(created_invoices) + len(updated_invoices) <= MAX_EVENTS_PER_TYPE,
        "creditNotes": len(created_notes) <= MAX_EVENTS_PER_TYPE,
    }
    if per_record["invoices"] and (created_invoices or updated_invoices):
        rows = {i.id: i for i in await webhook_reads.invoices(scope, created_invoices + updated_invoices)}
        await emit_many(scope, "invoice.created", [payloads.invoice(rows[i]) for i in created_invoices])
        await emit_many(scope, "invoice.updated", [payloads.invoice(rows[i]) for i in updated_invoices])
    if per_record["creditNotes"] and created_notes:
        notes = await webhook_reads.credit_notes(scope, created_notes)
        await emit_many(scope, "credit_note.created", [payloads.credit_note(n) for n in notes])
    data = {
        "counts": {t: c for t, c in counts.items() if any(c.values())},
        "perRecordEvents": per_record,
        "version": payloads.version(None),
    }
    await emit(scope, "import.completed", data)

"""Dunning fees and interest as invoices, when the tenant's file says ``[dunning] invoice_charges = true``.

A message shows its step's fee and statutory interest (``app.collections.plan``); with ``invoice_charges``
the run also bills them: one invoice per message and currency whose charges are above zero, with a line
for the fee and a line for the interest, issued on the run's day and due ``charges_due_days`` later. It
goes through the ingest path (``app.ingest.service.import_batch``) so it is validated, numbered, audited,
announced to webhooks and summed into every receivables figure exactly like an imported invoice; and it is
written inside the run's transaction (a savepoint), so a run that fails bills nothing, and a run that
commits has billed exactly what its messages show.

Keys make it happen once: the external id is ``dunning-charge:<message id>:<currency>`` and a message is
written once per customer and day. The invoice number is the tenant's ``charges_number_prefix`` followed by
the message id (and the currency when a message bills in more than one).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.collections.repositories import charges as repository
from app.ingest.format import empty_batch
from app.ingest.service import import_batch
from app.money import format_decimal_string
from app.scope import Scope
from app.tenancy.dunning import DunningConfig

EXTERNAL_ID = "dunning-charge:{message_id}:{currency}"


def charge_invoices(
    config: DunningConfig,
    *,
    message_id: int,
    customer_ref: str,
    run_on: date,
    step,
    lines: list[dict],
    totals: list[dict],
) -> list[dict]:
    """The ingest records billing one message's charges (none when it charges nothing)."""
    charged = [t for t in totals if t["fee"] > 0 or t["interest"] > 0]
    records = []
    for total in charged:
        currency = total["currency"]
        suffix = f"-{currency}" if len(charged) > 1 else ""
        numbers = ", ".join(li["number"] for li in lines if li["currency"] == currency and li["interest"])
        items = []
        if total["fee"]:
            items.append({
                "description": f"Dunning fee ({step.name})",
                "unitPrice": format_decimal_string(total["fee"], currency),
            })  # fmt: skip
        if total["interest"]:
            items.append({
                "description": f"Interest at {step.interest_rate} % a year from the due date on {numbers}, "
                f"to {run_on.isoformat()}",
                "unitPrice": format_decimal_string(total["interest"], currency),
            })  # fmt: skip
        records.append(
            {
                "externalId": EXTERNAL_ID.format(message_id=message_id, currency=currency),
                "number": f"{config.charges_number_prefix}{message_id}{suffix}",
                "customer": customer_ref,
                "issueDate": run_on.isoformat(),
                "dueDate": (run_on + timedelta(days=config.charges_due_days)).isoformat(),
                "currency": currency,
                "lines": items,
            }
        )
    return records


async def bill(scope: Scope, records: list[dict]) -> dict[str, int]:
    """Import the charge invoices in the caller's transaction; their ids by external id.

    The run was allowed by ``collections.act``; billing what the tenant's own file says to bill is part of
    it, so the import runs as the system on the caller's behalf (the audit row names the caller)."""
    if not records:
        return {}
    batch = empty_batch()
    batch["invoices"] = records
    system = Scope.system(scope.tenant_id, scope.tenant_slug, principal=f"dunning:{scope.principal}")
    await import_batch(system, batch)
    return await repository.invoice_ids(scope, [r["externalId"] for r in records])

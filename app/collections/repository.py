"""Every query of dunning and collection work, each starting from the caller's scope."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Max

from app.customers.filters import CustomerFilter
from app.customers.repository import customer_condition
from app.db.scoping import new_row, scoped
from app.db.sql import as_date, as_int, fetch_all
from app.models import (
    CollectionActivity,
    CollectionTask,
    CustomerAccount,
    Dispute,
    DunningInvoiceStep,
    DunningMessage,
    DunningPause,
    DunningRun,
    DunningSkip,
    Invoice,
    Membership,
    Payment,
    PromiseInvoice,
    PromiseToPay,
    StatementDelivery,
)
from app.models.enums import InvoiceStatus, PromiseStatus, StaffRole
from app.receivables.repository.open_items import GroupBy, held_by_disputes, open_items, probes
from app.scope import Scope

# Ids bound into one IN (...) at most: PostgreSQL refuses a statement with more than 32,767 parameters.
ID_CHUNK = 10_000


async def open_invoices(
    scope: Scope, as_of: date, due_by: date, customer_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Invoices open as of ``as_of`` and due on or before ``due_by``, oldest due first per customer, with
    ``disputed``: what open disputes (opened by then) hold of each. One query for the whole tenant (or for
    ``customer_ids``, probing their invoices by index)."""
    selective = customer_ids is not None
    flt = CustomerFilter(customer_ids=frozenset(customer_ids)) if selective else CustomerFilter()
    condition, params = customer_condition(scope, flt)
    held, held_join = held_by_disputes("o.invoice_id", probes(selective))
    sql = f"""
SELECT o.invoice_id, o.customer_id, o.number, o.currency, o.due_date, o.open_amount, {held} AS disputed
FROM ({open_items(GroupBy.NONE, condition, selective)}) o{held_join}
WHERE o.open_amount > 0 AND o.due_date <= :due_by
ORDER BY o.customer_id, o.due_date, o.invoice_id"""
    rows = await fetch_all(sql, {**params, "as_of": as_of, "due_by": due_by})
    for row in rows:
        row["due_date"] = as_date(row["due_date"])
        row["open_amount"] = as_int(row["open_amount"])
        row["disputed"] = as_int(row["disputed"])
    return rows


async def customers(scope: Scope, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What the run needs of each customer: its name, number, segment, rating, policy and address."""
    wanted = sorted(set(ids))
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), ID_CHUNK):
        rows = (
            await scoped(CustomerAccount, scope)
            .filter(id__in=wanted[start : start + ID_CHUNK])
            .values(
                "id",
                "external_id",
                "legal_name",
                "account_number",
                "segment",
                "risk_rating",
                "dunning_policy",
                "billing_email",
            )
        )
        out.update((row["id"], row) for row in rows)
    return out


async def steps_had(scope: Scope, invoice_ids: Iterable[int]) -> set[tuple[int, str, int]]:
    """(invoice id, policy, step index) of every step these invoices had; the ids go in chunks (a
    portfolio's open invoices are more than a statement may bind: PostgreSQL takes 32,767 parameters)."""
    ids = sorted(set(invoice_ids))
    out: set[tuple[int, str, int]] = set()
    for start in range(0, len(ids), ID_CHUNK):
        rows = (
            await scoped(DunningInvoiceStep, scope)
            .filter(invoice_id__in=ids[start : start + ID_CHUNK])
            .values_list("invoice_id", "policy", "step_index")
        )
        out.update((r[0], r[1], r[2]) for r in rows)
    return out


async def messaged_on(scope: Scope, day: date) -> set[int]:
    """Customers who had a dunning message on ``day`` (one a day, whatever the run)."""
    return set(await scoped(DunningMessage, scope).filter(sent_on=day).values_list("customer_id", flat=True))


async def pauses_in_force(scope: Scope, as_of: date) -> list[DunningPause]:
    """Staff pauses not resumed and not past their resume date on ``as_of``."""
    until_resumed = Q(resume_on__isnull=True) | Q(resume_on__gt=as_of)
    return list(
        await scoped(DunningPause, scope).filter(until_resumed, resumed_at__isnull=True).order_by("id")
    )


async def open_promises(scope: Scope) -> list[tuple[PromiseToPay, list[int]]]:
    """Open promises to pay with the invoices each covers (empty: the whole account)."""
    promises = list(await scoped(PromiseToPay, scope).filter(status=PromiseStatus.OPEN).order_by("id"))
    links = (
        await scoped(PromiseInvoice, scope)
        .filter(promise_id__in=[p.id for p in promises])
        .values_list("promise_id", "invoice_id")
    )
    covered: dict[int, list[int]] = {}
    for promise_id, invoice_id in links:
        covered.setdefault(promise_id, []).append(invoice_id)
    return [(p, sorted(covered.get(p.id, []))) for p in promises]


async def add_run(scope: Scope, run_on: date, trigger: str, now: datetime) -> DunningRun:
    run = new_row(
        DunningRun, scope, run_on=run_on, trigger=trigger, started_at=now, started_by=scope.principal
    )
    await run.save()
    return run


async def finish_run(scope: Scope, run_id: int, now: datetime, sent: int, skipped: int) -> None:
    await scoped(DunningRun, scope).filter(id=run_id).update(finished_at=now, sent=sent, skipped=skipped)


async def add_message(scope: Scope, **values: Any) -> DunningMessage:
    message = new_row(DunningMessage, scope, **values)
    await message.save()
    return message


async def set_message_job(scope: Scope, message_id: int, job_id: int | None) -> None:
    await scoped(DunningMessage, scope).filter(id=message_id).update(job_id=job_id)


async def set_message_charges(scope: Scope, message_id: int, invoice_ids: list[int]) -> None:
    await scoped(DunningMessage, scope).filter(id=message_id).update(charge_invoice_ids=invoice_ids)


async def add_steps(scope: Scope, message_id: int, policy: str, steps: list[tuple[int, int]]) -> None:
    await DunningInvoiceStep.bulk_create(
        [new_row(DunningInvoiceStep, scope, message_id=message_id, invoice_id=i, policy=policy, step_index=s)
         for i, s in steps]
    )  # fmt: skip


async def add_skips(scope: Scope, run_id: int, skips: list[tuple[int, str, str]]) -> None:
    await DunningSkip.bulk_create(
        [new_row(DunningSkip, scope, run_id=run_id, customer_id=c, reason=r, detail=d) for c, r, d in skips]
    )


async def add_task(scope: Scope, **values: Any) -> CollectionTask:
    task = new_row(CollectionTask, scope, **values)
    await task.save()
    return task


async def message(scope: Scope, message_id: int) -> DunningMessage | None:
    return await scoped(DunningMessage, scope).get_or_none(id=message_id)


async def run(scope: Scope, run_id: int) -> DunningRun | None:
    return await scoped(DunningRun, scope).get_or_none(id=run_id)


async def runs(scope: Scope, offset: int, limit: int) -> tuple[list[DunningRun], int]:
    query = scoped(DunningRun, scope)
    return list(await query.order_by("-id").offset(offset).limit(limit)), await query.count()


async def messages_of_runs(scope: Scope, run_ids: list[int]) -> list[DunningMessage]:
    return list(await scoped(DunningMessage, scope).filter(run_id__in=run_ids).order_by("id"))


async def skips_of_runs(scope: Scope, run_ids: list[int]) -> list[DunningSkip]:
    return list(await scoped(DunningSkip, scope).filter(run_id__in=run_ids).order_by("id"))


async def messages_of_customer(scope: Scope, customer_id: int) -> list[DunningMessage]:
    return list(await scoped(DunningMessage, scope).filter(customer_id=customer_id).order_by("id"))


async def tasks(scope: Scope, customer_id: int | None = None) -> list[CollectionTask]:
    query = scoped(CollectionTask, scope)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return list(await query.order_by("due_on", "id"))


async def collectors(scope: Scope) -> list[str]:
    """Emails of the tenant's staff in the collections role, in a stable order (round-robin assignment)."""
    rows = (
        await scoped(Membership, scope)
        .filter(role=StaffRole.COLLECTIONS)
        .values_list("user__email", flat=True)
    )
    return sorted(set(rows))


async def mark_promises(scope: Scope, promise_ids: list[int], status: PromiseStatus) -> None:
    if promise_ids:
        await (
            scoped(PromiseToPay, scope)
            .filter(id__in=promise_ids, status=PromiseStatus.OPEN)
            .update(status=status)
        )


async def customer_exists(scope: Scope, customer_id: int) -> bool:
    return await scoped(CustomerAccount, scope).filter(id=customer_id).exists()


async def invoice_customer(scope: Scope, invoice_id: int) -> int | None:
    """The customer of an invoice the scope sees, or None."""
    found = await scoped(Invoice, scope).filter(id=invoice_id).first().values("customer_id")
    return found["customer_id"] if found else None


async def add_pause(scope: Scope, **values: Any) -> DunningPause:
    pause = new_row(DunningPause, scope, **values)
    await pause.save()
    return pause


async def pause(scope: Scope, pause_id: int) -> DunningPause | None:
    return await scoped(DunningPause, scope).get_or_none(id=pause_id)


async def end_pause(scope: Scope, pause_id: int, now: datetime, by: str) -> int:
    """Resume a pause still in force; how many rows changed (0: it had ended already)."""
    return (
        await scoped(DunningPause, scope)
        .filter(id=pause_id, resumed_at__isnull=True)
        .update(resumed_at=now, resumed_by=by)
    )


async def pauses_of_customers(scope: Scope, customer_ids: list[int]) -> list[DunningPause]:
    return list(await scoped(DunningPause, scope).filter(customer_id__in=customer_ids).order_by("-id"))


async def add_activity(scope: Scope, **values: Any) -> CollectionActivity:
    row = new_row(CollectionActivity, scope, **values)
    await row.save()
    return row


async def activities_of(scope: Scope, customer_ids: list[int]) -> list[CollectionActivity]:
    return list(
        await scoped(CollectionActivity, scope).filter(customer_id__in=customer_ids).order_by("-at", "-id")
    )


async def open_invoice_ids(scope: Scope, customer_id: int, invoice_ids: list[int]) -> list[int]:
    """Those of ``invoice_ids`` that are open (not paid, void, draft or written off) invoices of the customer."""
    return list(
        await scoped(Invoice, scope)
        .filter(id__in=invoice_ids, customer_id=customer_id, status=InvoiceStatus.OPEN)
        .values_list("id", flat=True)
    )


async def customer_currency(scope: Scope, customer_id: int) -> str | None:
    found = await scoped(CustomerAccount, scope).filter(id=customer_id).first().values("currency")
    return found["currency"] if found else None


async def add_promise(scope: Scope, invoice_ids: list[int], **values: Any) -> PromiseToPay:
    promise = new_row(PromiseToPay, scope, **values)
    await promise.save()
    await PromiseInvoice.bulk_create(
        [new_row(PromiseInvoice, scope, promise_id=promise.id, invoice_id=i) for i in invoice_ids]
    )
    return promise


async def last_messages(scope: Scope, customer_ids: list[int]) -> dict[int, DunningMessage]:
    """The latest dunning message of each customer."""
    rows = (
        await scoped(DunningMessage, scope)
        .filter(customer_id__in=customer_ids)
        .order_by("customer_id", "-id")
    )
    out: dict[int, DunningMessage] = {}
    for row in rows:
        out.setdefault(row.customer_id, row)
    return out


async def latest_touches(scope: Scope, customer_ids: list[int]) -> dict[int, datetime]:
    """Per customer, the latest collection activity or dunning message (grouped in SQL, two queries)."""
    out: dict[int, datetime] = {}
    for model, column in ((CollectionActivity, "at"), (DunningMessage, "created_at")):
        rows = await (
            scoped(model, scope)
            .filter(customer_id__in=customer_ids)
            .annotate(latest=Max(column))
            .group_by("customer_id")
            .values("customer_id", "latest")
        )
        for row in rows:
            latest = row["latest"]
            if isinstance(latest, str):  # SQLite's raw aggregate
                latest = datetime.fromisoformat(latest)
            if latest is not None and (row["customer_id"] not in out or latest > out[row["customer_id"]]):
                out[row["customer_id"]] = latest
    return out


# The timeline's sources: model, date column, and how each row reads (kind, reference, amount, currency).
async def timeline_rows(scope: Scope, customer_id: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The newest ``limit`` entries of each of the customer's sources (invoices, payments, dunning
    messages, activities, promises, disputes) and how many there are in all: the caller merges and pages."""
    sources = (
        (Invoice, "issue_date", ("id", "issue_date", "number", "total", "currency", "status")),
        (Payment, "received_date", ("id", "received_date", "reference", "amount", "currency", "status")),
        (
            DunningMessage,
            "sent_on",
            ("id", "customer_id", "sent_on", "step_name", "channel", "attachment", "recipient"),
        ),
        (CollectionActivity, "at", ("id", "at", "kind", "outcome", "note", "by")),
        (PromiseToPay, "created_at", ("id", "created_at", "promised_date", "amount", "currency", "status")),
        (Dispute, "opened_on", ("id", "opened_on", "reason_code", "amount", "currency", "status")),
    )
    rows: list[dict[str, Any]] = []
    total = 0
    for model, column, wanted in sources:
        query = scoped(model, scope).filter(customer_id=customer_id)
        total += await query.count()
        for row in await query.order_by(f"-{column}", "-id").limit(limit).values(*wanted):
            rows.append({"source": model.__name__, "on": row[column], **row})
    return rows, total


async def all_customers(scope: Scope) -> list[tuple[int, str]]:
    """(id, currency) of every customer, in id order."""
    return list(await scoped(CustomerAccount, scope).order_by("id").values_list("id", "currency"))


async def statement_deliveries(scope: Scope, schedule: str, as_of: date) -> list[StatementDelivery]:
    return list(await scoped(StatementDelivery, scope).filter(schedule=schedule, as_of=as_of).order_by("id"))


async def record_statement(scope: Scope, **values: Any) -> None:
    """Record (or, for a retry of the same run, update) one customer's statement delivery."""
    keys = {k: values[k] for k in ("schedule", "as_of", "customer_id", "currency")}
    rest = {k: v for k, v in values.items() if k not in keys}
    if not await scoped(StatementDelivery, scope).filter(**keys).update(**rest):
        await new_row(StatementDelivery, scope, **values).save()

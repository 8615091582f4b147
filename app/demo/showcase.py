"""The accounts the demo's contacts sign in to: ones a newcomer learns something from.

The banner's first contacts used to be granted the first accounts by id, which often owed nothing past
due and had blank billing details, so a newcomer never saw dunning-worthy data. The demo now picks
seeded accounts with overdue invoices and an open dispute (or opens one, through ingest, on an account
with two overdue invoices), fills their billing details where blank, and gives each an open promise to
pay on an overdue invoice that is not disputed. Running it again changes nothing that is already there.
"""

from __future__ import annotations

from datetime import timedelta

from app.demo import repository
from app.ingest.service import import_batch
from app.models import CustomerAccount, Invoice
from app.money import format_decimal_string
from app.scope import Scope
from app.tenancy.config import TenantConfig

PROMISE_IN_DAYS = 7
STREETS = ("Harbour Road", "Market Street", "Station Avenue", "Mill Lane", "Commerce Park")


def billing_details_for(account: CustomerAccount) -> dict[str, str]:
    """Plausible billing details for a seeded account (the seed carries none)."""
    number = account.id % 90 + 10
    street = STREETS[account.id % len(STREETS)]
    domain = "".join(ch for ch in account.legal_name.lower() if ch.isalnum())[:24] or "customer"
    return {
        "billing_address": f"{account.legal_name}\nAccounts Payable\n{number} {street}\n{account.country or ''}".strip(),
        "billing_email": f"ap@{domain}.example",
        "tax_id": f"{account.country or 'XX'}{account.id:09d}",
    }


async def choose(scope: Scope, today, count: int) -> list[CustomerAccount]:
    """Accounts with an open dispute and something else overdue first, then accounts with two or more
    overdue invoices (one gets a dispute), then the first accounts (a tiny seed has no better). A rerun
    keeps the accounts an earlier run chose, so the banner's identities stay the same."""
    before = await repository.shown_before(scope)
    if len(before) >= count:
        return await repository.accounts(scope, before[:count])
    overdue = await repository.overdue_undisputed_counts(scope, today)
    disputed = await repository.customers_with_open_disputes(scope)
    best = sorted(c for c, n in overdue.items() if c in disputed)
    next_best = sorted(c for c, n in overdue.items() if c not in disputed and n >= 2)
    chosen = await repository.accounts(scope, (best + next_best)[:count])
    if len(chosen) < count:
        ids = {a.id for a in chosen}
        chosen += [a for a in await repository.first_accounts(scope, count * 2) if a.id not in ids]
    return chosen[:count]


async def open_a_dispute(scope: Scope, account: CustomerAccount, invoice: Invoice) -> None:
    """A dispute as the ERP would send it, through the ingest path like every seeded one."""
    open_amount = invoice.total - invoice.settled
    disputed = max(1, open_amount // 5)
    await import_batch(
        scope,
        {
            "disputes": [
                {
                    "externalId": f"DEMO-DSP-{invoice.external_id}",
                    "customer": account.external_id,
                    "invoice": invoice.external_id,
                    "kind": "dispute",
                    "amount": format_decimal_string(disputed, invoice.currency),
                    "currency": invoice.currency,
                    "reasonCode": "pricing",
                    "description": "Price differs from the agreed price list (demo data)",
                    "status": "open",
                    "openedOn": invoice.due_date.isoformat(),
                }
            ]
        },
    )


async def accounts_to_show(scope: Scope, config: TenantConfig, count: int) -> list[CustomerAccount]:
    """``count`` accounts worth showing, made ready: overdue, disputed, promised, with billing details."""
    today = config.today()
    chosen = await choose(scope, today, count)
    disputed = await repository.customers_with_open_disputes(scope)
    for account in chosen:
        if not (account.billing_address and account.billing_email):
            details = billing_details_for(account)
            await repository.fill_billing_details(scope, account.id, **details)
            for name, value in details.items():
                setattr(account, name, value)
        overdue = await repository.open_overdue_undisputed_invoices(scope, account.id, today)
        if account.id not in disputed and len(overdue) >= 2:
            await open_a_dispute(scope, account, overdue.pop(0))
        if overdue and not await repository.has_open_promise(scope, account.id):
            await repository.add_promise(
                scope,
                overdue[-1],
                today + timedelta(days=PROMISE_IN_DAYS),
                "Promised on a call with collections (demo data)",
            )
    return chosen

"""Customers, invoices and payer accounts for cash-application tests, in two tenants.

Tenant B (cloudly) holds a customer of the same name and invoices of the same numbers as tenant A
(northwind): whatever tenant A's bank file says, tenant B must stay untouched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.banking import service
from app.db.scoping import new_row
from app.models import CustomerAccount, Invoice
from app.scope import Scope
from tests.bank_files import BankTxn

ACME_IBAN = "DE89370400440532013000"
BOLT_IBAN = "GB29NWBK60161331926819"


async def customer(scope: Scope, key: str, name: str, currency: str = "USD") -> CustomerAccount:
    row = new_row(
        CustomerAccount,
        scope,
        external_id=key,
        account_number=f"ACC-{key.upper()}",
        legal_name=name,
        currency=currency,
    )
    await row.save()
    return row


async def invoice(
    scope: Scope, account: CustomerAccount, number: str, total: int, due: date, po: str = ""
) -> Invoice:
    row = new_row(
        Invoice,
        scope,
        customer_id=account.id,
        external_id=number,
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        currency=account.currency,
        subtotal=total,
        total=total,
        po_number=po,
    )
    await row.save()
    return row


@dataclass
class World:
    acme: CustomerAccount
    bolt: CustomerAccount
    cirrus: CustomerAccount
    delta: CustomerAccount
    inv: dict[str, Invoice]
    other_acme: CustomerAccount
    other_inv: dict[str, Invoice]


async def build(scope_a: Scope, scope_b: Scope) -> World:
    acme = await customer(scope_a, "acme", "Acme Corporation")
    bolt = await customer(scope_a, "bolt", "Bolt & Nut GmbH")
    cirrus = await customer(scope_a, "cirrus", "Cirrus Logistics Ltd")
    delta = await customer(scope_a, "delta", "Delta Foods Inc")
    await service.add_bank_account(scope_a, acme.id, "de89 3704 0044 0532 0130 00")
    await service.add_bank_account(scope_a, bolt.id, BOLT_IBAN)
    specs = [
        (acme, "INV-2026-0001", 100_000, date(2026, 4, 1), ""),
        (acme, "INV-2026-0002", 250_000, date(2026, 4, 15), ""),
        (acme, "INV-2026-0003", 40_000, date(2026, 5, 1), ""),
        (acme, "INV-2026-0004", 60_000, date(2026, 5, 10), ""),
        (bolt, "INV-2026-0005", 75_050, date(2026, 4, 20), "PO-77812"),
        (bolt, "INV-2026-0006", 12_345, date(2026, 5, 2), ""),
        (bolt, "INV-2026-0007", 30_000, date(2026, 5, 3), ""),
        (bolt, "INV-2026-0008", 20_000, date(2026, 5, 20), ""),
        (cirrus, "INV-2026-0009", 99_900, date(2026, 5, 5), ""),
        (cirrus, "INV-2026-0010", 5_000, date(2026, 5, 25), ""),
        (delta, "INV-2026-0011", 42_000, date(2026, 5, 12), ""),
        (delta, "INV-2026-0012", 18_000, date(2026, 5, 30), ""),
    ]
    inv = {}
    for account, number, total, due, po in specs:
        inv[number] = await invoice(scope_a, account, number, total, due, po)
    other_acme = await customer(scope_b, "acme", "Acme Corporation", "EUR")
    other_inv = {}
    for number, total in (("INV-2026-0001", 100_000), ("INV-2026-0013", 55_000)):
        other_inv[number] = await invoice(scope_b, other_acme, number, total, date(2026, 4, 1))
    return World(acme, bolt, cirrus, delta, inv, other_acme, other_inv)


def noisy(number: str, rng: random.Random) -> str:
    """How people and scanners write ``number``: other separators and case, O for 0, I or l for 1."""
    text = number
    text = rng.choice(
        [text, text.replace("-", " "), text.replace("-", "/"), text.replace("-", ""), text.lower()]
    )
    out = []
    for ch in text:
        if ch == "0" and rng.random() < 0.3:
            ch = "O"
        elif ch == "1" and rng.random() < 0.3:
            ch = rng.choice("Il")
        out.append(ch)
    return rng.choice(["", "Invoice ", "RE: ", "payment "]) + "".join(out)


@dataclass(frozen=True)
class Truth:
    """What a generated line really pays: the customer, and invoice -> amount (a hand check)."""

    customer_key: str | None
    allocations: dict[str, int]
    recoverable: bool


def name_variant(name: str, rng: random.Random) -> str:
    return rng.choice(
        [name, name.upper(), name.replace(" Ltd", " Limited"), name.split(" ")[0] + " Payments Dept"]
    )


async def portfolio(
    scope: Scope, customers: int, rng: random.Random
) -> dict[str, tuple[CustomerAccount, list[Invoice]]]:
    """``customers`` customers with 3-6 open invoices each, for the match-rate run."""
    words = [
        "Nordic",
        "Alpine",
        "Harbor",
        "Summit",
        "Prairie",
        "Coastal",
        "Granite",
        "Cedar",
        "Maple",
        "Orchid",
    ]
    kinds = ["Tools", "Foods", "Energy", "Textiles", "Logistics", "Systems", "Motors", "Labs"]
    made = {}
    n = 0
    for c in range(customers):
        name = (
            f"{words[c % len(words)]} {kinds[(c // len(words)) % len(kinds)]} {['Ltd', 'Inc', 'GmbH'][c % 3]}"
        )
        account = await customer(scope, f"p{c}", name)
        invoices = []
        for _ in range(rng.randint(3, 6)):
            n += 1
            total = rng.randint(50, 5000) * 100 + rng.choice([0, 50, 99])
            due = date(2026, 3, 1) + timedelta(days=rng.randint(0, 80))
            invoices.append(
                await invoice(
                    scope, account, f"SO-{26000 + n:06d}", total, due, f"PO{rng.randint(10000, 99999)}"
                )
            )
        made[account.external_id] = (account, invoices)
    return made


def generated_lines(made, rng: random.Random, count: int) -> list[tuple[BankTxn, Truth]]:
    """Lines of every kind the issue names, with the truth a person would write down for each."""
    out = []
    keys = sorted(made)
    used: set[int] = set()
    for n in range(count):
        key = rng.choice(keys)
        account, invoices = made[key]
        free = [i for i in invoices if i.id not in used]
        kind = rng.choices(["exact", "short", "several", "noref", "unknown"], [40, 20, 25, 10, 5])[0]
        if not free or (kind == "several" and len(free) < 2):
            kind = "noref"
        name = name_variant(account.legal_name, rng)
        if kind == "unknown":
            txn = BankTxn(f"GEN-{n}", f"{rng.randint(10, 999)}.17", "thank you", "Someone Else", "")
            out.append((txn, Truth(None, {}, False)))
            continue
        if kind == "noref":
            txn = BankTxn(
                f"GEN-{n}", f"{rng.randint(10, 999)}.{rng.randint(10, 99)}", "monthly transfer", name
            )
            out.append((txn, Truth(key, {}, False)))
            continue
        chosen = sorted(rng.sample(free, 2 if kind == "several" else 1), key=lambda i: (i.due_date, i.id))
        used.update(i.id for i in chosen)
        total = sum(i.total for i in chosen)
        amount = total if kind != "short" else total - rng.randint(1, chosen[-1].total // 2)
        allocations, left = {}, amount
        for i in chosen:
            allocations[i.number] = min(left, i.total)
            left -= allocations[i.number]
        refs = " ".join(noisy(i.number, rng) for i in chosen)
        whole, cents = divmod(amount, 100)
        txn = BankTxn(f"GEN-{n}", f"{whole}.{cents:02d}", refs, name)
        out.append((txn, Truth(key, allocations, True)))
    return out

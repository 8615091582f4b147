"""Demo data: a tenant's customers and about ``months`` of receivables history, as ingest batches.

Deterministic for a seed (each customer draws from its own ``Random(seed, index)``) and dated relative to
``today`` so the demo always looks current. Customers follow one of a few payment behaviours, so every
dashboard has something to show: prompt payers, chronic late payers, partial payers, disputers (with
dispute rows and credit notes), accounts over their credit limit, KYC reviews falling due, letters of
credit near expiry, cash on account, FX rates for every invoice currency, and lines with cost.
The batches go through ``import_batch`` like any ERP's.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import clock
from app.ingest import repository
from app.ingest.format import Batch, batch_size, empty_batch
from app.ingest.service import ImportResult, import_batch
from app.ingest.tables import TABLES
from app.money import exponent, format_decimal_string
from app.scope import Scope
from app.tenancy.service import current_tenant

CUSTOMERS_PER_BATCH = 1_000

# Units of a USD price in each currency (rough, for price lists) and the FX rates the seeder writes.
USD_RATES = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "JPY": 0.0067}
REGION = {"USD": "AMER", "EUR": "EMEA", "GBP": "EMEA", "JPY": "APAC"}
COUNTRIES = {
    "USD": ["US", "US", "CA", "MX"],
    "EUR": ["DE", "FR", "NL", "IT", "ES"],
    "GBP": ["GB"],
    "JPY": ["JP"],
}
SEGMENTS = ["OEM", "Distribution", "Retail", "Industrial", "Government"]
WORDS_A = [
    "Apex",
    "Blue",
    "Cedar",
    "Delta",
    "Echo",
    "Falcon",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pine",
    "Quartz",
    "River",
    "Summit",
    "Titan",
    "Vertex",
    "Willow",
]
WORDS_B = [
    "Systems",
    "Electronics",
    "Robotics",
    "Devices",
    "Automation",
    "Labs",
    "Networks",
    "Controls",
    "Instruments",
    "Manufacturing",
    "Technologies",
    "Motors",
    "Solutions",
    "Circuits",
]
PRODUCTS = [
    ("Connector kit", 12.5),
    ("Relay module", 48.0),
    ("Power supply 24V", 89.0),
    ("Sensor array", 140.0),
    ("Cable harness", 23.75),
    ("Controller board", 310.0),
    ("Capacitor reel", 65.0),
    ("LED panel", 54.9),
]
PLANS = [("Cloudly Team plan", 490.0), ("Cloudly Business plan", 1490.0), ("Cloudly Enterprise plan", 4900.0)]
BEHAVIOURS = [
    ("prompt", 45),
    ("late", 20),
    ("partial", 12),
    ("disputer", 8),
    ("over_limit", 5),
    ("on_account", 10),
]
DISPUTE_REASONS = ["pricing", "damaged_goods", "short_shipment", "duplicate_billing", "service_level"]


@dataclass(frozen=True)
class Profile:
    """What kind of tenant is seeded: a distributor invoicing in four currencies, or a SaaS vendor."""

    prefix: str
    currencies: tuple[tuple[str, int], ...]
    subscription: bool
    terms: tuple[int, ...]
    tax_rate: float
    cost_share: tuple[float, float]


def profile_for(base_currency: str) -> Profile:
    if base_currency == "EUR":
        return Profile("CL", (("EUR", 1),), True, (14, 30), 0.19, (0.15, 0.3))
    return Profile(
        "NW", (("USD", 60), ("EUR", 20), ("GBP", 12), ("JPY", 8)), False, (30, 30, 45, 60), 0.0, (0.55, 0.8)
    )


def _amount(minor: int, currency: str) -> str:
    return format_decimal_string(minor, currency)


def _price(usd: float, currency: str, rnd: random.Random) -> int:
    """A unit price in minor units of ``currency`` for a USD list price, with a little variation."""
    value = usd / USD_RATES[currency] * rnd.uniform(0.9, 1.1)
    return max(1, round(value * 10 ** exponent(currency)))


def _to_base(minor: int, currency: str, base: str) -> int:
    """Roughly what ``minor`` units of ``currency`` are in minor units of ``base`` (for credit limits)."""
    units = minor / 10 ** exponent(currency) * USD_RATES[currency] / USD_RATES.get(base, 1.0)
    return round(units * 10 ** exponent(base))


def _month_starts(today: date, months: int) -> list[date]:
    starts, current = [], today.replace(day=1)
    for _ in range(months):
        starts.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def fx_rates(base: str, currencies: list[str], today: date, months: int, rnd: random.Random) -> list[dict]:
    """Monthly rates for every non-base currency, plus one dated today (a figure always finds a rate).

    On the 1st of a month today is also a month start: one rate per currency and date, or the batch
    is refused as a duplicate key."""
    out = []
    days = list(dict.fromkeys([*_month_starts(today, months + 1), today]))
    for currency in currencies:
        if currency == base:
            continue
        level = USD_RATES[currency] / USD_RATES.get(base, 1.0)
        for day in days:
            level *= rnd.uniform(0.985, 1.015)
            out.append({"currency": currency, "date": day.isoformat(), "rate": f"{level:.6f}"})
    return out


class _CustomerSeeder:
    def __init__(self, profile: Profile, base: str, seed: int, index: int, today: date, months: int) -> None:
        self.p = profile
        self.base = base
        self.rnd = random.Random(f"{seed}:{index}")
        self.index = index
        self.today = today
        self.months = months
        self.ext = f"{profile.prefix}-C{index:06d}"
        self.counter = 0

    def next_id(self, kind: str) -> str:
        self.counter += 1
        return f"{self.ext}-{kind}{self.counter:04d}"

    def build(self, batch: Batch) -> None:
        rnd = self.rnd
        behaviour = rnd.choices([b for b, _ in BEHAVIOURS], [w for _, w in BEHAVIOURS])[0]
        currency = rnd.choices([c for c, _ in self.p.currencies], [w for _, w in self.p.currencies])[0]
        terms = rnd.choice(self.p.terms)
        name = f"{rnd.choice(WORDS_A)} {rnd.choice(WORDS_B)} {self.index}"
        kyc_next = self.today + timedelta(days=rnd.randint(-20, 365))
        customer: dict[str, Any] = {
            "externalId": self.ext,
            "accountNumber": f"{self.p.prefix}-{100000 + self.index}",
            "name": name,
            "region": REGION[currency],
            "country": rnd.choice(COUNTRIES[currency]),
            "segment": rnd.choice(SEGMENTS),
            "currency": currency,
            "paymentTermsDays": terms,
            "riskRating": rnd.choice("AABBBCCCDE") if behaviour != "over_limit" else rnd.choice("DE"),
            "salesOwner": f"sales{self.index % 12 + 1}@{'cloudly' if self.p.subscription else 'northwind'}.example",
            "kycStatus": "approved" if kyc_next >= self.today else "expired",
            "kycNextReview": kyc_next.isoformat(),
            "contacts": [
                {
                    "email": f"ap{self.index}@customer{self.index}.example",
                    "name": f"Accounts Payable {self.index}",
                    "role": "payer",
                }
            ],
        }
        if self.index % 40 and self.index % 40 < 4 and self.index > 4:
            customer["parent"] = f"{self.p.prefix}-C{self.index - self.index % 40:06d}"
        invoices, open_total = self.invoices(batch, currency, terms, behaviour)
        exposure = _to_base(open_total, currency, self.base)
        # Over-limit accounts owe more than their limit; the rest have headroom.
        factor = 0.6 if behaviour == "over_limit" else rnd.uniform(2, 5)
        customer["creditLimit"] = _amount(max(100_000, round(exposure * factor, -4)), self.base)
        batch["customers"].append(customer)
        batch["invoices"].extend(invoices)
        if not self.p.subscription and currency != "USD" and rnd.random() < 0.08:
            issue = self.today - timedelta(days=rnd.randint(200, 340))
            expiry = self.today + timedelta(days=rnd.choice([rnd.randint(3, 28), rnd.randint(60, 300)]))
            batch["lettersOfCredit"].append(
                {
                    "externalId": self.next_id("LC"),
                    "customer": self.ext,
                    "kind": "letter_of_credit",
                    "reference": f"LC-{self.index:06d}",
                    "issuingBank": rnd.choice(["HSBC", "BNP Paribas", "MUFG"]),
                    "amount": _amount(max(open_total, 10 ** exponent(currency)), currency),
                    "currency": currency,
                    "issueDate": issue.isoformat(),
                    "expiryDate": expiry.isoformat(),
                    "status": "active",
                }
            )

    def invoices(self, batch: Batch, currency: str, terms: int, behaviour: str) -> tuple[list[dict], int]:
        rnd, out, open_total = self.rnd, [], 0
        for month in _month_starts(self.today, self.months):
            count = 1 if self.p.subscription else rnd.choice((0, 0, 1, 1, 1, 2))
            for _ in range(count):
                issue = month + timedelta(days=0 if self.p.subscription else rnd.randint(0, 27))
                if issue > self.today:
                    continue
                invoice, total = self.invoice(currency, issue, terms)
                out.append(invoice)
                open_total += self.settle(batch, invoice, total, currency, issue, terms, behaviour)
        return out, open_total

    def invoice(self, currency: str, issue: date, terms: int) -> tuple[dict, int]:
        rnd, lines, total = self.rnd, [], 0
        catalogue = PLANS if self.p.subscription else PRODUCTS
        for _ in range(1 if self.p.subscription else rnd.randint(1, 3)):
            description, usd = rnd.choice(catalogue)
            quantity = rnd.randint(1, 5) if self.p.subscription else rnd.randint(1, 40)
            unit = _price(usd, currency, rnd)
            net = quantity * unit
            tax = round(net * self.p.tax_rate)
            cost = round(net * rnd.uniform(*self.p.cost_share))
            total += net + tax
            lines.append(
                {
                    "description": description,
                    "quantity": str(quantity),
                    "unitPrice": _amount(unit, currency),
                    "taxAmount": _amount(tax, currency),
                    "cost": _amount(cost, currency),
                }
            )
        ext = self.next_id("INV")
        invoice = {
            "externalId": ext,
            "number": ext.replace("-C", "-"),
            "customer": self.ext,
            "issueDate": issue.isoformat(),
            "dueDate": (issue + timedelta(days=terms)).isoformat(),
            "currency": currency,
            "poNumber": f"PO-{rnd.randint(10000, 99999)}",
            "status": "open",
            "lines": lines,
        }
        return invoice, total

    def settle(
        self, batch: Batch, invoice: dict, total: int, currency: str, issue: date, terms: int, behaviour: str
    ) -> int:
        """Payments, disputes and credit notes for one invoice; returns what stays open today."""
        rnd = self.rnd
        due = issue + timedelta(days=terms)
        delay = {
            "prompt": rnd.randint(-10, 2),
            "late": rnd.randint(15, 95),
            "partial": rnd.randint(0, 40),
            "disputer": rnd.randint(0, 30),
            "over_limit": rnd.randint(40, 150),
            "on_account": rnd.randint(-5, 10),
        }[behaviour]
        paid_on = max(issue, due + timedelta(days=delay))
        settled = 0
        if behaviour == "disputer" and rnd.random() < 0.3:
            disputed = max(1, round(total * rnd.uniform(0.1, 0.4)))
            opened = min(self.today, issue + timedelta(days=rnd.randint(3, 20)))
            resolved = opened + timedelta(days=30) < self.today and rnd.random() < 0.6
            batch["disputes"].append(
                {
                    "externalId": self.next_id("DSP"),
                    "customer": self.ext,
                    "invoice": invoice["externalId"],
                    "kind": "dispute",
                    "amount": _amount(disputed, currency),
                    "currency": currency,
                    "reasonCode": rnd.choice(DISPUTE_REASONS),
                    "status": "accepted" if resolved else "open",
                    "openedOn": opened.isoformat(),
                }
            )
            if resolved:
                credit_day = opened + timedelta(days=rnd.randint(10, 30))
                ext = self.next_id("CN")
                batch["creditNotes"].append(
                    {
                        "externalId": ext,
                        "number": ext.replace("-C", "-"),
                        "customer": self.ext,
                        "date": credit_day.isoformat(),
                        "currency": currency,
                        "amount": _amount(disputed, currency),
                        "reason": "dispute accepted",
                        "appliesTo": [
                            {"invoice": invoice["externalId"], "amount": _amount(disputed, currency)}
                        ],
                    }
                )
                settled += disputed
            total_to_pay = total - disputed
        else:
            total_to_pay = total
        if paid_on <= self.today and total_to_pay > 0:
            pay = total_to_pay
            if behaviour == "partial":
                pay = max(1, round(total_to_pay * rnd.uniform(0.4, 0.9)))
            allocation = {"invoice": invoice["externalId"], "amount": _amount(pay, currency)}
            batch["payments"].append(
                {
                    "externalId": self.next_id("PAY"),
                    "customer": self.ext,
                    "receivedDate": paid_on.isoformat(),
                    "currency": currency,
                    "amount": _amount(pay, currency),
                    "method": "direct_debit"
                    if self.p.subscription
                    else rnd.choice(["wire", "ach", "check", "card"]),
                    "reference": f"REM-{rnd.randint(100000, 999999)}",
                    "allocations": [allocation],
                }
            )
            settled += pay
        if settled < total and self.today - due > timedelta(days=180) and rnd.random() < 0.25:
            # Old debts of chronic late payers are partly given up.
            written_off = total - settled
            batch["writeOffs"].append(
                {
                    "externalId": self.next_id("WO"),
                    "invoice": invoice["externalId"],
                    "date": (due + timedelta(days=180)).isoformat(),
                    "amount": _amount(written_off, currency),
                    "reason": "uncollectable",
                }
            )
            settled += written_off
        if behaviour == "on_account" and rnd.random() < 0.1 and paid_on <= self.today:
            batch["payments"].append(
                {
                    "externalId": self.next_id("PAY"),
                    "customer": self.ext,
                    "receivedDate": paid_on.isoformat(),
                    "currency": currency,
                    "amount": _amount(max(1, total // 4), currency),
                    "method": "wire",
                    "reference": "payment on account",
                }
            )
        return total - settled


def seed_batches(base: str, customers: int, months: int, seed: int, today: date) -> Iterator[Batch]:
    """The demo data as batches of ``CUSTOMERS_PER_BATCH`` customers; the first carries the FX rates."""
    profile = profile_for(base)
    batch = empty_batch()
    currencies = [c for c, _ in profile.currencies]
    batch["fxRates"] = fx_rates(base, currencies, today, months, random.Random(f"{seed}:fx"))
    if not profile.subscription:
        for n, entity in enumerate(["Northwind Components GmbH", "Northwind Asia Pte Ltd"]):
            batch["intercompanyBalances"].append(
                {
                    "externalId": f"IC-{n + 1}",
                    "counterpartyEntity": entity,
                    "direction": "due_from" if n else "due_to",
                    "amount": _amount(2_500_000_00 * (n + 1), base),
                    "currency": base,
                    "asOf": today.isoformat(),
                }
            )
    for index in range(1, customers + 1):
        _CustomerSeeder(profile, base, seed, index, today, months).build(batch)
        if index % CUSTOMERS_PER_BATCH == 0:
            yield batch
            batch = empty_batch()
    if batch_size(batch):
        yield batch


async def has_customers(scope: Scope) -> bool:
    return await repository.has_rows(scope, TABLES["customers"])


async def seed_tenant(
    scope: Scope,
    *,
    customers: int,
    months: int,
    seed: int,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Seed a tenant through the ingest service; ``progress(customers_done, customers)``."""
    tenant = await current_tenant(scope)
    base = tenant.base_currency
    total = ImportResult()
    done = 0
    for batch in seed_batches(base, customers, months, seed, today or clock.today_in(tenant.timezone)):
        result = await import_batch(scope, batch)
        for record_type, counts in result.counts.items():
            mine = total.counts[record_type]
            mine.created += counts.created
            mine.updated += counts.updated
            mine.unchanged += counts.unchanged
        total.rows_written += result.rows_written
        total.seconds += result.seconds
        done += len(batch["customers"])
        if progress is not None:
            progress(done, customers)
    return total

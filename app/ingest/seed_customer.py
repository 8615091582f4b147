"""One seeded customer: its account, contacts, invoices month by month, and how it pays them (by its
payment behaviour), with disputes, credit notes, write-offs, cash on account and letters of credit."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app.ingest.format import Batch
from app.ingest.seed_catalogue import (
    BEHAVIOURS,
    COUNTRIES,
    DISPUTE_REASONS,
    PLANS,
    PRODUCTS,
    REGION,
    SEGMENTS,
    WORDS_A,
    WORDS_B,
    Profile,
    amount,
    month_starts,
    price,
    to_base,
)
from app.money import exponent


class CustomerSeeder:
    """Deterministic per (seed, index): each customer draws from its own random stream."""

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
        # A compliance team keeps most reviews current: 3 in 100 fall due within two weeks or lapsed.
        kyc_next = self.today + timedelta(
            days=rnd.randint(15, 380) if rnd.random() < 0.97 else rnd.randint(-20, 14)
        )
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
        exposure = to_base(open_total, currency, self.base)
        # Over-limit accounts owe more than their limit; the rest have headroom.
        factor = 0.6 if behaviour == "over_limit" else rnd.uniform(2, 5)
        customer["creditLimit"] = amount(max(100_000, round(exposure * factor, -4)), self.base)
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
                    "amount": amount(max(open_total, 10 ** exponent(currency)), currency),
                    "currency": currency,
                    "issueDate": issue.isoformat(),
                    "expiryDate": expiry.isoformat(),
                    "status": "active",
                }
            )

    def invoices(self, batch: Batch, currency: str, terms: int, behaviour: str) -> tuple[list[dict], int]:
        rnd, out, open_total = self.rnd, [], 0
        for month in month_starts(self.today, self.months):
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
            unit = price(usd, currency, rnd)
            net = quantity * unit
            tax = round(net * self.p.tax_rate)
            cost = round(net * rnd.uniform(*self.p.cost_share))
            total += net + tax
            lines.append(
                {
                    "description": description,
                    "quantity": str(quantity),
                    "unitPrice": amount(unit, currency),
                    "taxAmount": amount(tax, currency),
                    "cost": amount(cost, currency),
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

    def pay(self, batch: Batch, invoice: dict, day: date, minor: int, currency: str, reference: str) -> None:
        """One payment received on ``day``, allocated in full to ``invoice``."""
        batch["payments"].append(
            {
                "externalId": self.next_id("PAY"),
                "customer": self.ext,
                "receivedDate": day.isoformat(),
                "currency": currency,
                "amount": amount(minor, currency),
                "method": "direct_debit"
                if self.p.subscription
                else self.rnd.choice(["wire", "ach", "check", "card"]),
                "reference": reference,
                "allocations": [{"invoice": invoice["externalId"], "amount": amount(minor, currency)}],
            }
        )

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
                    "amount": amount(disputed, currency),
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
                        "amount": amount(disputed, currency),
                        "reason": "dispute accepted",
                        "appliesTo": [
                            {"invoice": invoice["externalId"], "amount": amount(disputed, currency)}
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
            self.pay(batch, invoice, paid_on, pay, currency, f"REM-{rnd.randint(100000, 999999)}")
            settled += pay
            # Most short payers settle the balance a month or two later; the rest ages.
            balance_on = paid_on + timedelta(days=rnd.randint(20, 70))
            if pay < total_to_pay and balance_on <= self.today and rnd.random() < 0.8:
                self.pay(batch, invoice, balance_on, total_to_pay - pay, currency, "balance of invoice")
                settled = total
        if settled < total and self.today - due > timedelta(days=180) and rnd.random() < 0.75:
            # Debts half a year past due are mostly given up, as a credit controller would.
            written_off = total - settled
            batch["writeOffs"].append(
                {
                    "externalId": self.next_id("WO"),
                    "invoice": invoice["externalId"],
                    "date": (due + timedelta(days=180)).isoformat(),
                    "amount": amount(written_off, currency),
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
                    "amount": amount(max(1, total // 4), currency),
                    "method": "wire",
                    "reference": "payment on account",
                }
            )
        return total - settled

"""What the demo seeder draws from: the two tenant profiles, names, products and plans, payment
behaviours and their weights, rough exchange rates, and the calendar of month starts it dates by."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.money import exponent, format_decimal_string

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
    ("prompt", 47),
    ("late", 20),
    ("partial", 12),
    ("disputer", 8),
    ("over_limit", 3),
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


def amount(minor: int, currency: str) -> str:
    return format_decimal_string(minor, currency)


def price(usd: float, currency: str, rnd: random.Random) -> int:
    """A unit price in minor units of ``currency`` for a USD list price, with a little variation."""
    value = usd / USD_RATES[currency] * rnd.uniform(0.9, 1.1)
    return max(1, round(value * 10 ** exponent(currency)))


def to_base(minor: int, currency: str, base: str) -> int:
    """Roughly what ``minor`` units of ``currency`` are in minor units of ``base`` (for credit limits)."""
    units = minor / 10 ** exponent(currency) * USD_RATES[currency] / USD_RATES.get(base, 1.0)
    return round(units * 10 ** exponent(base))


def month_starts(today: date, months: int) -> list[date]:
    starts, current = [], today.replace(day=1)
    for _ in range(months):
        starts.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


#: How far back the seeded rates reach at least (the oldest letter of credit is 340 days old).
RATE_HISTORY_DAYS = 366


def fx_rates(base: str, currencies: list[str], today: date, months: int, rnd: random.Random) -> list[dict]:
    """Monthly rates for every non-base currency, plus one dated today (a figure always finds a rate),
    and one at the starting level a year back when the months start later: letters of credit are
    issued up to 340 days ago, and a document in a foreign currency needs a rate on or before its date
    (app.ingest.rates). That anchor draws nothing from ``rnd``, so every other rate stays as it was.

    On the 1st of a month today is also a month start: one rate per currency and date, or the batch
    is refused as a duplicate key."""
    out = []
    days = list(dict.fromkeys([*month_starts(today, months + 1), today]))
    anchor = today - timedelta(days=RATE_HISTORY_DAYS)
    for currency in currencies:
        if currency == base:
            continue
        level = USD_RATES[currency] / USD_RATES.get(base, 1.0)
        if anchor < days[0]:
            out.append({"currency": currency, "date": anchor.isoformat(), "rate": f"{level:.6f}"})
        for day in days:
            level *= rnd.uniform(0.985, 1.015)
            out.append({"currency": currency, "date": day.isoformat(), "rate": f"{level:.6f}"})
    return out

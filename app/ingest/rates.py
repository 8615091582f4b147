"""A batch's documents in foreign currencies need an FX rate on or before their dates.

Every figure converts per-currency totals at the latest rate on or before its as-of date, and a
currency without one is an error (``fx_rate_missing``) for the whole figure: one stored invoice in a
currency the tenant has no rate for took the dashboard down for everyone. So a document dated D in a
currency other than the base needs a rate dated on or before D, stored or in the same batch; then every
figure that includes the document (as of D or later) finds one.
"""

from __future__ import annotations

from datetime import date

from app.fx.service import missing_rate_message, rate_missing
from app.ingest.problems import Problem
from app.ingest.records import Parsed

#: The date (column) each record type's figures include it from.
DOCUMENT_DATES = {
    "invoices": "issue_date",
    "creditNotes": "date",
    "payments": "received_date",
    "disputes": "opened_on",
    "lettersOfCredit": "issue_date",
    "intercompanyBalances": "as_of",
}


def first_rate_dates(parsed: Parsed, stored: dict[str, date]) -> dict[str, date]:
    """Each currency's earliest rate date, stored or in the batch (a batch cannot remove a rate)."""
    earliest = dict(stored)
    for record in parsed.of("fxRates"):
        currency, day = record["currency"], record["date"]
        if currency and day and (currency not in earliest or day < earliest[currency]):
            earliest[currency] = day
    return earliest


def missing_rates(parsed: Parsed, stored: dict[str, date]) -> list[Problem]:
    """A ``fx_rate_missing`` problem on every document whose currency has no rate by its date."""
    base = parsed.base_currency
    earliest = first_rate_dates(parsed, stored)
    problems = []
    for record_type, column in DOCUMENT_DATES.items():
        for record in parsed.of(record_type):
            currency = record.get("currency")
            # A letter of credit without an issue date counts from its expiry.
            day = record.get(column) or (
                record.get("expiry_date") if record_type == "lettersOfCredit" else None
            )
            if currency and day and rate_missing(base, earliest, currency, day):
                problems.append(
                    Problem(
                        record_type,
                        record["_i"],
                        "currency",
                        "fx_rate_missing",
                        missing_rate_message(base, currency, day),
                        record["_src"],
                    )
                )
    return problems

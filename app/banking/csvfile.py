"""The documented CSV bank file (docs/cash-application.md), for banks and tools that export neither
camt nor MT940.

Columns (a header row, UTF-8, comma separated; order free, names exact): ``reference``, ``bookingDate``,
``amount``, ``currency`` are required; ``valueDate``, ``payerName``, ``payerAccount``, ``remittance``
are optional. ``amount`` is a decimal string with a point, negative for money out.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from app.banking.statement import (
    ParsedLine,
    ParsedStatement,
    Problems,
    checked,
    minor_amount,
    normal_account,
)

REQUIRED = ("reference", "bookingDate", "amount", "currency")
OPTIONAL = ("valueDate", "payerName", "payerAccount", "remittance")


def _date(raw: str, where: str, column: str, problems: Problems) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        problems.add(where, f"{column}: {raw!r} is not a date (YYYY-MM-DD)")
        return None


def parse_csv(content: bytes) -> ParsedStatement:
    problems = Problems("CSV")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(f"byte {exc.start}", "not UTF-8 text")
        problems.raise_if_any()
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing:
        problems.add("line 1", f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.add("line 1", f"unknown column(s): {', '.join(unknown)}")
    problems.raise_if_any()
    parsed = ParsedStatement(format="csv")
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:
            problems.add(where, "more cells than columns")
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        currency = values["currency"]
        amount = minor_amount(values["amount"], currency, f"{where}: amount", problems)
        booked = _date(values["bookingDate"], where, "bookingDate", problems)
        valued = _date(values["valueDate"], where, "valueDate", problems) if values.get("valueDate") else None
        if amount is None or booked is None:
            continue
        parsed.lines.append(
            ParsedLine(
                reference=values["reference"],
                booking_date=booked,
                value_date=valued,
                amount=amount,
                currency=currency,
                payer_name=values.get("payerName", ""),
                payer_account=normal_account(values.get("payerAccount", "")),
                remittance=values.get("remittance", ""),
                where=where,
            )
        )
    return checked(parsed, problems)

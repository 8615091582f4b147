"""SWIFT MT940 customer statements, read with the ``mt-940`` package from PyPI.

``mt-940`` is maintained and handles the tags, the balance lines and the many bank dialects of ``:61:``;
it is lenient by design (it skips what it does not understand), so each line is first checked here and a
file with a bad tag, a ``:61:`` it could not read, or no currency is refused whole with the line number.
The ``:86:`` information to the account owner comes in two common shapes, both read: the German
structured one (``?20``-``?29`` purpose, ``?31`` IBAN, ``?32``/``?33`` name) and the SWIFT/Dutch keyed one
(``/NAME/``, ``/IBAN/``, ``/REMI/``); anything else is remittance text as it stands.
"""

from __future__ import annotations

import re
from datetime import date

import mt940

from app.banking.statement import (
    ParsedLine,
    ParsedStatement,
    Problems,
    checked,
    minor_amount,
    normal_account,
)

TAG = re.compile(r"^:(\d{2}[A-Z]?):")
KNOWN_TAGS = {"20", "21", "25", "28", "28C", "60F", "60M", "61", "62F", "62M", "64", "65", "86", "13", "13D"}
LINE_61 = re.compile(r"^(\d{6})(\d{4})?(R?[CD])[A-Z]?(\d{1,15},\d{0,3})[A-Z]\w{3}")
BALANCE = re.compile(r"^[CD]\d{6}([A-Z]{3})\d{1,15},\d{0,3}$")
NONE_REFS = {"", "NONREF", "NOTPROVIDED"}


def _info_86(text: str) -> tuple[str, str, str]:
    """(payer name, payer account, remittance) from a ``:86:`` field."""
    flat = text.replace("\r", "").replace("\n", "")
    if re.search(r"\?2\d", flat):
        fields = dict(re.findall(r"\?(\d{2})([^?]*)", flat))
        purpose = "".join(fields.get(f"{n}", "") for n in range(20, 30))
        purpose += "".join(fields.get(f"{n}", "") for n in range(60, 64))
        name = (fields.get("32", "") + fields.get("33", "")).strip()
        return name, normal_account(fields.get("31", "")), " ".join(purpose.split())
    if "/NAME/" in flat or "/REMI/" in flat:
        keyed = dict(re.findall(r"/(NAME|IBAN|REMI|EREF|ORDP|USTD|ADDR)/(?:/)?([^/]*)", flat))
        remittance = keyed.get("REMI") or keyed.get("USTD") or ""
        return (
            keyed.get("NAME", "").strip(),
            normal_account(keyed.get("IBAN", "")),
            " ".join(remittance.split()),
        )
    return "", "", " ".join(text.split())


def _plain_date(value: date | None) -> date | None:
    """mt-940's ``Date`` subclass as a plain ``date`` (the database drivers want exactly that type)."""
    return date(value.year, value.month, value.day) if value is not None else None


def _check_lines(text: str, problems: Problems) -> tuple[list[int], str]:
    """Line numbers of each ``:61:`` and the statement currency, noting problems."""
    statement_lines: list[int] = []
    currency = ""
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = TAG.match(line)
        if not match:
            continue
        tag, value = match.group(1), line[match.end() :]
        seen.add(tag[:2])
        if tag not in KNOWN_TAGS:
            problems.add(f"line {number}", f"unknown tag :{tag}:")
        elif tag == "61":
            statement_lines.append(number)
            if not LINE_61.match(value):
                problems.add(f"line {number}", f"cannot read the statement line :61:{value[:40]}")
        elif tag in ("60F", "60M"):
            found = BALANCE.match(value)
            if not found:
                problems.add(f"line {number}", f"cannot read the opening balance :{tag}:{value[:40]}")
            else:
                currency = currency or found.group(1)
    for tag in ("20", "25", "60", "62"):
        if tag not in seen:
            problems.add("file", f"missing tag :{tag}: (is this an MT940 statement?)")
    return statement_lines, currency


def parse_mt940(content: bytes) -> ParsedStatement:
    """Read an MT940 file (one or more statements); refuse it whole (``BankFileError``) on any problem."""
    problems = Problems("MT940")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    numbers, currency = _check_lines(text, problems)
    problems.raise_if_any()
    # Without the library's :86: post-processor: it files the German ?31 (the payer's account) under the
    # payer's name; _info_86 reads both :86: shapes itself.
    transactions = mt940.models.Transactions(processors={"post_transaction_details": []})
    try:
        transactions.parse(text)
    except Exception as exc:  # the library raises bare ValueError/RuntimeError on what it cannot read
        problems.add("file", f"not readable as MT940 ({exc})")
        problems.raise_if_any()
    parsed = ParsedStatement(
        format="mt940",
        statement_ref=str(transactions.data.get("transaction_reference") or ""),
        account=normal_account(str(transactions.data.get("account_identification") or "").split("/")[-1]),
    )
    if len(transactions) != len(numbers):
        problems.add("file", f"{len(numbers)} :61: lines but {len(transactions)} transactions could be read")
    for index, (transaction, number) in enumerate(zip(transactions, numbers, strict=False)):
        data = transaction.data
        where = f"line {number}"
        amount = data.get("amount")
        ccy = getattr(amount, "currency", None) or currency
        minor = minor_amount(
            str(abs(amount.amount)) if amount is not None else "", ccy or "", where, problems
        )
        if minor is None:
            continue
        if str(data.get("status", "")) in ("D", "RC"):  # a debit, or the reversal of a credit: money out
            minor = -minor
        bank_ref = str(data.get("bank_reference") or "").strip()
        own_ref = str(data.get("customer_reference") or "").strip()
        reference = next((r for r in (bank_ref, own_ref) if r.upper() not in NONE_REFS), "")
        if not reference and parsed.statement_ref:
            # No reference of the bank's: the statement's own reference and the line's position.
            reference = f"{parsed.statement_ref}/{index + 1}"
        name, account, remittance = _info_86(str(data.get("transaction_details") or ""))
        extra = str(data.get("extra_details") or "").strip()
        parsed.lines.append(
            ParsedLine(
                reference=reference,
                booking_date=_plain_date(data.get("entry_date") or data["date"]),
                value_date=_plain_date(data.get("date")),
                amount=minor,
                currency=ccy,
                payer_name=name,
                payer_account=account,
                remittance=" | ".join(p for p in (remittance, extra) if p),
                where=where,
            )
        )
    return checked(parsed, problems)

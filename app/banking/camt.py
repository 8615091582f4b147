"""ISO 20022 camt.053 (statement) and camt.054 (debit/credit notification), any version, read safely.

The XML is parsed by ``defusedxml`` (no DTDs, entities or external references: a bank file is input from
outside, and "billion laughs" or an XXE would otherwise reach the server) into the stdlib ElementTree;
no maintained PyPI parser covers both messages across versions without pulling a framework with it, and
the part cash application needs (entries, amounts, parties, remittance) is small. Namespaces are
ignored on purpose: banks send .001.02 to .001.13 and the elements used here are the same in all of them.

One entry (``Ntry``) with several transaction details (``TxDtls``, a batch booking) gives one line per
detail, each with its own reference; an entry without details gives one line.
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from app.banking.statement import (
    ParsedLine,
    ParsedStatement,
    Problems,
    checked,
    minor_amount,
    normal_account,
)

CONTAINERS = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: Element | None, path: str) -> Element | None:
    """The first descendant along ``path`` ("Amt", "RltdPties/Dbtr/Nm"), namespaces ignored."""
    for part in path.split("/"):
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == part), None)
    return node


def _all(node: Element | None, name: str) -> list[Element]:
    return [c for c in node if _local(c.tag) == name] if node is not None else []


def _text(node: Element | None, *paths: str) -> str:
    """The stripped text of the first of ``paths`` that has some."""
    for path in paths:
        found = _find(node, path)
        if found is not None and (found.text or "").strip():
            return " ".join(found.text.split())
    return ""


def _date(node: Element | None, path: str, where: str, problems: Problems, required: bool) -> date | None:
    raw = _text(node, f"{path}/Dt", f"{path}/DtTm")
    if not raw:
        if required:
            problems.add(where, f"missing {path}/Dt")
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        problems.add(f"{where}/{path}", f"{raw!r} is not a date")
        return None


def _remittance(entry: Element, detail: Element | None) -> str:
    parts: list[str] = []
    for source in (detail, entry):
        rmt = _find(source, "RmtInf")
        parts += [" ".join((u.text or "").split()) for u in _all(rmt, "Ustrd")]
        for strd in _all(rmt, "Strd"):
            parts += [_text(strd, "CdtrRefInf/Ref"), _text(strd, "RfrdDocInf/Nb")]
            parts += [" ".join((a.text or "").split()) for a in _all(strd, "AddtlRmtInf")]
        if parts:
            break
    parts.append(_text(detail, "AddtlTxInf"))
    parts.append(_text(entry, "AddtlNtryInf"))
    return " | ".join(p for p in parts if p)


def _payer(detail: Element | None, entry: Element) -> tuple[str, str]:
    for source in (detail, _find(entry, "NtryDtls/TxDtls")):
        name = _text(source, "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm", "RltdPties/UltmtDbtr/Nm")
        account = _text(source, "RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id")
        if name or account:
            return name, normal_account(account)
    return "", ""


def _entry_lines(entry: Element, where: str, problems: Problems) -> list[ParsedLine]:
    amount_el = _find(entry, "Amt")
    if amount_el is None or not (amount_el.text or "").strip():
        problems.add(where, "missing Amt")
        return []
    currency = (amount_el.get("Ccy") or "").strip()
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        problems.add(f"{where}/CdtDbtInd", f"expected CRDT or DBIT, got {indicator!r}")
    booked = _date(entry, "BookgDt", where, problems, required=True)
    valued = _date(entry, "ValDt", where, problems, required=False)
    details = [d for dtls in _all(entry, "NtryDtls") for d in _all(dtls, "TxDtls")]
    entry_ref = _text(entry, "AcctSvcrRef", "NtryRef")
    sign = -1 if indicator == "DBIT" else 1
    out = []
    for index, detail in enumerate(details or [None]):
        spot = f"{where}/TxDtls[{index + 1}]" if details else where
        own = _find(detail, "Amt") if len(details) > 1 else None
        raw_amount, ccy = (
            (own.text or "", own.get("Ccy") or currency) if own is not None else (amount_el.text, currency)
        )
        minor = minor_amount(raw_amount or "", ccy, f"{spot}/Amt", problems)
        reference = (
            _text(detail, "Refs/AcctSvcrRef", "Refs/EndToEndId", "Refs/TxId") if detail is not None else ""
        )
        if reference == "NOTPROVIDED":
            reference = ""
        if not reference:
            reference = f"{entry_ref}/{index + 1}" if entry_ref and len(details) > 1 else entry_ref
        name, account = _payer(detail, entry)
        if minor is None or booked is None:
            continue
        out.append(
            ParsedLine(
                reference=reference,
                booking_date=booked,
                value_date=valued,
                amount=sign * minor,
                currency=ccy,
                payer_name=name,
                payer_account=account,
                remittance=_remittance(entry, detail),
                where=spot,
            )
        )
    return out


def parse_camt(content: bytes) -> ParsedStatement:
    """Read a camt.053 or camt.054 document; refuse it whole (``BankFileError``) on any problem."""
    problems = Problems("camt")
    try:
        root = fromstring(content)
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        problems.add(
            f"line {line}, column {column}",
            f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
        )
        problems.raise_if_any()
    except DefusedXmlException as exc:
        problems.add("document", f"refused: {type(exc).__name__} (DTDs and entities are not accepted)")
        problems.raise_if_any()
    body = next((c for c in root if _local(c.tag) in CONTAINERS), None)
    if _local(root.tag) != "Document" or body is None:
        problems.add(
            _local(root.tag),
            "expected Document/BkToCstmrStmt (camt.053) or Document/BkToCstmrDbtCdtNtfctn (camt.054)",
        )
        problems.raise_if_any()
    fmt, report_name = CONTAINERS[_local(body.tag)]
    reports = _all(body, report_name)
    if not reports:
        problems.add(_local(body.tag), f"no {report_name} element")
    parsed = ParsedStatement(format=fmt, statement_ref=_text(body, "GrpHdr/MsgId"))
    for r_index, report in enumerate(reports):
        parsed.account = parsed.account or normal_account(_text(report, "Acct/Id/IBAN", "Acct/Id/Othr/Id"))
        for e_index, entry in enumerate(_all(report, "Ntry")):
            where = f"{report_name}[{r_index + 1}]/Ntry[{e_index + 1}]"
            parsed.lines.extend(_entry_lines(entry, where, problems))
    return checked(parsed, problems)

"""Bank files for cash-application tests, generated: camt.053/054 XML and MT940 text from line specs.

``BankTxn`` is what the bank says happened; the writers render it the way banks do (camt.053.001.08 with
the party name under ``Pty``, MT940 with a German structured ``:86:``), so the parsers meet the real shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

OWN_IBAN = "US00LAKE0071000013482011"


@dataclass(frozen=True)
class BankTxn:
    reference: str
    amount: str  # decimal string, positive
    remittance: str = ""
    payer_name: str = ""
    payer_iban: str = ""
    credit: bool = True
    booked: date = date(2026, 6, 1)
    currency: str = "USD"
    structured_ref: str = ""  # camt Strd/CdtrRefInf/Ref


def camt053(txns: list[BankTxn], msg_id: str = "MSG-1", kind: str = "053") -> bytes:
    container, report = ("BkToCstmrStmt", "Stmt") if kind == "053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.08"
    entries = []
    for t in txns:
        party = ""
        if t.payer_name or t.payer_iban:
            party = "<RltdPties>"
            if t.payer_name:
                party += f"<Dbtr><Pty><Nm>{escape(t.payer_name)}</Nm></Pty></Dbtr>"
            if t.payer_iban:
                party += f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>"
            party += "</RltdPties>"
        rmt = ""
        if t.remittance or t.structured_ref:
            rmt = "<RmtInf>"
            if t.remittance:
                rmt += f"<Ustrd>{escape(t.remittance)}</Ustrd>"
            if t.structured_ref:
                rmt += f"<Strd><CdtrRefInf><Ref>{escape(t.structured_ref)}</Ref></CdtrRefInf></Strd>"
            rmt += "</RmtInf>"
        entries.append(
            f"""<Ntry><Amt Ccy="{t.currency}">{t.amount}</Amt><CdtDbtInd>{"CRDT" if t.credit else "DBIT"}</CdtDbtInd>
<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{t.booked.isoformat()}</Dt></BookgDt><ValDt><Dt>{t.booked.isoformat()}</Dt></ValDt>
<AcctSvcrRef>{escape(t.reference)}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>{escape(t.reference)}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
{party}{rmt}</TxDtls></NtryDtls></Ntry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{ns}"><{container}><GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2026-06-01T18:00:00</CreDtTm></GrpHdr>
<{report}><Id>{msg_id}-1</Id><Acct><Id><IBAN>{OWN_IBAN}</IBAN></Id></Acct>
{body}
</{report}></{container}></Document>""".encode()


def _mt_amount(amount: str) -> str:
    return amount.replace(".", ",")


def mt940(txns: list[BankTxn], ref: str = "STMT-1") -> bytes:
    currency = txns[0].currency if txns else "USD"
    lines = [":20:" + ref, f":25:{OWN_IBAN}", ":28C:00001/001", f":60F:C260601{currency}0,00"]
    for t in txns:
        day = t.booked.strftime("%y%m%d")
        mark = "C" if t.credit else "D"
        lines.append(
            f":61:{day}{t.booked.strftime('%m%d')}{mark}{_mt_amount(t.amount)}NTRFNONREF//{t.reference}"
        )
        info = "166?00GUTSCHRIFT"
        purpose = t.remittance or t.structured_ref
        for n, start in enumerate(range(0, len(purpose), 27)):
            info += f"?2{n}{purpose[start : start + 27]}"
        if t.payer_iban:
            info += f"?31{t.payer_iban}"
        if t.payer_name:
            info += f"?32{t.payer_name[:27]}"
            if len(t.payer_name) > 27:
                info += f"?33{t.payer_name[27:54]}"
        lines.append(":86:" + info)
    lines.append(f":62F:C260601{currency}0,00")
    return ("\r\n".join(lines) + "\r\n").encode()

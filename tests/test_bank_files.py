"""Reading bank files: camt.053/054, MT940 and the documented CSV; a malformed file is refused whole,
saying where (line or element) and why, and no row changes."""

from __future__ import annotations

from datetime import date

import pytest

from app.banking import repository, service
from app.banking.formats import parse
from app.banking.references import ReferenceIndex, canonical, normal_name
from app.banking.statement import BankFileError
from app.tenancy.config import BankingConfig
from tests import bank_world
from tests.bank_files import BankTxn, camt053, mt940

TXNS = [
    BankTxn("BR-1", "1234.50", "INV-2026-0001", "Acme Corporation", "DE89 3704 0044 0532 0130 00"),
    BankTxn("BR-2", "45.00", "fees", credit=False),
]


def problems(exc: BankFileError) -> list[str]:
    return [str(p) for p in exc.problems]


@pytest.mark.parametrize("writer", [camt053, mt940])
def test_camt_and_mt940_give_the_same_lines(writer):
    parsed = parse(writer(TXNS))

    first, second = parsed.lines
    assert (first.reference, first.amount, first.currency, first.booking_date) == (
        "BR-1",
        123_450,
        "USD",
        date(2026, 6, 1),
    )
    assert (first.payer_name, first.payer_account, first.remittance) == (
        "Acme Corporation",
        "DE89370400440532013000",
        "INV-2026-0001",
    )
    assert (second.reference, second.amount) == ("BR-2", -4_500)


def test_camt054_is_read_like_camt053():
    assert parse(camt053(TXNS, kind="054")).format == "camt.054"
    assert [line.amount for line in parse(camt053(TXNS, kind="054")).lines] == [123_450, -4_500]


def test_the_documented_csv_is_read():
    content = (
        b"reference,bookingDate,amount,currency,payerName,payerAccount,remittance\n"
        b'C-1,2026-06-01,1234.50,USD,Acme Corporation,DE89 3704,"INV-2026-0001, INV-2026-0002"\n'
        b"C-2,2026-06-01,-10.00,USD,,,fees\n"
    )

    parsed = parse(content)

    assert parsed.format == "csv"
    assert [(line.reference, line.amount, line.payer_account) for line in parsed.lines] == [
        ("C-1", 123_450, "DE893704"),
        ("C-2", -1_000, ""),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<Document><BkToCstmrStmt><Stmt><Ntry>", "line 1, column"),
        (camt053(TXNS).replace(b'<Amt Ccy="USD">1234.50</Amt>', b""), "Stmt[1]/Ntry[1]: missing Amt"),
        (
            camt053(TXNS).replace(b"1234.50", b"12,34.5x"),
            "Stmt[1]/Ntry[1]/TxDtls[1]/Amt: amount '12,34.5x' is not a number",
        ),
        (camt053(TXNS).replace(b'Ccy="USD">1234.50', b'Ccy="ZZQ">1234.50'), "unknown currency 'ZZQ'"),
        (
            camt053(TXNS).replace(b"<CdtDbtInd>CRDT", b"<CdtDbtInd>CRED"),
            "Stmt[1]/Ntry[1]/CdtDbtInd: expected CRDT or DBIT",
        ),
        (camt053(TXNS).replace(b"1234.50", b"1234.505"), "more decimals than USD allows"),
        (camt053([TXNS[0], TXNS[0]]), "reference 'BR-1' already used by Stmt[1]/Ntry[1]"),
        (camt053([BankTxn("D-1", "1.00", booked=date(1899, 12, 31))]), "booking date 1899-12-31 is outside"),
        (
            mt940(TXNS).replace(b":61:2606010601C1234,50", b":61:2606010601C12x4,50"),
            "line 5: cannot read the statement line",
        ),
        (mt940(TXNS).replace(b":25:", b":99:"), "line 2: unknown tag :99:"),
        (mt940(TXNS).replace(b":60F:C260601USD0,00\r\n", b""), "missing tag :60:"),
        (b"reference,amount\nX,1.00\n", "line 1: missing column(s): bookingDate, currency"),
        (
            b"reference,bookingDate,amount,currency\nX,2026-13-01,1.00,USD\n",
            "line 2: bookingDate: '2026-13-01' is not a date",
        ),
    ],
)
def test_a_malformed_file_is_refused_saying_where_and_why(content, expected):
    with pytest.raises(BankFileError) as refused:
        parse(content)

    assert any(expected in p for p in problems(refused.value)), problems(refused.value)


def test_entities_and_dtds_are_refused_before_they_expand():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<Document><BkToCstmrStmt><GrpHdr><MsgId>&b;</MsgId></GrpHdr></BkToCstmrStmt></Document>"""
    xxe = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>"""

    for content in (bomb, xxe):
        with pytest.raises(BankFileError) as refused:
            parse(content)
        assert "DTDs and entities are not accepted" in problems(refused.value)[0]


async def test_a_malformed_file_changes_no_row(db, scope_a, scope_b):
    await bank_world.build(scope_a, scope_b)
    good, bad = BankTxn("OK-1", "1000.00", "INV-2026-0001", "Acme Corporation"), BankTxn("BAD-2", "1.001")

    with pytest.raises(BankFileError):
        await service.import_statement(scope_a, camt053([good, bad]), BankingConfig())

    assert await repository.known_references(scope_a, ["OK-1", "BAD-2"]) == set()
    assert (await service.list_exceptions(scope_a, 0, 10))[1] == 0


def test_references_survive_separators_and_ocr_noise_but_not_longer_numbers():
    index = ReferenceIndex(["INV-2026-0012", "INV-2026-0120", "SO-1001"])

    assert [f.key for f in index.find("pay lNV 2O26/OO12 thanks")] == ["INV-2026-0012"]
    assert [f.key for f in index.find("INV2026-0012THANKS")] == ["INV-2026-0012"]
    assert [f.key for f in index.find("INV-2026-01200")] == []
    assert [(f.key, f.exact) for f in index.find("Rechnung 2026-0120")] == [("INV-2026-0120", False)]
    assert canonical("inv-2O26/OO12") == canonical("INV 2026 0012")
    assert normal_name("Bolt & Nut GmbH") == normal_name("BOLT AND NUT") == "bolt nut"

"""Documents speak the tenant's locale: Babel money and dates, zero-decimal currencies, any script."""

from __future__ import annotations

from datetime import date

import pytest

from app.documents import service
from app.documents.formatting import Formatter
from tests import documents_data as data
from tests.documents_data import pdf_text


@pytest.mark.parametrize(
    ("locale", "currency", "minor", "expected"),
    [
        ("en_US", "USD", 123456789, "$1,234,567.89"),
        ("de_DE", "EUR", 123456789, "1.234.567,89\xa0€"),
        ("en_US", "JPY", 1234567, "¥1,234,567"),
        ("de_DE", "JPY", 1234567, "1.234.567\xa0¥"),
        ("en_US", "USD", -40000, "-$400.00"),
        ("en_US", "BHD", 1234567, "BHD1,234.567"),
    ],
)
def test_given_a_locale_when_formatting_money_then_it_uses_the_currencys_own_decimals(
    locale, currency, minor, expected
):
    assert Formatter(locale).money(minor, currency) == expected


def test_given_the_same_figures_in_two_locales_by_turns_when_formatting_then_each_keeps_its_own():
    # Results are cached per (locale, value, currency): a figure once formatted for one locale must never
    # come back for another.
    figures = [(Formatter(locale).money(123456, "EUR"), Formatter(locale).date(date(2026, 3, 1)))
               for locale in ("en_US", "de_DE", "en_US", "de_DE")]  # fmt: skip

    assert figures == [("€1,234.56", "Mar 1, 2026"), ("1.234,56\xa0€", "01.03.2026")] * 2


def test_given_two_locales_when_formatting_dates_and_quantities_then_each_follows_its_conventions():
    assert Formatter("en_US").date(date(2026, 3, 1)) == "Mar 1, 2026"
    assert Formatter("de_DE").date(date(2026, 3, 1)) == "01.03.2026"
    assert Formatter("en_US").quantity("1500.5000") == "1,500.5"
    assert Formatter("de_DE").quantity("1500.5000") == "1.500,5"


async def test_given_a_german_tenant_and_a_japanese_customer_in_yen_when_rendering_then_all_of_it_prints(
    scope_a, scope_b
):
    cust = await data.customer(
        scope_b, "JP-7", "株式会社テスト", currency="JPY", billing_address="東京都千代田区丸の内1-1\n100-0005",
        tax_id="T1234567890123", country="JP",  # cloudly issues Factur-X e-invoices: both are mandatory
    )  # fmt: skip
    inv = await data.invoice(
        scope_b, cust, "RE-2026-77", date(2026, 3, 1), date(2026, 3, 31), 1234567,
        lines=[("Beratung für Straßenbau, Größe XL", "3", 411522), ("Rundung", "1", 1)],
    )  # fmt: skip
    await data.payment(scope_b, cust, date(2026, 3, 15), 234567, (inv, 234567, date(2026, 3, 15)))
    # Tenant A has the same invoice number in dollars: none of it may appear.
    a = await data.customer(scope_a, "JP-7", "Lookalike LLC")
    await data.invoice(scope_a, a, "RE-2026-77", date(2026, 3, 1), date(2026, 3, 31), 999999)

    text = pdf_text((await service.invoice_pdf(scope_b, inv.id)).content)

    for expected in [
        "Cloudly GmbH",
        "Torstraße 140",
        "株式会社テスト",
        "東京都千代田区丸の内1-1",
        "Beratung für Straßenbau, Größe XL 3 411.522 ¥",
        "Issue date 01.03.2026",
        "Total 1.234.567 ¥",
        "Paid 234.567 ¥",
        "Balance due 1.000.000 ¥",
        "IBAN DE77 1001 0010 0123 4567 89",
    ]:
        assert expected in text, expected
    assert "Lookalike" not in text and "9,999.99" not in text and "1.234.567,00" not in text

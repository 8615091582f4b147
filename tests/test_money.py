"""The API's money strings: exact decimal text with the currency's digits, whatever the sign or size."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.money import format_decimal_string, from_minor, to_minor


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (0, "USD", "0.00"),
        (5, "USD", "0.05"),
        (-5, "USD", "-0.05"),
        (-123456, "USD", "-1234.56"),
        (1234, "JPY", "1234"),
        (-1234, "JPY", "-1234"),
        (1, "BHD", "0.001"),
        (10**17 + 7, "USD", "1000000000000000.07"),
    ],
)
def test_an_amount_prints_with_exactly_its_currency_digits(minor, currency, text):
    assert format_decimal_string(minor, currency) == text
    assert format_decimal_string(minor, currency) == str(from_minor(minor, currency))
    assert to_minor(Decimal(text), currency) == minor


def test_a_sum_from_postgresql_as_decimal_prints_like_an_int():
    """SUM over BIGINT comes back as Decimal from asyncpg."""
    assert format_decimal_string(Decimal(123456), "USD") == "1234.56"

"""Property tests of the input parsers (app.inputs, app.ids): whatever text arrives, a parser answers
with a value within its bounds or a refusal with a stable code, never another exception.

Derandomized and bounded (``PROPERTY``), so CI runs the same examples every time in a few seconds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import list_currencies
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import NotFound, ValidationFailed
from app.ids import MAX_INT, decode_id, encode_id
from app.inputs import codes, dates, emails, money, text
from app.money import exponent, format_decimal_string

PROPERTY = settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CURRENCIES = sorted(list_currencies())
#: Text a client could send: any code point (lone surrogates included), biased to what parsers meet.
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(alphabet="0123456789-.eE+_ ,\u0660\u0661\u0969\uff11\t\n", max_size=25),
)


@PROPERTY
@given(raw=ANY_TEXT, currency=st.sampled_from(["USD", "JPY", "BHD", "EUR"]))
def test_money_is_an_amount_within_the_ceiling_or_a_coded_refusal(raw, currency):
    try:
        minor = money.parse_amount(raw, currency, allow_negative=True)
    except ValidationFailed as exc:
        assert exc.code in {"invalid_amount", "amount_out_of_range", "must_be_positive"}
        assert exc.field == "amount"
        return
    assert abs(minor) <= money.MAX_AMOUNT
    assert raw.isascii() and raw == raw.strip() and "e" not in raw.lower() and "_" not in raw
    assert Decimal(raw) == Decimal(minor).scaleb(-exponent(currency))


@PROPERTY
@given(
    minor=st.integers(min_value=-money.MAX_AMOUNT, max_value=money.MAX_AMOUNT),
    currency=st.sampled_from(CURRENCIES),
)
def test_every_amount_the_api_writes_reads_back_as_itself(minor, currency):
    assert money.parse_amount(format_decimal_string(minor, currency), currency, allow_negative=True) == minor


@PROPERTY
@given(minor=st.integers(min_value=money.MAX_AMOUNT + 1, max_value=10**40))
def test_amounts_beyond_the_ceiling_are_refused_and_a_full_ledger_cannot_overflow_a_sum(minor):
    with pytest.raises(ValidationFailed) as refused:
        money.check_minor(minor, "USD")
    assert refused.value.code == "amount_out_of_range"
    assert money.SUM_HEADROOM * money.MAX_AMOUNT <= money.BIGINT_MAX


@pytest.mark.parametrize(
    "raw",
    ["1e5", "1E3", " 10.00 ", "10.00 ", "1_000", "1,000.00", "\u0661\u0660", "NaN", "Infinity", "+5", ".5"],
)
def test_what_decimal_reads_but_a_finance_api_must_not_is_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        money.parse_amount(raw, "USD")
    assert refused.value.code == "invalid_amount"


@PROPERTY
@given(raw=ANY_TEXT)
def test_dates_are_iso_within_the_range_or_a_coded_refusal(raw):
    try:
        value = dates.parse_date(raw, "asOf")
    except ValidationFailed as exc:
        assert exc.code in {"invalid_date", "date_out_of_range"} and exc.field == "asOf"
        return
    assert dates.MIN_DATE <= value <= dates.MAX_DATE and value.isoformat() == raw


@PROPERTY
@given(value=st.dates(), days=st.integers(min_value=-4000, max_value=4000))
def test_a_date_in_range_reads_back_and_its_arithmetic_stays_in_the_calendar(value, days):
    if dates.in_range(value):
        assert dates.parse_date(value.isoformat()) == value
        assert (value + dates.MAX_SPAN) <= date.max and (value - dates.MAX_SPAN) >= date.min
    else:
        with pytest.raises(ValidationFailed):
            dates.parse_date(value.isoformat())
    assert date.min <= dates.shifted(value, days) <= date.max


@PROPERTY
@given(raw=ANY_TEXT)
def test_an_opaque_id_is_a_key_of_its_type_or_not_found(raw):
    try:
        pk = decode_id("Invoice", raw)
    except NotFound:
        return
    assert 1 <= pk <= MAX_INT and encode_id("Invoice", pk).rstrip("=") == raw.rstrip("=")


@PROPERTY
@given(pk=st.integers(min_value=1, max_value=MAX_INT))
def test_every_id_the_api_writes_reads_back(pk):
    assert decode_id("Customer", encode_id("Customer", pk)) == pk
    with pytest.raises(NotFound):
        decode_id("Invoice", encode_id("Customer", pk))


@PROPERTY
@given(raw=st.one_of(ANY_TEXT, st.sampled_from(CURRENCIES)))
def test_a_currency_is_an_iso_code_babel_knows_or_unknown(raw):
    try:
        assert codes.check_currency(raw) in CURRENCIES
    except ValidationFailed as exc:
        assert exc.code == "unknown_currency" and raw not in CURRENCIES


@pytest.mark.parametrize("raw", ["ZZQ", "", "usd", "US", "USDD", "XX\u0000"])
def test_made_up_and_malformed_currencies_are_unknown(raw):
    with pytest.raises(ValidationFailed) as refused:
        codes.check_currency(raw)
    assert refused.value.code == "unknown_currency"


@pytest.mark.parametrize(
    ("raw", "ok"), [("US", True), ("DE", True), ("AB", False), ("EU", False), ("us", False)]
)
def test_countries_are_iso_3166_alpha_2(raw, ok):
    assert codes.is_country(raw) is ok


@PROPERTY
@given(raw=ANY_TEXT, multiline=st.booleans())
def test_text_that_passes_holds_no_control_character_or_surrogate(raw, multiline):
    try:
        value = text.check_text(raw, "name", 30, multiline=multiline)
    except ValidationFailed as exc:
        assert exc.code in {"invalid_text", "too_long"}
        return
    assert len(value) <= 30 and text.bad_character(value, multiline=multiline) is None
    value.encode("utf-8")  # what the database driver does with it


@settings(PROPERTY, max_examples=150)
@given(raw=st.one_of(ANY_TEXT, st.emails(), st.builds(lambda a, b: f"{a}, {b}", st.emails(), st.emails())))
def test_an_email_is_exactly_one_address_or_a_coded_refusal(raw):
    try:
        value = emails.parse_email(raw)
    except ValidationFailed as exc:
        assert exc.code in {"invalid_email", "too_long"}
        return
    assert value.count("@") == 1 and value == value.lower()
    assert not any(c in value for c in " ,;<>\r\n\t")


@pytest.mark.parametrize(
    "raw",
    [
        "a@x.example, b@y.example",
        "a@x.example\r\nBcc: c@d.example",
        "Bob <bob@x.example>",
        "a@x.example\nx",
        "@x.example",
        "a@",
        "a@localhost",
        "a@b.test",
    ],
)
def test_lists_display_names_and_header_injections_are_not_an_address(raw):
    with pytest.raises(ValidationFailed) as refused:
        emails.parse_email(raw)
    assert refused.value.code == "invalid_email"


def test_like_wildcards_are_taken_literally():
    assert text.like_contains("50%_off\\") == "%50\\%\\_off\\\\%"

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.amounts import parse_amount
from ledger.errors import AmountError, WrongCurrency
from ledger.money import Money

ACCEPTED = {
    "500": "500.00",
    "500€": "500.00",
    "€500": "500.00",
    "€ 500": "500.00",
    "500 EUR": "500.00",
    "500 eur": "500.00",
    "EUR 500": "500.00",
    "1 500": "1500.00",
    "1\u00a0500": "1500.00",
    "1\u202f500,25 €": "1500.25",
    "12.50": "12.50",
    "12,50": "12.50",
    "12.5": "12.50",
    "1 234,56": "1234.56",
    "1,234.56": "1234.56",
    "1.234,56": "1234.56",
    "1,234,567": "1234567.00",
    "1.234.567,89": "1234567.89",
    "1'234.50": "1234.50",
    "1234.5": "1234.50",
    "0.01": "0.01",
    "+7": "7.00",
    "  42  ": "42.00",
}


@pytest.mark.parametrize(("text", "expected"), ACCEPTED.items())
def test_amounts_written_the_usual_ways_are_understood(text: str, expected: str) -> None:
    assert parse_amount(text, "EUR").amount == Decimal(expected)


REFUSED = {
    "1,000": "ambiguous",
    "1.000": "ambiguous",
    "12.345": "ambiguous",
    "-5": "negative",
    "\u22125": "negative",
    "-€5": "negative",
    "€-5": "negative",
    "0": "more than zero",
    "0,00": "more than zero",
    "NaN": "not a number",
    "inf": "not a number",
    "Infinity": "not a number",
    "1e3": "exponent",
    "1E+3": "exponent",
    "2.5e2": "exponent",
    "12.5055": "at most 2 decimals",
    "0.505": "at most 2 decimals",
    "1 234,567": "at most 2 decimals",
    "1,2,3": "not a number",
    "1 23": "not a number",
    "12 34 567": "not a number",
    "5.": "separator",
    "1.234,56.7": "not a number",
    "1 234.567,89": "separators",
    "abc": "not an amount I can read",
    "5 abc": "currency",
    "": "no amount",
    "   ": "no amount",
    "12.50 €€": "currency",
    "١٢": "not an amount",
    "9" * 20: "too large",
    "1" * 80: "too long",
}


@pytest.mark.parametrize(("text", "reason"), REFUSED.items())
def test_unreadable_or_unsafe_amounts_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(text, "EUR")
    assert reason in refused.value.message
    assert refused.value.hint


@pytest.mark.parametrize("text", ["500 USD", "$500", "£12", "12 CHF"])
def test_an_amount_in_another_currency_is_refused_naming_both(text: str) -> None:
    with pytest.raises(WrongCurrency) as refused:
        parse_amount(text, "EUR")
    assert "EUR" in refused.value.message


def test_a_currency_without_decimals_refuses_any_decimal() -> None:
    assert parse_amount("1 500", "JPY") == Money(1500, "JPY")
    with pytest.raises(AmountError, match="no decimals"):
        parse_amount("15.50", "JPY")


def test_a_three_decimal_currency_keeps_its_third_decimal() -> None:
    assert parse_amount("1 234,567", "BHD") == Money(1234567, "BHD")


@given(st.text(max_size=40))
def test_parsing_returns_a_positive_amount_or_its_own_error(text: str) -> None:
    try:
        money = parse_amount(text, "EUR")
    except AmountError as refused:
        assert refused.message
    else:
        assert money.currency == "EUR" and money.minor > 0


@given(
    st.integers(min_value=1, max_value=10**11),
    st.sampled_from(
        [
            "{w}.{f}",
            "{w},{f}",
            "{g_space},{f}",
            "{g_comma}.{f}",
            "{g_dot},{f}",
            "€{w}.{f}",
            "{w},{f} EUR",
        ]
    ),
)
def test_every_written_form_of_an_amount_reads_back_exactly(cents: int, form: str) -> None:
    whole, frac = divmod(cents, 100)
    text = form.format(
        w=whole,
        f=f"{frac:02d}",
        g_space=f"{whole:,}".replace(",", " "),
        g_comma=f"{whole:,}",
        g_dot=f"{whole:,}".replace(",", "."),
    )
    if cents < 100 and "{w}" not in form and whole == 0:
        text = text.replace("0,", "0,", 1)
    assert parse_amount(text, "EUR") == Money(cents, "EUR")

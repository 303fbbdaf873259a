from decimal import Decimal

import pytest

from ledger.errors import CurrencyMismatch, InvalidInput
from ledger.money import (
    Money,
    minor_units,
    normalise_currency,
    parse_rate,
    percentage_of,
    rate_text,
)


def test_money_adds_only_within_one_currency() -> None:
    assert Money(150, "EUR") + Money(50, "EUR") == Money(200, "EUR")
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "EUR") + Money(1, "USD")


def test_money_refuses_anything_but_integer_minor_units() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]


def test_money_shows_exactly_the_currency_decimals() -> None:
    assert Money(123456, "EUR").amount == Decimal("1234.56")
    assert str(Money(5, "JPY").amount) == "5"
    assert str(Money(1, "BHD").amount) == "0.001"
    assert minor_units("EUR") == 2


def test_a_decimal_with_too_many_places_is_not_silently_rounded() -> None:
    with pytest.raises(InvalidInput):
        Money.from_decimal(Decimal("1.005"), "EUR")


def test_vat_is_rounded_half_up_to_the_cent() -> None:
    assert percentage_of(Money(100_00, "EUR"), 2000) == Money(20_00, "EUR")
    assert percentage_of(Money(1_05, "EUR"), 550) == Money(6, "EUR")  # 5.775 cents
    assert percentage_of(Money(1_01, "EUR"), 550) == Money(6, "EUR")  # 5.555 cents


@pytest.mark.parametrize(
    ("text", "bp"), [("20", 2000), ("5.5", 550), ("5,5 %", 550), ("0", 0), ("100", 10000)]
)
def test_vat_rates_are_read_as_basis_points(text: str, bp: int) -> None:
    assert parse_rate(text) == bp
    assert parse_rate(rate_text(bp)) == bp


@pytest.mark.parametrize("text", ["-1", "101", "abc", "NaN", "5.555"])
def test_impossible_vat_rates_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_rate(text)


def test_currency_codes_must_be_iso_4217() -> None:
    assert normalise_currency("eur") == "EUR"
    with pytest.raises(InvalidInput):
        normalise_currency("EURO")

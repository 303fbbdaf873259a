"""Amounts as people type them: '500', '€500', '1 234,56', '1,234.56 EUR'.

`parse_amount` is pure: it returns a positive `Money` in the expected currency
or raises `AmountError` with a hint. Ranges that depend on the use case (the
purchase limits) are checked by the services.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from babel.numbers import get_currency_symbol

from ledger.errors import N_, AmountError, WrongCurrency
from ledger.money import Money, _known_currencies, minor_units

MAX_TEXT = 64
MAX_INTEGER_DIGITS = 13  # far above any credit amount, far below BIGINT overflow

_SPACES = " \u00a0\u202f\u2009'"  # space, no-break, narrow no-break, thin space, apostrophe
_NUMBER = re.compile(rf"[0-9.,{_SPACES}]+")
_PREFIX = re.compile(rf"^(?P<unit>[^\d.,{_SPACES}+\-\u2212]+)")
_SUFFIX = re.compile(rf"(?P<unit>[^\d.,{_SPACES}]+)$")
_NOT_A_NUMBER = re.compile(r"nan|inf", re.IGNORECASE)
_EXPONENT = re.compile(r"\d\s*[eE]\s*[+\-\u2212]?\s*\d")
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:X\d{3})+")

HINT = N_("type it like 500, 1 500, 12.50 or 12,50")


@cache
def _symbols(currency: str) -> frozenset[str]:
    symbols = {currency}
    for locale in ("en", "fr", "de", "en_US", "en_GB", "ja", "fr_CH"):
        symbols.add(get_currency_symbol(currency, locale).upper())
    return frozenset(symbols)


@cache
def _symbol_owner() -> dict[str, str]:
    """Unambiguous symbols of other common currencies, to name a mismatch precisely."""
    owners: dict[str, str] = {}
    for code in ("EUR", "USD", "GBP", "JPY", "CHF", "CAD", "AUD", "PLN", "INR", "CNY"):
        owners.setdefault(get_currency_symbol(code, "en").upper(), code)
    return owners


def _unit_currency(unit: str, expected: str) -> None:
    token = unit.strip().upper()
    if token in _symbols(expected):
        return
    other = token if token in _known_currencies() else _symbol_owner().get(token)
    if other is not None:
        raise WrongCurrency(
            N_("this project counts in {expected}, not {other}"),
            hint=N_("type the amount in {expected}, for example 500 {expected}"),
            expected=expected,
            other=other,
        )
    raise AmountError(N_("{unit!r} is not a currency I know here"), hint=HINT, unit=unit.strip())


def _split_unit(text: str, expected: str) -> str:
    """Remove a leading or trailing currency symbol or code, checking it is the expected one."""
    rest = text
    for pattern in (_PREFIX, _SUFFIX):
        found = pattern.search(rest)
        if found:
            _unit_currency(found.group("unit"), expected)
            rest = (rest[: found.start()] + rest[found.end() :]).strip()
    return rest


def _digits_of_grouped(text: str, separator: str) -> str | None:
    """'1 234 567' → '1234567' when every group after the first has three digits."""
    if separator not in text:
        return text
    marked = text.replace(separator, "X")
    if not _GROUPED.fullmatch(marked):
        return None
    return marked.replace("X", "")


def _plain_number(text: str) -> tuple[str, str]:
    """Split the number into integer digits and fraction digits, or raise AmountError."""
    spaced = any(ch in text for ch in _SPACES)
    canonical = text
    for ch in _SPACES:
        canonical = canonical.replace(ch, " ")
    canonical = re.sub(r" +", " ", canonical)
    marks = [ch for ch in canonical if ch in ".,"]
    kinds = set(marks)

    if len(kinds) == 2:
        if spaced:
            raise AmountError(N_("{text!r} mixes too many separators"), hint=HINT, text=text)
        decimal_mark = canonical.rstrip("0123456789")[-1]
        group_mark = "," if decimal_mark == "." else "."
        if marks.count(decimal_mark) != 1 or canonical.rfind(group_mark) > canonical.rfind(
            decimal_mark
        ):
            raise AmountError(N_("{text!r} is not a number I can read"), hint=HINT, text=text)
        whole, fraction = canonical.split(decimal_mark)
        digits = _digits_of_grouped(whole, group_mark)
    elif len(kinds) == 1:
        mark = marks[0]
        if len(marks) > 1:
            if spaced:
                raise AmountError(N_("{text!r} mixes too many separators"), hint=HINT, text=text)
            whole, fraction = canonical, ""
            digits = _digits_of_grouped(whole, mark)
        else:
            whole, fraction = canonical.split(mark)
            ambiguous = (
                not spaced
                and len(fraction) == 3
                and 1 <= len(whole) <= 3
                and not whole.startswith("0")
            )
            if ambiguous:
                raise AmountError(
                    N_("{text!r} is ambiguous: is it {whole}{fraction} or {whole}.{fraction}?"),
                    hint=N_(
                        "type {whole}{fraction} or {whole} {fraction} for the whole number; "
                        "decimals take two digits, like 12.50"
                    ),
                    text=text,
                    whole=whole,
                    fraction=fraction,
                )
            digits = _digits_of_grouped(whole, " ") if whole else "0"
    else:
        whole, fraction = canonical, ""
        digits = _digits_of_grouped(whole, " ")

    if digits is None or not digits.isdigit() or (fraction and not fraction.isdigit()):
        raise AmountError(N_("{text!r} is not a number I can read"), hint=HINT, text=text)
    if kinds and not fraction and len(kinds) == 1 and len(marks) == 1:
        raise AmountError(N_("{text!r} ends with a separator"), hint=HINT, text=text)
    return digits, fraction


def parse_amount(text: str, currency: str) -> Money:
    """Read a positive amount typed by a person, in `currency`."""
    raw = text.strip()
    if not raw:
        raise AmountError(N_("no amount given"), hint=HINT)
    if len(raw) > MAX_TEXT:
        raise AmountError(N_("that amount is far too long"), hint=HINT)
    if _NOT_A_NUMBER.search(raw):
        raise AmountError(N_("{text!r} is not a number"), hint=HINT, text=raw)
    if _EXPONENT.search(raw):
        raise AmountError(N_("exponent notation is not accepted"), hint=HINT)
    if not any(ch.isdigit() for ch in raw):
        # "abc" is no amount at all, rather than an amount in an unknown currency.
        raise AmountError(N_("{text!r} is not an amount I can read"), hint=HINT, text=raw)

    number = _split_unit(raw, currency)
    if number[:1] in ("-", "\u2212") or raw[:1] in ("-", "\u2212"):
        raise AmountError(N_("an amount cannot be negative"), hint=HINT)
    if number[:1] == "+":
        number = number[1:].strip()
    if not number or not _NUMBER.fullmatch(number):
        raise AmountError(N_("{text!r} is not an amount I can read"), hint=HINT, text=raw)

    digits, fraction = _plain_number(number)
    places = minor_units(currency)
    if len(fraction) > places:
        if places == 0:
            raise AmountError(
                N_("{currency} amounts have no decimals"),
                hint=N_("type a whole number"),
                currency=currency,
            )
        raise AmountError(
            N_("{currency} amounts have at most {places} decimals"),
            hint=N_("round {text!r} to cents"),
            currency=currency,
            places=places,
            text=raw,
        )
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountError(N_("that amount is far too large"), hint=HINT)
    value = Decimal(f"{digits}.{fraction or '0'}")
    if value == 0:
        raise AmountError(N_("an amount must be more than zero"), hint=HINT)
    return Money.from_decimal(value, currency)

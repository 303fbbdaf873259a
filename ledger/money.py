"""Money as one immutable value: integer minor units and an ISO 4217 currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_precision

from ledger.errors import N_, CurrencyMismatch, InvalidInput


@cache
def _known_currencies() -> frozenset[str]:
    """ISO 4217 currencies some territory uses as legal tender today, as Babel (CLDR) knows
    them: not the codes that name no currency (XXX, XTS), metals (XAU), units of account
    (XDR) or currencies withdrawn (FRF)."""
    territories = get_global("territory_currencies")
    return frozenset(
        code
        for used in territories.values()
        for code, _start, end, tender in used
        if end is None and tender
    )


def is_currency(code: str) -> bool:
    """A real ISO 4217 code, in any case."""
    return code.strip().upper() in _known_currencies()


def normalise_currency(code: str) -> str:
    """Upper-case ISO 4217 code, or InvalidInput."""
    upper = code.strip().upper()
    if upper not in _known_currencies():
        raise InvalidInput(
            N_("{code!r} is not an ISO 4217 currency code"), hint=N_("for example EUR"), code=code
        )
    return upper


@cache
def minor_units(currency: str) -> int:
    """How many decimal places the currency has (EUR 2, JPY 0, BHD 3)."""
    return int(get_currency_precision(currency))


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int of minor units")

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str) -> Money:
        """Exact conversion; a value with more decimals than the currency has is an error."""
        scaled = value.scaleb(minor_units(currency))
        if scaled != scaled.to_integral_value():
            raise InvalidInput(
                N_("{value} has more decimals than {currency} allows"),
                value=value,
                currency=currency,
            )
        return cls(int(scaled), currency)

    @property
    def amount(self) -> Decimal:
        """The value as a Decimal with exactly the currency's decimal places."""
        places = minor_units(self.currency)
        return Decimal(self.minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                N_("cannot combine {one} and {other} amounts"),
                one=self.currency,
                other=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True, slots=True)
class WholeMoney(Money):
    """An amount of whole units (a bound people type in whole units): shown without cents."""

    def __str__(self) -> str:
        return f"{self.minor // 10 ** minor_units(self.currency)} {self.currency}"


def percentage_of(base: Money, rate_basis_points: int) -> Money:
    """base times rate, rounded half up to the currency's minor unit (VAT)."""
    exact = Decimal(base.minor) * Decimal(rate_basis_points) / Decimal(10_000)
    return Money(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), base.currency)


def parse_rate(text: str | Decimal | int) -> int:
    """A percentage such as '20', '5.5' or '0' as integer basis points (2000, 550, 0)."""
    try:
        value = Decimal(str(text).strip().rstrip("%").strip().replace(",", "."))
    except ArithmeticError as exc:
        raise InvalidInput(
            N_("{text!r} is not a percentage"), hint=N_("for example 20 or 5.5"), text=text
        ) from exc
    if not value.is_finite() or value < 0 or value > 100:
        raise InvalidInput(N_("{text!r} is not a percentage between 0 and 100"), text=text)
    bp = value * 100
    if bp != bp.to_integral_value():
        raise InvalidInput(
            N_("{text!r} has more than two decimals"), hint=N_("for example 5.5"), text=text
        )
    return int(bp)


def rate_text(rate_basis_points: int) -> str:
    """2000 → '20', 550 → '5.5'."""
    return format(Decimal(rate_basis_points).scaleb(-2).normalize(), "f")

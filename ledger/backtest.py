"""The backtest's pure parts: a daily usage series read from CSV, the four purchasing
policies' figures, and what each replay reports.

A usage file is `date,amount` lines (an optional `date,amount` header first, or
`date,montant`: the French hint names the columns so), one local day each, in order, each
day at most once, amounts in the currency's units (no more decimals than it has, never
negative), spanning at most MAX_DAYS days. A day missing
between two lines is a day of zero usage: billing exports leave out days without a bill.
Anything else is refused with the number of the first line at fault.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from ledger.errors import N_, InvalidInput
from ledger.money import minor_units

MAX_DAYS = 1827  # 5 years, leap days included
LARGEST_DAY = 1_000_000  # CHARGE_MAX_AMOUNT's default, in whole units
HEADERS = (("date", "amount"), ("date", "montant"))
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Policy(enum.StrEnum):
    AUTOPILOT = "autopilot"
    THRESHOLD = "threshold"
    YEARLY = "yearly"
    WHEN_EMPTY = "when_empty"


POLICIES = tuple(Policy)


@dataclass(frozen=True, slots=True)
class Usage:
    """What was billed each day from `first`, in minor units; a missing day is a zero."""

    currency: str
    first: date
    amounts: tuple[int, ...]

    @property
    def last(self) -> date:
        return self.first + timedelta(days=len(self.amounts) - 1)

    @property
    def total(self) -> int:
        return sum(self.amounts)


def _refuse(line: int, message: str, **values: object) -> InvalidInput:
    """`message` names the line ("usage file, line {line}: …")."""
    return InvalidInput(
        message, hint=N_("each line is date,amount, e.g. 2026-01-31,12.50"), line=line, **values
    )


def read_usage(lines: Iterable[str], currency: str = "EUR", largest: int = LARGEST_DAY) -> Usage:
    """The usage series of a CSV file's lines (line 1 first), or InvalidInput naming the
    first line at fault. A day is at most `largest` whole units: what one charge may be."""
    places = minor_units(currency)
    scale = 10**places
    first: date | None = None
    previous: date | None = None
    amounts: list[int] = []
    number = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        fields = [part.strip() for part in line.split(",")]
        if first is None and previous is None and tuple(f.casefold() for f in fields) in HEADERS:
            continue
        if len(fields) != 2:
            raise _refuse(
                number, N_("usage file, line {line}: expected two fields, date and amount")
            )
        day = _day(number, fields[0])
        minor = _amount(number, fields[1], places, scale)
        if minor > largest * scale:
            raise _refuse(
                number,
                N_("usage file, line {line}: {text} is more than one charge may be ({high})"),
                text=fields[1],
                high=largest,
            )
        if previous is not None and day <= previous:
            if day == previous:
                raise _refuse(
                    number, N_("usage file, line {line}: {day} appears twice"), day=day.isoformat()
                )
            raise _refuse(
                number,
                N_("usage file, line {line}: {day} comes after {previous}: days must be in order"),
                day=day.isoformat(),
                previous=previous.isoformat(),
            )
        if first is None:
            first = day
        elif (day - first).days >= MAX_DAYS:
            raise _refuse(
                number,
                N_("usage file, line {line}: more than {days} days after the first line"),
                days=MAX_DAYS - 1,
            )
        if previous is not None:
            amounts += [0] * ((day - previous).days - 1)
        amounts.append(minor)
        previous = day
    if first is None:
        raise _refuse(max(number, 1), N_("usage file, line {line}: the file holds no usage"))
    return Usage(currency, first, tuple(amounts))


def _day(number: int, text: str) -> date:
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _refuse(
            number, N_("usage file, line {line}: {text!r} is not a date (YYYY-MM-DD)"), text=text
        ) from None


def _amount(number: int, text: str, places: int, scale: int) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not re.fullmatch(r"[+-]?\d+(\.\d*)?|[+-]?\.\d+", text):
        raise _refuse(number, N_("usage file, line {line}: {text!r} is not an amount"), text=text)
    if value < 0:
        raise _refuse(number, N_("usage file, line {line}: {text} is negative"), text=text)
    minor = value * scale
    if minor != minor.to_integral_value():
        raise _refuse(
            number,
            N_("usage file, line {line}: {text} has more than {places} decimals"),
            text=text,
            places=places,
        )
    return int(minor)


def trailing_average(amounts: list[int], days: int = 30) -> Decimal:
    """The average daily usage over the last `days` days billed (fewer at the start)."""
    recent = amounts[-days:]
    return Decimal(sum(recent)) / len(recent) if recent else Decimal(0)


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One day of a replay: the balance at 09:00 once due orders are credited, and usage."""

    day: date
    balance: int
    usage: int


@dataclass(frozen=True, slots=True)
class PolicyReport:
    """What a policy did over the replay, in minor units, read from the ledger's journal."""

    policy: str
    currency: str
    bought: int
    orders: int
    consumed: int
    paid_by_credit: int
    due_other: int
    expired: int
    remaining: int
    days_short: int
    days: tuple[DayPoint, ...] = ()

    @property
    def expired_pct(self) -> Decimal:
        return _percent(self.expired, self.bought)

    @property
    def due_pct(self) -> Decimal:
        return _percent(self.due_other, self.consumed)

    @property
    def lost(self) -> int:
        """What the policy cost beyond the usage itself: credit forfeited, and bills the
        credit did not pay."""
        return self.expired + self.due_other


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(100 * part) / whole).quantize(Decimal("0.01"))

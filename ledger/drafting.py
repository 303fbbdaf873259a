"""The autopilot's drafting rule, on a forecast's projection: whether to draft a purchase
order today, and for how much. Pure: the scheduled run and the backtest both ask it.

A = the shortfalls over days 0 … (runs_out_on - today) + C - 1, rounded up to a whole
unit, at most what a lot bought now could use (`useful_at_most`), at most the purchase
maximum, at most what the monthly cap has left; no draft when that leaves less than 1.
A draft covers through runs_out_on + C - 1; one cut by a bound covers through the last day
whose shortfall, and every one before it, the amount still pays in full.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ledger.domain import days_covered
from ledger.forecast import Projection
from ledger.money import Money, minor_units

DEFAULT_COVER_DAYS = 90


class Skip(enum.StrEnum):
    """Why no order is drafted today."""

    NO_BURN = "no_burn"  # nothing was charged lately: nothing to forecast from
    ENOUGH = "enough"  # credit lasts through the horizon
    NOT_YET = "not_yet"  # it runs out, but buy_by is still to come
    NOTHING_USEFUL = "nothing_useful"  # whatever is bought now would expire unused
    CAP_REACHED = "cap_reached"  # the monthly cap leaves less than one unit


@dataclass(frozen=True, slots=True)
class Draft:
    amount: Money
    runs_out_on: date
    # The last day the amount covers in full: runs_out_on + C - 1, or earlier when a bound
    # cut it (then runs_out_on - 1 if it cannot pay even the first day's shortfall).
    covers_through: date
    # What bounded the amount below the shortfall, if anything: "useful", "maximum", "cap".
    bounded_by: str | None
    # The days of use after runs_out_on it was asked to cover (C).
    cover_days: int

    @property
    def days_covered(self) -> int:
        return days_covered(self.runs_out_on, self.covers_through)


@dataclass(frozen=True, slots=True)
class NoDraft:
    reason: Skip
    # When the next draft is expected, if the forecast says (buy_by in the future).
    expected_on: date | None = None


def plan(
    projection: Projection,
    *,
    cover_days: int = DEFAULT_COVER_DAYS,
    maximum: Money,
    cap_left: Money | None = None,
) -> Draft | NoDraft:
    """What the autopilot drafts today from `projection` (made today)."""
    if projection.burn <= 0:
        return NoDraft(Skip.NO_BURN)
    runs_out_on = projection.runs_out_on
    buy_by = projection.advice.buy_by
    if runs_out_on is None or buy_by is None:
        return NoDraft(Skip.ENOUGH)
    if buy_by > projection.today:
        return NoDraft(Skip.NOT_YET, expected_on=buy_by)
    currency = projection.currency
    unit = 10 ** minor_units(currency)
    last = (runs_out_on - projection.today).days + cover_days  # days 0 … last - 1
    scaled = sum(projection.shortfalls[:last])
    scale = projection.burn.denominator
    wanted = -(-scaled // (unit * scale)) * unit
    bounds = [
        ("useful", projection.advice.useful_at_most.minor),
        ("maximum", maximum.minor // unit * unit),
    ]
    if cap_left is not None:
        bounds.append(("cap", cap_left.minor // unit * unit))
    amount, bounded_by = wanted, None
    for name, bound in bounds:
        if bound < amount:
            amount, bounded_by = bound, name
    if amount < unit:
        if bounded_by == "cap":
            return NoDraft(Skip.CAP_REACHED)
        return NoDraft(Skip.NOTHING_USEFUL)
    if bounded_by is None:
        through = runs_out_on + timedelta(days=cover_days - 1)
    else:
        paid = days_paid(projection.shortfalls[:last], amount * scale)
        through = projection.today + timedelta(days=paid - 1)
    return Draft(Money(amount, currency), runs_out_on, through, bounded_by, cover_days)


def days_paid(shortfalls: Sequence[int], budget: int) -> int:
    """How many days from day 0 `budget` pays the shortfalls of in full (same scale)."""
    total = 0
    for n, short in enumerate(shortfalls):
        total += short
        if total > budget:
            return n
    return len(shortfalls)

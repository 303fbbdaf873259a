"""The forecast: from lots, a daily burn and the clock to a projection and purchase advice.

Pure: no session, no Slack. Amounts are exact fractions of minor units while projecting
(a burn need not be a whole number of cents a day); they are rounded only when shown.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from ledger.clock import credit_expiry, local_date
from ledger.domain import LotKind, LotView
from ledger.money import Money, minor_units


@dataclass(frozen=True, slots=True)
class ForecastRules:
    window_days: int = 30
    horizon_days: int = 90
    purchase_lead_days: int = 5


@dataclass(frozen=True, slots=True)
class ExpiringLot:
    """A lot that still holds money when it expires."""

    kind: LotKind
    source: str
    amount: Money
    expires_at: datetime
    expires_on: date


@dataclass(frozen=True, slots=True)
class ProjectedDay:
    """One local day of the projection: what the valid lots hold at its start, what it
    spends from them, and what they cannot cover (all in exact minor units)."""

    day: date
    opening: Fraction
    spent: Fraction
    shortfall: Fraction


@dataclass(frozen=True, slots=True)
class Advice:
    buy_by: date | None
    buy_at_least: Money
    useful_at_most: Money


@dataclass(frozen=True, slots=True)
class Projection:
    currency: str
    today: date
    burn: Fraction
    runs_out_on: date | None
    expiring_unused: tuple[ExpiringLot, ...]
    advice: Advice
    days: tuple[ProjectedDay, ...]

    @property
    def daily_burn(self) -> Money:
        """The burn rounded half up to the currency's minor unit, as it is shown."""
        return Money(round_half_up(self.burn), self.currency)


def round_half_up(value: Fraction) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def burn_rate(spent_minor: int, now: datetime, created_at: datetime, window_days: int) -> Fraction:
    """Bills over the window divided by its days, or by the project's age in whole days
    (at least 1) when it is younger than the window."""
    age = (now - created_at) // timedelta(days=1)
    days = max(1, min(window_days, age))
    return Fraction(spent_minor, days)


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 of a local day, as a UTC instant (a DST gap at midnight moves it forward)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


class _Lot:
    __slots__ = ("left", "view")

    def __init__(self, view: LotView) -> None:
        self.view = view
        self.left = Fraction(view.remaining.minor)


def project_spending(
    lots: Iterable[LotView],
    burn: Fraction,
    now: datetime,
    tz: ZoneInfo,
    currency: str,
    rules: ForecastRules = ForecastRules(),
) -> Projection:
    """Spend `burn` a day from today through the day of now + 13 months.

    Each day draws from the lots in the spending order; a lot pays for day d if it
    expires after 00:00 of d (and after now).
    """
    today = local_date(now, tz)
    horizon_end = credit_expiry(now, tz)  # what a lot bought now would expire at
    last_day = local_date(horizon_end, tz)
    valid = sorted(
        (_Lot(v) for v in lots if v.expires_at > now and v.valid_from <= now and v.remaining),
        key=lambda lot: (lot.view.expires_at, lot.view.id),
    )
    # Vouchers, then credit; within a kind, soonest expiry, then oldest (the spending order).
    queues = {
        kind: deque(lot for lot in valid if lot.view.kind is kind)
        for kind in (LotKind.VOUCHER, LotKind.CREDIT)
    }
    by_expiry = deque(valid)
    held = sum((lot.left for lot in valid), Fraction(0))
    unused: list[ExpiringLot] = []
    days: list[ProjectedDay] = []

    def expire_until(instant: datetime) -> None:
        nonlocal held
        while by_expiry and by_expiry[0].view.expires_at <= instant:
            gone = by_expiry.popleft()
            held -= gone.left
            if gone.left and gone.view.expires_at <= horizon_end:
                unused.append(_expiring(gone, tz))

    day = today
    while day <= last_day:
        start = max(midnight(day, tz), now)
        expire_until(start)
        opening = held
        need = burn
        for kind in (LotKind.VOUCHER, LotKind.CREDIT):
            queue = queues[kind]
            while need and queue:
                lot = queue[0]
                if lot.view.expires_at <= start or not lot.left:
                    queue.popleft()
                    continue
                part = min(lot.left, need)
                lot.left -= part
                need -= part
        held -= burn - need
        days.append(ProjectedDay(day, opening, burn - need, need))
        day += timedelta(days=1)
    expire_until(horizon_end)

    runs_out_on = next((d.day for d in days if d.shortfall), None)
    return Projection(
        currency=currency,
        today=today,
        burn=burn,
        runs_out_on=runs_out_on,
        expiring_unused=tuple(unused),
        advice=_advice(days, runs_out_on, horizon_end, tz, currency, rules),
        days=tuple(days),
    )


def _expiring(lot: _Lot, tz: ZoneInfo) -> ExpiringLot:
    view = lot.view
    return ExpiringLot(
        view.kind,
        view.source,
        Money(round_half_up(lot.left), view.remaining.currency),
        view.expires_at,
        local_date(view.expires_at, tz),
    )


def _advice(
    days: Sequence[ProjectedDay],
    runs_out_on: date | None,
    new_lot_expiry: datetime,
    tz: ZoneInfo,
    currency: str,
    rules: ForecastRules,
) -> Advice:
    unit = 10 ** minor_units(currency)
    short_soon = sum((d.shortfall for d in days[: rules.horizon_days]), Fraction(0))
    # A lot bought now expires after every lot held now, so it pays only where they fall short.
    coverable = sum(
        (d.shortfall for d in days if midnight(d.day, tz) < new_lot_expiry), Fraction(0)
    )
    return Advice(
        buy_by=runs_out_on - timedelta(days=rules.purchase_lead_days) if runs_out_on else None,
        buy_at_least=Money(math.ceil(short_soon / unit) * unit, currency),
        useful_at_most=Money(math.floor(coverable / unit) * unit, currency),
    )

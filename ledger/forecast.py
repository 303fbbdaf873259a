"""The forecast: from lots, a daily burn and the clock to a projection and purchase advice.

Pure: no session, no Slack. Amounts are exact fractions of minor units while projecting
(a burn need not be a whole number of cents a day); they are rounded only when shown.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from ledger.clock import credit_expiry, local_date
from ledger.domain import LotKind, LotView
from ledger.facts import LotSource
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
    source: LotSource
    amount: Money
    expires_at: datetime
    expires_on: date


@dataclass(frozen=True, slots=True)
class ProjectedDay:
    """One local day of the projection: what the valid lots hold at its start, what it
    spends from them, and what they cannot cover. Kept as integers of 1/scale minor unit
    (scale: the burn's denominator), so the projection runs on integers and stays exact."""

    day: date
    scale: int
    opening_scaled: int
    spent_scaled: int
    shortfall_scaled: int

    @property
    def opening(self) -> Fraction:
        return Fraction(self.opening_scaled, self.scale)

    @property
    def spent(self) -> Fraction:
        return Fraction(self.spent_scaled, self.scale)

    @property
    def shortfall(self) -> Fraction:
        return Fraction(self.shortfall_scaled, self.scale)


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
    # Day by day from today, in 1/scale minor units (scale: the burn's denominator).
    openings: tuple[int, ...]
    spendings: tuple[int, ...]
    shortfalls: tuple[int, ...]

    @property
    def last_day(self) -> date:
        return self.today + timedelta(days=len(self.openings) - 1)

    @property
    def days(self) -> tuple[ProjectedDay, ...]:
        scale = self.burn.denominator
        return tuple(
            ProjectedDay(self.today + timedelta(days=n), scale, opening, spent, short)
            for n, (opening, spent, short) in enumerate(
                zip(self.openings, self.spendings, self.shortfalls, strict=True)
            )
        )

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


def recent_days(window_days: int, rise_days: int) -> int:
    """The short window of the burn (FORECAST_RISE_DAYS), or the whole window when it is
    unset (0) or not shorter: then the burn is the window's average alone."""
    return rise_days if 0 < rise_days < window_days else window_days


def burn_of(
    spent_minor: int,
    recent_minor: int,
    now: datetime,
    created_at: datetime,
    window_days: int,
    rise_days: int,
) -> tuple[Fraction, int]:
    """The burn, and how many days it is the average of: the window's average, or the
    average of its last `rise_days` days when that is higher (what was spent in them is
    `recent_minor`), if the rise window is set. Steady spending gives the same either way;
    spending that rises is seen within those days instead of being diluted over the window."""
    burn = burn_rate(spent_minor, now, created_at, window_days)
    short = recent_days(window_days, rise_days)
    if short < window_days:
        quick = burn_rate(recent_minor, now, created_at, short)
        if quick > burn:
            return quick, short
    return burn, window_days


def midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 of a local day, as a UTC instant (a DST gap at midnight moves it forward)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@lru_cache(maxsize=64)
def _day_starts(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, ...]:
    """00:00 of each day from first to last: the same for every project of a workspace."""
    count = (last - first).days + 1
    return tuple(midnight(first + timedelta(days=n), tz) for n in range(count))


class _Lot:
    __slots__ = ("expires_at", "left", "view")

    def __init__(self, view: LotView, scale: int) -> None:
        self.view = view
        self.expires_at = view.expires_at
        self.left = view.remaining.minor * scale


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
    scale, per_day = burn.denominator, burn.numerator
    valid = sorted(
        (
            _Lot(v, scale)
            for v in lots
            if v.expires_at > now and v.valid_from <= now and v.remaining
        ),
        key=lambda lot: (lot.expires_at, lot.view.id),
    )
    # Vouchers, then credit; within a kind, soonest expiry, then oldest (the spending order).
    queues = {
        kind: deque(lot for lot in valid if lot.view.kind is kind)
        for kind in (LotKind.VOUCHER, LotKind.CREDIT)
    }
    by_expiry = deque(valid)
    held = sum(lot.left for lot in valid)
    unused: list[ExpiringLot] = []

    def expire_until(instant: datetime) -> None:
        nonlocal held
        while by_expiry and by_expiry[0].expires_at <= instant:
            gone = by_expiry.popleft()
            held -= gone.left
            if gone.left and gone.expires_at <= horizon_end:
                unused.append(_expiring(gone, scale, tz))

    midnights = _day_starts(today, last_day, tz)
    starts = (max(midnights[0], now), *midnights[1:])  # day 0 starts now
    total = len(starts)
    openings: list[int] = []
    spendings: list[int] = []
    shortfalls: list[int] = []

    def front(start: datetime) -> _Lot | None:
        """The lot that pays first on a day starting at `start`, if any still holds money."""
        for kind in (LotKind.VOUCHER, LotKind.CREDIT):
            queue = queues[kind]
            while queue and (queue[0].expires_at <= start or not queue[0].left):
                queue.popleft()
            if queue:
                return queue[0]
        return None

    n = 0
    while n < total:
        start = starts[n]
        if by_expiry and by_expiry[0].expires_at <= start:
            expire_until(start)
        payer = front(start)
        if payer is None:  # nothing holds money any more: every day left falls short
            rest = total - n
            openings += [held] * rest
            spendings += [0] * rest
            shortfalls += [per_day] * rest
            break
        # Days that change nothing but the payer's balance come in one stretch: until the next
        # expiry (the payer's own included) or until the payer cannot cover a whole day.
        calm = (bisect_left(starts, by_expiry[0].expires_at) if by_expiry else total) - n
        stretch = min(calm, payer.left // per_day) if per_day else calm
        if stretch > 0:
            drawn = stretch * per_day
            openings += range(held, held - drawn, -per_day) if per_day else [held] * stretch
            spendings += [per_day] * stretch
            shortfalls += [0] * stretch
            payer.left -= drawn
            held -= drawn
            n += stretch
            continue
        # A day drawn from several lots, or falling partly short.
        need = per_day
        while need and payer is not None:
            part = payer.left if payer.left < need else need
            payer.left -= part
            need -= part
            payer = front(start) if need else payer
        held -= per_day - need
        openings.append(held + per_day - need)
        spendings.append(per_day - need)
        shortfalls.append(need)
        n += 1
    expire_until(horizon_end)

    # Shortfalls only come once the lots fall short: start every sum at the first of them.
    first_short = next((n for n, short in enumerate(shortfalls) if short), None)
    if first_short is None:
        runs_out_on, soon, coverable = None, 0, 0
    else:
        runs_out_on = today + timedelta(days=first_short)
        soon = sum(shortfalls[first_short : rules.horizon_days])
        # A lot bought now expires after every lot held now: it pays only where they fall short.
        coverable = sum(
            short
            for short, at in zip(shortfalls[first_short:], midnights[first_short:], strict=True)
            if at < horizon_end
        )
    return Projection(
        currency=currency,
        today=today,
        burn=burn,
        runs_out_on=runs_out_on,
        expiring_unused=tuple(unused),
        advice=_advice(soon, coverable, runs_out_on, scale, currency, rules),
        openings=tuple(openings),
        spendings=tuple(spendings),
        shortfalls=tuple(shortfalls),
    )


def _expiring(lot: _Lot, scale: int, tz: ZoneInfo) -> ExpiringLot:
    view = lot.view
    return ExpiringLot(
        view.kind,
        view.source,
        Money(round_half_up(Fraction(lot.left, scale)), view.remaining.currency),
        view.expires_at,
        local_date(view.expires_at, tz),
    )


def _advice(
    short_soon: int,
    coverable: int,
    runs_out_on: date | None,
    scale: int,
    currency: str,
    rules: ForecastRules,
) -> Advice:
    """In whole units: at least the shortfall of the near horizon, rounded up; at most what
    a lot bought now could pay for, rounded down."""
    unit = 10 ** minor_units(currency) * scale
    return Advice(
        buy_by=runs_out_on - timedelta(days=rules.purchase_lead_days) if runs_out_on else None,
        buy_at_least=Money(-(-short_soon // unit) * (unit // scale), currency),
        useful_at_most=Money(coverable // unit * (unit // scale), currency),
    )

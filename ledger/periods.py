"""Calendar periods of a purchase budget (a month, a quarter or a year of local days in the
workspace zone) and what a budget's use looks like. Pure: no database, no clock."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger.clock import as_utc, local_date
from ledger.domain import ProjectView
from ledger.money import Money


class BudgetPeriod(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_days(period: BudgetPeriod, day: date) -> tuple[date, date]:
    """The first and the last local day of the period that holds `day`."""
    months = period.months
    first = date(day.year, (day.month - 1) // months * months + 1, 1)
    return first, _add_months(first, months) - timedelta(days=1)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return as_utc(datetime.combine(day, time(0), tzinfo=tz))


def period_bounds(period: BudgetPeriod, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) of the period that holds `now`, in the workspace zone: an
    order requested at 00:30 on the 1st, Paris time, counts in the new month."""
    first, last = period_days(period, local_date(now, tz))
    return _midnight(first, tz), _midnight(last + timedelta(days=1), tz)


@dataclass(frozen=True, slots=True)
class BudgetView:
    """A project's budget and its use in the current period (first and last local day)."""

    project: ProjectView
    period: BudgetPeriod
    amount: Money
    starts_on: date
    ends_on: date
    use: Money
    set_by: str
    set_at: datetime

    @property
    def left(self) -> Money:
        return Money(max(self.amount.minor - self.use.minor, 0), self.amount.currency)

    @property
    def over(self) -> Money:
        return Money(max(self.use.minor - self.amount.minor, 0), self.amount.currency)

    @property
    def percent(self) -> int:
        """Whole percent of the budget used, rounded down (79.9 % is not yet 80 %)."""
        return self.use.minor * 100 // self.amount.minor

"""The six usage series the backtest's targets are held to: two years of daily usage
around 100.00 a day, each with one shape. Deterministic: the spikes come from a seeded
generator."""

from __future__ import annotations

import math
import random
from datetime import date

from ledger.backtest import Usage

START = date(2026, 1, 1)
DAYS = 730  # two years: every policy meets a 13-month expiry, and `yearly` buys twice
BASE = 10_000  # 100.00 a day, in cents
MONTH = 365.25 / 12


def _usage(amounts: list[float]) -> Usage:
    return Usage("EUR", START, tuple(round(a) for a in amounts))


def steady(days: int = DAYS) -> Usage:
    return _usage([BASE] * days)


def growing(days: int = DAYS) -> Usage:
    """5 % more every month, compounded day by day."""
    return _usage([BASE * 1.05 ** (n / MONTH) for n in range(days)])


def seasonal(days: int = DAYS) -> Usage:
    """±40 % over a year: highest in winter, lowest in summer."""
    return _usage([BASE * (1 + 0.4 * math.cos(2 * math.pi * n / 365.25)) for n in range(days)])


def weekly_with_spikes(days: int = DAYS) -> Usage:
    """Weekdays busy, weekends quiet, and about one day in twenty a spike of 3 to 5 times."""
    draw = random.Random(16)
    amounts = []
    for n in range(days):
        level = 0.5 if (START.toordinal() + n) % 7 in (5, 6) else 1.2
        if draw.random() < 0.05:
            level *= draw.uniform(3, 5)
        amounts.append(BASE * level)
    return _usage(amounts)


def step(days: int = DAYS) -> Usage:
    """Three times the usage from halfway on."""
    return _usage([BASE * (3 if n >= days // 2 else 1) for n in range(days)])


STOP_AFTER_DAYS = 243  # 8 months


def stops(days: int = DAYS) -> Usage:
    """Steady for 8 months, then nothing, for good."""
    return _usage([BASE if n < STOP_AFTER_DAYS else 0 for n in range(days)])


SERIES = {
    "steady": steady,
    "growing": growing,
    "seasonal": seasonal,
    "weekly with spikes": weekly_with_spikes,
    "step": step,
}

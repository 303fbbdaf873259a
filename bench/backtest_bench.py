"""The backtest's cost: the four policies replayed over one project's three years of
usage, against the same replay with no policy (the first purchase, then the charges alone).
Both run on a fresh in-memory SQLite ledger, whatever the backends asked for."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import timed
from ledger.backtest import Usage
from ledger.services.backtest import backtest, charges_only

PARIS = ZoneInfo("Europe/Paris")


def growing_usage(days: int) -> Usage:
    """100.00 a day growing 5 % a month, with a quiet weekend: every policy has work to do."""
    first = date(2026, 1, 1)
    amounts = tuple(
        round(10_000 * 1.05 ** (n / 30.44) * (0.5 if (first.toordinal() + n) % 7 in (5, 6) else 1))
        for n in range(days)
    )
    return Usage("EUR", first, amounts)


def policies_vs_charges(days: int = 1096, repeat: int = 3) -> dict[str, Any]:
    usage = growing_usage(days)
    bare, ours = [], []
    for _ in range(repeat):  # in turns, so that both see the same machine load
        bare.append(timed(lambda: charges_only(usage, PARIS)))
        ours.append(timed(lambda: backtest(usage, PARIS)))
    bare_s, ours_s = sorted(bare)[repeat // 2], sorted(ours)[repeat // 2]
    return {
        "days": days,
        "charges_alone_s": bare_s,
        "four_policies_s": ours_s,
        "per_policy_day_ms": 1000 * ours_s / (4 * days),
        "ratio": ours_s / bare_s,
        "aim": 20,
    }

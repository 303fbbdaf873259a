"""The backtest's chart: per policy, its balance each morning once due orders are credited
and the day's usage, over the replay. A PNG drawn with matplotlib's Agg backend (as the
credit chart is), labelled in its reader's language, in the series' currency."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.backtest_words import panel_title
from bot.chart import DPI, _money, _x
from bot.i18n import Translator
from ledger.backtest import PolicyReport
from ledger.money import minor_units

WIDTH = 10.0  # inches
ROW_HEIGHT = 2.4

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def render(outcomes: Sequence[PolicyReport], t: Translator) -> bytes:
    """The PNG of `figure`."""
    out = io.BytesIO()
    figure(outcomes, t).savefig(out, format="png")
    return out.getvalue()


def figure(outcomes: Sequence[PolicyReport], t: Translator) -> Figure:
    """One panel per policy, balance on the left axis, usage on the right."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import ticker
    from matplotlib.figure import Figure

    locale = t.locale
    rows = max(len(outcomes), 1)
    drawn = Figure(figsize=(WIDTH, ROW_HEIGHT * rows + 0.6), dpi=DPI)
    grid = [row[0] for row in drawn.subplots(rows, 1, sharex=True, squeeze=False)]
    for axes, outcome in zip(grid, outcomes, strict=False):
        currency = outcome.currency
        scale = Decimal(10 ** minor_units(currency))
        days = [_x(point.day) for point in outcome.days]

        def amounts(value: float, _: object, c: str = currency) -> str:
            return _money(Decimal(str(round(value, 2))), c, locale)

        axes.step(
            days,
            [float(point.balance / scale) for point in outcome.days],
            where="post",
            color="#1d4e89",
            linewidth=1.5,
            label=t.gettext("balance"),
        )
        usage = axes.twinx()
        usage.plot(
            days,
            [float(point.usage / scale) for point in outcome.days],
            color="#c0392b",
            linewidth=0.7,
            alpha=0.8,
            label=t.gettext("usage"),
        )
        for side in (axes, usage):
            side.yaxis.set_major_formatter(ticker.FuncFormatter(amounts))
            side.set_ylim(bottom=0)
            side.tick_params(axis="y", labelsize=7)
        axes.grid(alpha=0.3)
        axes.set_title(panel_title(outcome.policy, t), fontsize=9, loc="left")
        lines = axes.get_legend_handles_labels()
        more = usage.get_legend_handles_labels()
        axes.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=7)
    if outcomes and outcomes[0].days:
        first, last = outcomes[0].days[0].day, outcomes[0].days[-1].day
        ticks = [
            day
            for year in range(first.year, last.year + 1)
            for month in (1, 4, 7, 10)
            if first <= (day := date(year, month, 1)) <= last
        ]
        grid[-1].set_xticks(
            [_x(d) for d in ticks], [format_date(d, "MMM y", locale=locale) for d in ticks]
        )
        grid[-1].tick_params(axis="x", labelrotation=45, labelsize=8)
    drawn.tight_layout()
    return drawn

"""The credit chart: the balance over the last 90 days, the projection over 13 months,
and each expiry that loses money as a step named after its lot. A PNG drawn with
matplotlib's Agg backend, labelled in its reader's language, in the project's currency."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

from bot.i18n import Translator
from ledger.facts import LotSource
from ledger.forecast import round_half_up
from ledger.money import Money
from ledger.services import Ledger, forecasting
from ledger.services.forecasting import BalancePoint, Forecast

HISTORY_DAYS = 90
MAX_LABELS = 12  # expiry names beyond these would overlap; the largest are named
EPOCH = date(1970, 1, 1)
SIZE = (10.0, 5.0)  # inches
DPI = 100


@dataclass(frozen=True, slots=True)
class ChartSeries:
    currency: str
    past: tuple[tuple[date, Decimal], ...]
    future: tuple[tuple[date, Decimal], ...]
    expiries: tuple[tuple[date, LotSource, Decimal], ...]


def series(history: list[BalancePoint], seen: Forecast) -> ChartSeries:
    """What the chart draws: exact amounts in the currency's units."""
    currency = seen.project.currency
    future = tuple(
        (d.day, Money(round_half_up(d.opening), currency).amount) for d in seen.projection.days
    )
    lost = sorted(seen.projection.expiring_unused, key=lambda e: -e.amount.minor)[:MAX_LABELS]
    expiries = tuple(
        sorted(
            ((e.expires_on, e.source, e.amount.amount) for e in lost),
            key=lambda row: (row[0], row[1].reference, row[2]),
        )
    )
    past = tuple((p.day, p.available.amount) for p in history)
    return ChartSeries(currency, past, future, expiries)


def draw(ledger: Ledger, project_ref: str, t: Translator) -> bytes:
    """The chart of a project, as a PNG."""
    seen = forecasting.forecast(ledger, project_ref)
    history = forecasting.balance_history(ledger, seen.project.id, HISTORY_DAYS)
    return render(series(history, seen), seen.project.name, t)


def render(data: ChartSeries, title: str, t: Translator) -> bytes:
    """The PNG. matplotlib is imported here: only the chart needs it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import ticker
    from matplotlib.figure import Figure

    locale = t.locale
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.add_subplot()
    if data.past:
        axes.step(
            [_x(d) for d, _ in data.past],
            [float(v) for _, v in data.past],
            where="post",
            color="#1d4e89",
            linewidth=2,
            label=t.gettext("balance"),
        )
    if data.future:
        axes.step(
            [_x(d) for d, _ in data.future],
            [float(v) for _, v in data.future],
            where="post",
            color="#1d4e89",
            linestyle="--",
            linewidth=1.5,
            label=t.gettext("projection"),
        )
    for day, name, amount in data.expiries:
        axes.axvline(_x(day), color="#c0392b", alpha=0.3, linewidth=1)
        axes.annotate(
            f"{t.lot(name)}\n-{_money(amount, data.currency, locale)}",
            xy=(_x(day), 0),
            xytext=(2, 4),
            textcoords="offset points",
            rotation=90,
            fontsize=7,
            color="#c0392b",
            va="bottom",
        )
    axes.yaxis.set_major_formatter(
        ticker.FuncFormatter(
            lambda value, _: _money(Decimal(str(round(value, 2))), data.currency, locale)
        )
    )
    months = _month_starts(data)
    axes.set_xticks(
        [_x(m) for m in months], [format_date(m, "MMM y", locale=locale) for m in months]
    )
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.set_ylim(bottom=0)
    if data.past or data.future:
        axes.legend(loc="upper right", fontsize=8)
    axes.grid(alpha=0.3)
    axes.set_title(title)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _x(day: date) -> float:
    """A day as matplotlib's default date number (days since 1970-01-01)."""
    return float((day - EPOCH).days)


def _month_starts(data: ChartSeries) -> list[date]:
    days = [d for d, _ in data.past] + [d for d, _ in data.future]
    if not days:
        return []
    first, last = min(days), max(days)
    month = date(first.year, first.month, 1)
    found = []
    while month <= last:
        if month >= first:
            found.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


def _money(value: Decimal, currency: str, locale: str) -> str:
    text: str = format_currency(value, currency, locale=locale)
    return text.replace("\u202f", "\u00a0")

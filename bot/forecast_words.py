"""Sentences of the forecast shared by Slack and the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.i18n import Translator
from ledger.domain import POStatus
from ledger.services.forecasting import Forecast

# In Slack, the open orders named beside the forecast (then how many more).
MAX_OPEN_ORDERS_SHOWN = 3


def never_runs_out(t: Translator) -> str:
    """When the credit lasts past the forecast's horizon."""
    return t.gettext("not within 13 months")


def basis(seen: Forecast, t: Translator, quote: Callable[[str], str] = str) -> str:
    """Where the daily spend comes from, over the forecast's window (FORECAST_WINDOW_DAYS).
    `quote` makes an unknown basis safe for where it is shown (mrkdwn)."""
    days = seen.window_days
    if seen.basis == "journal":
        return t.say_n(
            "Daily spend from the bills charged here in the last day.",
            "Daily spend from the bills charged here in the last {n} days.",
            days,
        )
    if seen.basis == "ovhcloud":
        return t.say_n(
            "Daily spend from OVHcloud's consumption in the last day.",
            "Daily spend from OVHcloud's consumption in the last {n} days.",
            days,
        )
    return t.say("Daily spend from the recent bills (`{basis}`).", basis=quote(seen.basis))


def lasts_until(seen: Forecast, t: Translator) -> str:
    """The balance's line: the last day the credit pays for at the current rate."""
    projection = seen.projection
    if seen.available.minor == 0:
        return t.gettext("No credit available.")
    out = projection.runs_out_on
    if out is None:
        return t.say(
            "At the current rate, credit lasts beyond {day}.", day=t.date(projection.last_day)
        )
    if out <= projection.today:
        return t.gettext("At the current rate, credit runs out today.")
    return t.say(
        "At the current rate, credit lasts until {day}.", day=t.date(out - timedelta(days=1))
    )


def on_its_way(seen: Forecast, t: Translator, most: int | None = None) -> list[str]:
    """The project's open orders, one line each, oldest first (at most `most`, then how
    many more): the forecast does not count them, so nobody buys twice."""
    shown = seen.open_orders if most is None else seen.open_orders[:most]
    lines = [
        t.say(
            "{order} for {amount} is pending approval (not counted above).",
            order=order.number,
            amount=t.money(order.amount),
        )
        if order.status is POStatus.PENDING
        else t.say(
            "{order} for {amount} is approved and not yet delivered (not counted above).",
            order=order.number,
            amount=t.money(order.amount),
        )
        for order in shown
    ]
    hidden = len(seen.open_orders) - len(shown)
    if hidden > 0:
        lines.append(
            t.say_n(
                "…and {n} more open order (not counted above).",
                "…and {n} more open orders (not counted above).",
                hidden,
            )
        )
    return lines


def balance_outlook(seen: Forecast, t: Translator) -> str:
    """The balance's line, and the open orders it does not count."""
    return " ".join([lasts_until(seen, t), *on_its_way(seen, t, MAX_OPEN_ORDERS_SHOWN)])

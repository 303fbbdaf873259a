"""Amounts, dates and people as Slack shows them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from ledger.money import Money

# Dates are written in English like the rest of the bot's sentences; amounts follow the locale.
DATE_LOCALE = "en_GB"


class Formatter:
    def __init__(self, tz: ZoneInfo, locale: str) -> None:
        self.tz = tz
        self.locale = locale

    def money(self, value: Money) -> str:
        return _money(value.minor, value.currency, self.locale)

    def day(self, instant: datetime) -> str:
        text: str = format_date(instant.astimezone(self.tz), "d MMM y", locale=DATE_LOCALE)
        return text

    def date(self, day: date) -> str:
        text: str = format_date(day, "d MMM y", locale=DATE_LOCALE)
        return text

    def moment(self, instant: datetime) -> str:
        text: str = format_datetime(
            instant.astimezone(self.tz), "d MMM y HH:mm", locale=DATE_LOCALE
        )
        return text

    def last_day(self, expires_at: datetime) -> str:
        """The last day a lot can be used: a lot expiring at 00:00 is usable through the day before."""
        local = expires_at.astimezone(self.tz)
        if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
            return self.day(local - timedelta(days=1))
        return self.moment(local)


@lru_cache(maxsize=4096)
def _money(minor: int, currency: str, locale: str) -> str:
    # Babel's narrow no-break space would show as a box in some Slack clients.
    text: str = format_currency(Money(minor, currency).amount, currency, locale=locale)
    return text.replace("\u202f", "\u00a0")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def channel(channel_id: str) -> str:
    return f"<#{channel_id}>"


def escape(text: str) -> str:
    """User text shown in mrkdwn: no accidental mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

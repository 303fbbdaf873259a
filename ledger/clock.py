"""Instants and the workspace calendar.

Instants are stored and compared in UTC; calendar rules (13 months, "valid
until D") are computed in the workspace time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

from ledger.errors import N_, InvalidInput

CREDIT_VALIDITY = relativedelta(months=13)

# What a person may ask about: wide enough for any real question, far enough from
# datetime's year 1 and 9999 that calendar arithmetic on it (13 months, time zones) never
# overflows.
YEARS = range(1970, 3000)


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            N_("{name!r} is not a time zone"), hint=N_("for example Europe/Paris"), name=name
        ) from exc


def as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime where an instant was expected")
    return instant.astimezone(UTC)


def _local_to_utc(local: datetime) -> datetime:
    # A wall time that falls in a DST gap does not exist; round-tripping through
    # UTC moves it forward by the gap, which is what a clock on the wall does.
    return local.astimezone(UTC)


def credit_expiry(purchased_at: datetime, tz: ZoneInfo) -> datetime:
    """Purchase instant + 13 calendar months in local time, day clamped to the month's end."""
    local = as_utc(purchased_at).astimezone(tz)
    return _local_to_utc(local + CREDIT_VALIDITY)


def voucher_expiry(valid_until: date, tz: ZoneInfo) -> datetime:
    """'Valid until D' means usable through day D: it expires at 00:00 of D+1, local."""
    return _local_to_utc(datetime.combine(valid_until + timedelta(days=1), time(0), tzinfo=tz))


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return as_utc(instant).astimezone(tz).date()


def days_left(now: datetime, expires_at: datetime, tz: ZoneInfo) -> int:
    """Whole calendar days from today to the expiry's day, in the workspace time zone.

    A lot expiring at 00:00 of D+1 is usable through D, so it counts to D.
    """
    end = as_utc(expires_at).astimezone(tz)
    last_usable_day = (end - timedelta(microseconds=1)).date()
    return (last_usable_day - local_date(now, tz)).days


def parse_day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            N_("{text!r} is not a date"), hint=N_("write it as YYYY-MM-DD"), text=text
        ) from exc
    if day.year not in YEARS:
        raise _out_of_range(text)
    return day


def parse_instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            N_("{text!r} is not an ISO 8601 instant"),
            hint=N_("for example 2027-02-28T10:00:00+01:00"),
            text=text,
        ) from exc
    if value.tzinfo is None:
        raise InvalidInput(
            N_("{text!r} has no UTC offset"), hint=N_("add one, e.g. +01:00 or Z"), text=text
        )
    if value.year not in YEARS:  # before converting: 0001-01-01T00:00+01:00 has no UTC
        raise _out_of_range(text)
    return value.astimezone(UTC)


def parse_moment(text: str, tz: ZoneInfo) -> datetime:
    """An instant with its offset, or a day: the end of that day in the workspace zone
    (its last microsecond), so that all of the day's entries count and a voucher valid
    through that day still does."""
    if _BARE_DAY.fullmatch(text.strip()):
        return voucher_expiry(parse_day(text), tz) - timedelta(microseconds=1)
    return parse_instant(text)


_BARE_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _out_of_range(text: str) -> InvalidInput:
    return InvalidInput(
        N_("{text!r} is out of range"),
        hint=N_("between {first} and {last}"),
        text=text,
        first=YEARS[0],
        last=YEARS[-1],
    )

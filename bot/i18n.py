"""Words, dates and amounts in the reader's language, from Babel gettext catalogs.

`bot/locale/` holds the catalogs (`make i18n` extracts, updates and compiles them).
A `Translator` is one language and one time zone: builders take one and never phrase a
sentence by hand. Sentences are `str.format` templates with named fields.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_percent
from babel.support import NullTranslations, Translations

from ledger.domain import AUTOPILOT
from ledger.errors import LedgerError, Phrase, UserRef
from ledger.facts import LotOrigin, LotSource, LotSources
from ledger.money import Money, WholeMoney, minor_units

CATALOGS = Path(__file__).parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("fr", "en")
# French writes months in full and `à` before the time: `6 décembre 2026 à 02:09`.
DAY = {"fr": "d MMMM y", "en": "d MMM y"}
MOMENT = {"fr": "d MMMM y 'à' HH:mm", "en": "d MMM y HH:mm"}
# The day-of-month field of a Babel pattern (`d`, not `dd`, `D` or a quoted `'d'`).
DAY_FIELD = re.compile(r"(?<![d'])d(?![d'])")
TERMINAL_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def supported_locale(text: str | None) -> str | None:
    """`fr-FR`, `fr_CA`, `en-US`, `en` → a Babel locale name; None for another language."""
    if not text:
        return None
    try:
        parsed = Locale.parse(text.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if parsed.language not in LANGUAGES:
        return None
    return str(parsed)


def terminal_locale(environ: Mapping[str, str]) -> str:
    """The language of the person at a terminal, found as gettext finds it: the first of
    `LC_ALL`, `LC_MESSAGES`, `LANG` that is set. `C`, `POSIX`, unset or a language the bot
    does not speak mean English; `fr_FR.UTF-8` means French."""
    for name in TERMINAL_VARIABLES:
        value = environ.get(name)
        if value:
            # `fr_FR.UTF-8@euro` → `fr_FR`: the encoding and modifier say nothing of words.
            locale = value.split(".")[0].split("@")[0]
            if locale in ("C", "POSIX"):
                return "en"
            return supported_locale(locale) or "en"
    return "en"


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(language: str) -> NullTranslations:
    found: NullTranslations = Translations.load(str(CATALOGS), [language], DOMAIN)
    return found


class Translator:
    """One reader's language: gettext and ngettext, Babel dates and amounts, day counts.

    `mentions` says whether people are written as Slack @mentions (Slack) or as their ids
    (the command line)."""

    def __init__(self, locale: str, tz: ZoneInfo, *, mentions: bool = True) -> None:
        name = supported_locale(locale)
        if name is None:
            raise ValueError(f"{locale!r} is not a French or English locale")
        self.locale = name
        self.language = Locale.parse(name).language
        self.tz = tz
        self.mentions = mentions
        self._catalog = _catalog(self.language)

    # --- words ----------------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        return str(self._catalog.gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        """A word whose translation depends on what it speaks of (an order is feminine in
        French, a purchase order masculine)."""
        return str(self._catalog.pgettext(context, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(self._catalog.ngettext(singular, plural, n))

    def say(self, message: str, **values: Any) -> str:
        """A sentence of the catalogs with its fields filled in."""
        return self.gettext(message).format(**values)

    def say_n(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """A sentence that depends on a count `n` (also available as the field `{n}`)."""
        return self.ngettext(singular, plural, n).format(n=n, **values)

    def refusal(self, error: LedgerError) -> tuple[str, str | None]:
        """An error's sentence and hint in this language, values written the reader's way."""
        values = {key: self.value(value) for key, value in error.params.items()}
        message = self.gettext(error.template).format(**values)
        hint = self.gettext(error.hint_template).format(**values) if error.hint_template else None
        return message, hint

    def recorded(self, fact: str | None) -> str | None:
        """A refusal the ledger recorded as facts (`ledger.errors.stored`), in this language;
        text recorded before facts were kept is shown as it was written."""
        if not fact:
            return fact
        try:
            data = json.loads(fact)
        except ValueError:
            return fact
        return self._worded(data) if isinstance(data, dict) and "t" in data else fact

    def _worded(self, fact: dict[str, Any]) -> str:
        values = {
            key: self._worded(value) if isinstance(value, dict) and "t" in value else value
            for key, value in (fact.get("p") or {}).items()
        }
        try:
            return self.gettext(str(fact["t"])).format(**values)
        except (KeyError, IndexError, ValueError):
            return str(fact["t"])

    def value(self, value: Any) -> Any:
        if isinstance(value, WholeMoney):
            return self.whole_money(value)
        if isinstance(value, Money):
            return self.money(value)
        if isinstance(value, datetime):
            return self.moment(value)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, Phrase):
            return self.gettext(value)
        if isinstance(value, UserRef):
            return self.person(value)
        if isinstance(value, LotSource):
            return self.lot(value)
        if isinstance(value, LotSources):
            return ", ".join(self.lot(source) for source in value)
        return value

    def person(self, user_id: str) -> str:
        if user_id == AUTOPILOT:  # not a person: named, never mentioned
            return self.gettext("the autopilot")
        return f"<@{user_id}>" if self.mentions else user_id

    def lot(self, source: LotSource) -> str:
        """A lot as people know it: `Voucher …70ZH`, `Credit PO-2026-000042`, `OVHcloud
        credit 1001`, or the words it was recorded with before facts were kept."""
        if source.origin is LotOrigin.PURCHASE:
            return self.say("Credit {po}", po=source.po_number)
        if source.origin is LotOrigin.VOUCHER:
            return self.say("Voucher …{last4}", last4=source.voucher_last4)
        if source.origin is LotOrigin.PROVIDER:
            return self.say("OVHcloud credit {credit}", credit=source.provider_credit_id)
        return source.reference

    def lot_from(self, source: LotSource, amount: Money) -> str:
        """What a charge drew from a lot."""
        paid = self.money(amount)
        if source.origin is LotOrigin.PURCHASE:
            return self.say("{amount} from credit {po}", amount=paid, po=source.po_number)
        if source.origin is LotOrigin.VOUCHER:
            return self.say(
                "{amount} from voucher …{last4}", amount=paid, last4=source.voucher_last4
            )
        return self.say("{amount} from {lot}", amount=paid, lot=self.lot(source))

    # --- amounts, dates and counts --------------------------------------------------------------

    def money(self, value: Money) -> str:
        return _money(value.minor, value.currency, self.locale)

    def whole_money(self, value: Money) -> str:
        """An amount of whole units, without cents: `200 000 €`, `€200,000`."""
        return _whole_money(
            value.minor // 10 ** minor_units(value.currency), value.currency, self.locale
        )

    def percent(self, value: Decimal | int, places: int = 0, *, trim: bool = False) -> str:
        """`value` per cent, grouped like every number of this locale: `80%`, `1,250%`,
        `12.50%`; French `80 %`, `1 250 %`, `12,50 %`. `trim` leaves out the decimals that
        are zeros (a VAT rate of `20%` or `5.5%`)."""
        return _percent(Decimal(value), places, trim, self.locale)

    def rate(self, basis_points: int) -> str:
        """A rate kept in basis points, as a percentage: 2000 → `20%`, 550 → `5.5%` (`5,5 %`)."""
        return self.percent(Decimal(basis_points).scaleb(-2), 2, trim=True)

    def date(self, day: date) -> str:
        text: str = format_date(day, self.pattern(DAY, day), locale=self.locale)
        return text

    def day(self, instant: datetime) -> str:
        return self.date(instant.astimezone(self.tz).date())

    def moment(self, instant: datetime) -> str:
        local = instant.astimezone(self.tz)
        text: str = format_datetime(local, self.pattern(MOMENT, local.date()), locale=self.locale)
        return text

    def pattern(self, patterns: Mapping[str, str], day: dt.date) -> str:
        """This language's Babel pattern for `day`: French writes the first of a month
        `1er` (`1er décembre 2026`), every other day as a plain number."""
        pattern = patterns[self.language]
        if self.language == "fr" and day.day == 1:
            return DAY_FIELD.sub("d'er'", pattern)
        return pattern

    def last_day(self, expires_at: datetime) -> str:
        """The last day a lot can be used: a lot expiring at 00:00 is usable through the day before."""
        local = expires_at.astimezone(self.tz)
        if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
            return self.day(local - timedelta(days=1))
        return self.moment(local)

    def joined(self, parts: list[str]) -> str:
        """Clauses one after the other, `a; b` (French: `a ; b`)."""
        return self.gettext("; ").join(parts)

    def deadline(self, day: dt.date, today: dt.date) -> str:
        """A day something should be done by, marked late once it has passed."""
        if day < today:
            return self.say("{day} (late)", day=self.date(day))
        return self.date(day)

    def days_left(self, left: int) -> str:
        if left <= 0:
            return self.gettext("last day")
        return self.say_n("{n} day left", "{n} days left", left)


@lru_cache(maxsize=4096)
def _money(minor: int, currency: str, locale: str) -> str:
    # Babel's narrow no-break space would show as a box in some Slack clients.
    text: str = format_currency(Money(minor, currency).amount, currency, locale=locale)
    return text.replace("\u202f", "\u00a0")


@lru_cache(maxsize=1024)
def _whole_money(units: int, currency: str, locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    whole = re.sub(r"0[.,]0+", "0", pattern.split(";")[0])
    text: str = format_currency(units, currency, format=whole, locale=locale, currency_digits=False)
    return text.replace("\u202f", "\u00a0")


@lru_cache(maxsize=1024)
def _percent(value: Decimal, places: int, trim: bool, locale: str) -> str:
    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    if places:
        pattern = pattern.replace("0", "0." + ("#" if trim else "0") * places, 1)
    text: str = format_percent(value / 100, pattern, locale=locale)
    return text.replace("\u202f", "\u00a0")


@lru_cache(maxsize=64)
def translator(locale: str, tz: ZoneInfo, *, mentions: bool = True) -> Translator:
    return Translator(locale, tz, mentions=mentions)


def at_terminal(tz: ZoneInfo | None = None, *, mentions: bool = False) -> Translator:
    """The translator of the person at this process's terminal (see `terminal_locale`)."""
    return translator(terminal_locale(os.environ), tz or ZoneInfo("UTC"), mentions=mentions)

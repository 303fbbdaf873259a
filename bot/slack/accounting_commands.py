"""`/credit export [MONTH]` (finance: the month's purchase orders as CSV, in a direct
message) and `/credit due [PROJECT]` (what is due by other means, Settle for finance)."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from babel import Locale
from babel.dates import format_date

from bot.slack.blocks import accounting as blocks
from ledger.clock import local_date
from ledger.domain import Role
from ledger.errors import N_, InvalidInput
from ledger.services import accounting, settlements

if TYPE_CHECKING:
    from bot.slack.commands import Invocation

# French words for these sub-commands.
ALIASES = {"exporter": "export", "dû": "due", "du": "due", "a-regler": "due", "à-régler": "due"}

ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _folded(text: str) -> str:
    """Lower case without accents or a trailing dot: `Févr.` → `fevr`."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c)).rstrip(".")


@cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations in the bot's languages, folded."""
    names: dict[str, int] = {}
    for language in ("en", "fr"):
        months = Locale.parse(language).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[_folded(name)] = number
    return names


def month_of(words: list[str], today: date) -> date:
    """The first day of the month named: `2026-11`, or a month's name in English or French
    (`novembre`, `Nov`), optionally with its year, else its most recent one that has begun
    (this month included). No words: last month, the latest whole one."""
    if not words:
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    text = " ".join(words)
    iso = ISO_MONTH.fullmatch(text.strip())
    if iso is not None and 1 <= int(iso.group(2)) <= 12 and 2000 <= int(iso.group(1)) <= 2999:
        return date(int(iso.group(1)), int(iso.group(2)), 1)
    number = _month_names().get(_folded(words[0]))
    year_given = len(words) == 2 and words[1].isdigit() and 2000 <= int(words[1]) <= 2999
    if number is None or len(words) > 2 or (len(words) == 2 and not year_given):
        raise InvalidInput(
            N_("{text!r} is not a month"),
            hint=N_("for example `/credit export 2026-11` or `/credit export november`"),
            text=text,
        )
    if year_given:
        return date(int(words[1]), number, 1)
    year = today.year if number <= today.month else today.year - 1
    return date(year, number, 1)


def _last_day(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def export_month(inv: Invocation, args: list[str]) -> None:
    inv.actor.require(Role.FINANCE, N_("export the purchases"))
    ledger = inv.deps.ledger
    first = month_of(args, local_date(ledger.now(), ledger.config.timezone))
    last = _last_day(first)
    found = accounting.bills(ledger, inv.deps.provider, first, last)
    out = io.StringIO()
    totals = accounting.export_purchases(ledger, first, last, out, "csv", found)
    count = sum(sum(states.values()) for states in totals.counts.values())
    month = format_date(first, "LLLL y", locale=inv.t.locale)
    dm = inv.client.conversations_open(users=inv.actor.user_id)["channel"]["id"]
    inv.client.files_upload_v2(
        channel=dm,
        content=out.getvalue().encode("utf-8"),
        filename=f"purchases-{first:%Y-%m}.csv",
        title=inv.t.say("Purchase orders decided in {month}", month=month),
    )
    inv.reply(blocks.export_sent(month, count, inv.t))


def due_list(inv: Invocation, args: list[str]) -> None:
    # Without PROJECT: the channel's project, else every project (finance's channel).
    project = inv.projects.exactly(args) if args else inv.projects.channel_project
    parts = settlements.due_parts(inv.deps.ledger, project.id if project else None)
    finance = inv.actor.can(Role.FINANCE)
    inv.reply(blocks.due_list(parts, inv.t, finance=finance, project=project))

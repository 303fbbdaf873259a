"""Block Kit for the weekly digest posted in each project's channel."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.i18n import Translator
from bot.slack.blocks import MAX_BLOCKS, Message, _dicts, _sections
from bot.slack.blocks_forecast import advice_lines
from bot.slack.formatting import escape
from ledger.domain import LotView
from ledger.money import Money
from ledger.services.forecasting import Forecast

MAX_LOTS_SHOWN = 15


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def weekly_digest(
    seen: Forecast, spent: Money, expiring: Sequence[LotView], t: Translator
) -> Message:
    values = {"left": t.money(seen.available), "spent": t.money(spent)}
    head = ":bar_chart: " + t.say(
        "*{project}* this week: {left} left; {spent} spent in the last 7 days.",
        project=escape(seen.project.name),
        **values,
    )
    lines = [
        "• "
        + t.say(
            "{lot}: {amount} until {until}",
            lot=escape(t.lot(lot.source)),
            amount=t.money(lot.remaining),
            until=t.last_day(lot.expires_at),
        )
        for lot in expiring[:MAX_LOTS_SHOWN]
    ]
    if len(expiring) > MAX_LOTS_SHOWN:
        lines.append(
            t.say_n("…and {n} more lot.", "…and {n} more lots.", len(expiring) - MAX_LOTS_SHOWN)
        )
    blocks: list[Block] = [SectionBlock(text=_md(head))]
    if lines:
        blocks.append(SectionBlock(text=_md(t.gettext("*Expires in the next 30 days*"))))
        blocks.extend(_sections(lines))
    outlook = " ".join(advice_lines(seen, t))
    blocks.append(ContextBlock(elements=[_md(outlook)]))
    text = t.say(
        "{project}: {left} left, {spent} spent in the last 7 days. {outlook}",
        project=escape(seen.project.name),
        outlook=outlook,
        **values,
    )
    return Message(text, _dicts(blocks[:MAX_BLOCKS]))
